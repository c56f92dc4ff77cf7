"""Concerns in her data rights (export and erasure), and the office's 问题清单 / 成果清单
recounted independently from the rows."""

from __future__ import annotations

import io
import statistics
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from happiness_fair.concerns.models import Concern, ConcernEvent, ConcernPhoto
from happiness_fair.extensions import db
from happiness_fair.places.clock import service_date_of, today
from tests.factories import PASSWORD

from .conftest import png
from .test_concerns_api import LEAK, raise_private, raise_public


def test_her_export_holds_her_concerns_photos_and_report_back_notes(town):
    cid = raise_private(town)["id"]
    town.as_("her").post(
        f"/concerns/{cid}/photos",
        data={"photo": (io.BytesIO(png()), "leak.png")},
        content_type="multipart/form-data",
    )
    worker = town.as_("worker")
    worker.post(f"/concerns/{cid}/accept", json={})
    worker.post(f"/concerns/{cid}/in-hand", json={})
    worker.post(f"/concerns/{cid}/done", json={"note": "修好了"})
    worker.post(f"/concerns/{cid}/report-back", json={"outcome": "partly", "note": "还有点潮"})
    public = raise_public(town, "neighbour")["id"]
    town.as_("her").post(f"/concerns/{public}/me-too", json={})
    exported = town.as_("her").get("/me/export").json
    mine = exported["concerns"]
    assert [c["id"] for c in mine] == [cid]
    assert mine[0]["description"] == LEAK["description"] and len(mine[0]["photos"]) == 1
    assert mine[0]["report_note"] == "还有点潮" and mine[0]["outcome"] == "partly"
    assert exported["concern_me_too"][0]["concern_id"] == public
    # Her son sees her concern in his export too (he manages her); a neighbour does not.
    assert [c["id"] for c in town.as_("manager").get("/me/export").json["concerns"]] == [cid]
    assert town.as_("neighbour").get("/me/export").json["concerns"][0]["id"] == public


def test_erasure_removes_what_she_said_and_showed_but_the_lists_still_count_it(town, in_app):
    cid = raise_private(town)["id"]
    town.as_("her").post(
        f"/concerns/{cid}/photos",
        data={"photo": (io.BytesIO(png()), "leak.png")},
        content_type="multipart/form-data",
    )
    worker = town.as_("worker")
    worker.post(f"/concerns/{cid}/accept", json={})
    worker.post(f"/concerns/{cid}/in-hand", json={"note": "王阿姨家的事"})
    worker.post(f"/concerns/{cid}/done", json={"note": "修好了"})
    worker.post(f"/concerns/{cid}/report-back", json={"outcome": "satisfied", "note": "王阿姨满意"})
    public = raise_public(town, "neighbour")["id"]
    town.as_("her").post(f"/concerns/{public}/me-too", json={})
    assert town.as_("her").delete("/me", json={"password": PASSWORD}).status_code == 204
    with in_app() as session:
        concern = session.get(Concern, cid)
        assert (concern.description, concern.unit, concern.room) == ("", "", "")
        assert concern.report_note == "" and concern.done_note == "" and concern.photo_count == 0
        assert concern.status == "reported_back" and concern.grid_id == town.grid_a.id
        photos = session.execute(
            sa.select(ConcernPhoto).where(ConcernPhoto.concern_id == cid)
        ).all()
        assert photos == []
        notes = session.execute(
            sa.select(ConcernEvent.note).where(ConcernEvent.concern_id == cid)
        ).scalars()
        assert set(notes) == {""}
        # Her "me too" goes; the count of voices stays.
        assert session.get(Concern, public).me_too_count == 1
    summary = town.as_("office").get("/concerns/summary").json
    row = next(r for r in summary["items"] if r["grid_id"] == town.grid_a.id)
    assert row["raised"] == 2 and row["reported_back"] == 1 and row["satisfied"] == 1


def _walk(town, n, *, outcome=None, late=False, handler=True):
    """Raise concern n and move it; returns its id."""
    cid = town.as_("her").post("/concerns", json={**LEAK, "description": f"第{n}件"}).json["id"]
    worker = town.as_("worker")
    worker.post(f"/concerns/{cid}/accept", json={})
    if handler:
        worker.post(
            f"/concerns/{cid}/hand-over",
            json={"handler_id": town.handler_id, "due_on": today().isoformat()},
        )
    else:
        worker.post(f"/concerns/{cid}/in-hand", json={})
    if outcome is not None:
        worker.post(f"/concerns/{cid}/done", json={"note": "好了"})
        if outcome != "none":
            worker.post(f"/concerns/{cid}/report-back", json={"outcome": outcome})
    return cid


def test_the_lists_per_grid_and_month_recount_independently(town, app):
    ids = [
        _walk(town, 1, outcome="satisfied"),
        _walk(town, 2, outcome="partly"),
        _walk(town, 3, outcome="none"),
        _walk(town, 4),  # handed over, not done
        _walk(town, 5, outcome="satisfied", handler=False),
        town.as_("her").post("/concerns", json=LEAK).json["id"],  # only raised
    ]
    # Make two of them late: one still handed over past its due day, one done after it.
    with app.app_context():
        yesterday = today() - timedelta(days=1)
        db.session.execute(sa.update(Concern).where(Concern.id == ids[3]).values(due_on=yesterday))
        db.session.execute(sa.update(Concern).where(Concern.id == ids[0]).values(due_on=yesterday))
        db.session.commit()
        rows = db.session.execute(sa.select(Concern).where(Concern.id.in_(ids))).scalars().all()
        # From the first of yesterday's month: on the 1st, yesterday (the due day, whose month
        # counts the overdue) lies in the month before.
        since = yesterday.replace(day=1)

        def in_month(ts):
            return ts is not None and since <= service_date_of(ts) <= today()

        expected = {
            "raised": sum(in_month(c.created_at) for c in rows),
            "handed_over": sum(in_month(c.handed_over_at) for c in rows),
            "done": sum(in_month(c.done_at) for c in rows),
            "reported_back": sum(in_month(c.reported_back_at) for c in rows),
            "satisfied": sum(
                in_month(c.reported_back_at) and c.outcome == "satisfied" for c in rows
            ),
            "overdue": 2,
        }
        days = [(c.done_at - c.created_at).total_seconds() / 86400 for c in rows if c.done_at]
        expected_median = round(statistics.median(days), 1)
    assert expected == {
        "raised": 6,
        "handed_over": 4,
        "done": 4,
        "reported_back": 3,
        "satisfied": 2,
        "overdue": 2,
    }
    answer = town.as_("office").get(f"/concerns/summary?from={since}&to={today()}").json
    rows_a = [r for r in answer["items"] if r["grid_id"] == town.grid_a.id]
    assert {k: sum(r[k] for r in rows_a) for k in expected} == expected
    medians = [r["median_days_to_done"] for r in rows_a if r["median_days_to_done"] is not None]
    assert medians == [expected_median]
    assert all(r["raised"] == 0 for r in answer["items"] if r["grid_id"] == town.grid_b.id)
    (handler,) = answer["handlers"]
    assert handler["name"] == "虹桥东村物业"
    assert (handler["handed_over"], handler["done"], handler["overdue"]) == (4, 3, 2)
    # A grid worker sees his grids only; the file says the same as the JSON.
    mine = town.as_("worker").get("/concerns/summary").json["items"]
    assert {r["grid_id"] for r in mine} == {town.grid_a.id}
    sheet = town.as_("office").get(
        f"/concerns/summary?format=xlsx&from={since}&to={today()}",
        headers={"Accept-Language": "zh-CN"},
    )
    assert sheet.status_code == 200 and sheet.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(sheet.data))
    # The first sheet is the list itself (review C M6): a title, the community, the range, then
    # one row per concern raised in the range.
    listed = list(book.worksheets[0].iter_rows(values_only=True))
    assert listed[0][0] == "问题清单 / 成果清单"
    assert listed[1][0] == town.community.name
    assert since.isoformat() in listed[2][0] and today().isoformat() in listed[2][0]
    assert sorted(r[0] for r in listed[5:]) == sorted(ids)
    satisfied = next(r for r in listed[5:] if r[0] == ids[0])
    assert satisfied[6] == "虹桥东村物业" and satisfied[8] and satisfied[9] == "满意"
    table = list(book.worksheets[1].iter_rows(values_only=True))
    grid_rows = [r for r in table[1:] if r[0] == rows_a[0]["grid"]]
    assert [sum(r[i] for r in grid_rows) for i in range(2, 7)] == [6, 4, 4, 3, 2]
    assert sum(r[8] for r in grid_rows) == 2
    handlers = list(book.worksheets[2].iter_rows(values_only=True))
    assert handlers[1][:4] == ("虹桥东村物业", 4, 3, 2)
    # The office dashboard shows the same figures for the community.
    dashboard = town.as_("office").get(f"/dashboard?from={since}&to={today().isoformat()}").json
    assert {k: dashboard["concerns"][k] for k in expected} == expected
    assert dashboard["concerns"]["median_days_to_done"] == expected_median
    backwards = town.as_("office").get("/concerns/summary?from=2026-05-01&to=2026-01-01")
    assert backwards.status_code == 422


def test_a_made_up_household_member_makes_no_one_a_neighbour(town):
    """Review B #7: the address of a household member is self-declared, so it does not put her
    in another compound's neighbour audience; her own record does."""
    public = raise_public(town, "neighbour")["id"]
    assert town.as_("her").get(f"/concerns/{public}").status_code == 200  # she lives there
    assert town.as_("far").get(f"/concerns/{public}").status_code == 404
    added = town.as_("far").post(
        "/me/household",
        json={"name": "挂名亲属", "building_id": town.building.id, "unit": "9", "room": "999"},
    )
    assert added.status_code == 201, added.json
    assert town.as_("far").get(f"/concerns/{public}").status_code == 404
    listed = town.as_("far").get("/concerns", query_string={"scope": "public"}).json["items"]
    assert public not in [c["id"] for c in listed]
