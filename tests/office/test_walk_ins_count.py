"""Walk-ins count where they should: in the volunteer's records (services, no hours) and in the
certificate's services and service content."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from happiness_fair.extensions import db
from happiness_fair.fairs.models import FairDay
from happiness_fair.places.clock import today
from tests.web.conftest import Browser, text_of


def test_walk_ins_are_services_on_his_hours_page_and_his_certificate(api, app, make, world):
    barber = make.volunteer([world.grid], categories=("haircut",), name="剃头王")
    listing = make.listing(barber, category="haircut", fee_fen=0, title="理发", fair=True)
    day = api.as_(world.office).post(
        "/fair-days",
        json={"date": (today() + timedelta(days=1)).isoformat(), "starts_at": "09:00",
              "ends_at": "11:30", "venue": "虹桥东村广场", "grid_id": world.grid.id,
              "slot_minutes": 30},
    ).json  # fmt: skip
    stall = (
        api.as_(barber.account_user)
        .post(
            f"/fair-days/{day['id']}/stalls",
            json={"listing_id": listing.id, "capacity_per_slot": 2},
        )
        .json
    )
    with app.app_context():  # the day has come
        db.session.execute(sa.update(FairDay).where(FairDay.id == day["id"]).values(date=today()))
        db.session.commit()
    for name in ("老陈", "周阿姨", ""):
        walked = api.as_(barber.account_user).post(
            f"/fair-days/{day['id']}/walk-ins", json={"stall_id": stall["id"], "name": name}
        )
        assert walked.status_code == 201, walked.json

    page = text_of(Browser(app).sign_in(barber.account_user).get("/my-hours"))
    assert "理发，3 人" in page or "理发, 3" in page
    assert "服务次数 3" in page

    certificate = (
        api.as_(world.office)
        .post(
            f"/volunteers/{barber.id}/certificates",
            json={"from": (today() - timedelta(days=1)).isoformat(), "to": today().isoformat()},
        )
        .json
    )
    assert certificate["services"] == 3 and certificate["minutes"] == 0
    assert "理发" in certificate["content"]
    printed = text_of(Browser(app).sign_in(barber.account_user).get(certificate["url"]))
    assert "3 人" in printed


def _fair_day_with_walk_ins(api, app, make, world, names=("老陈", "周阿姨", "")):
    barber = make.volunteer([world.grid], categories=("haircut",), name="剃头王")
    listing = make.listing(barber, category="haircut", fee_fen=0, title="理发", fair=True)
    day = api.as_(world.office).post(
        "/fair-days",
        json={"date": (today() + timedelta(days=1)).isoformat(), "starts_at": "09:00",
              "ends_at": "11:30", "venue": "虹桥东村广场", "grid_id": world.grid.id,
              "slot_minutes": 30},
    ).json  # fmt: skip
    stall = (
        api.as_(barber.account_user)
        .post(
            f"/fair-days/{day['id']}/stalls",
            json={"listing_id": listing.id, "capacity_per_slot": 2},
        )
        .json
    )
    with app.app_context():  # the day has come
        db.session.execute(sa.update(FairDay).where(FairDay.id == day["id"]).values(date=today()))
        db.session.commit()
    for name in names:
        walked = api.as_(barber.account_user).post(
            f"/fair-days/{day['id']}/walk-ins", json={"stall_id": stall["id"], "name": name}
        )
        assert walked.status_code == 201, walked.json
    return barber, day


def test_walk_ins_count_as_services_in_rankings_their_files_and_his_summary(api, app, make, world):
    """One rule (hours.totals.rows_in_range): the ranking page, its CSV and XLSX, the grid table
    and the API's summary all count the walk-ins as services without minutes."""
    barber, day = _fair_day_with_walk_ins(api, app, make, world)
    office = api.as_(world.office)
    attended = office.post(
        f"/fair-days/{day['id']}/attendance", json={"volunteer_ids": [barber.id]}
    )
    assert attended.status_code in (200, 201), attended.json

    [line] = office.get("/rankings/volunteers?period=month").json["items"]
    assert (line["volunteer_id"], line["minutes"], line["services"]) == (barber.id, 150, 3)
    csv_text = (
        office.get("/rankings/volunteers?period=month&format=csv").get_data().decode("utf-8-sig")
    )
    assert csv_text.splitlines()[1].split(",")[2:] == ["剃头王", "150", "2.5", "3", "0"]
    book = load_workbook(
        io.BytesIO(office.get("/rankings/volunteers?period=month&format=xlsx").get_data())
    )
    assert [c.value for c in book.active[2]][2:6] == ["剃头王", 150, 2.5, 3]
    grids = office.get("/rankings/grids?period=month").json["items"]
    assert {g["grid_id"]: g["services"] for g in grids}[world.grid.id] == 3
    grid_csv = office.get("/rankings/grids?period=month&format=csv").get_data().decode("utf-8-sig")
    assert f"{world.grid.id},{world.grid.name},150,2.5,3,1" in grid_csv

    summary = api.as_(barber.account_user).get("/hours/summary").json
    assert (summary["verified_minutes"], summary["services"]) == (150, 3)
    page = text_of(Browser(app).sign_in(world.office).get("/office/rankings?period=month"))
    assert "剃头王 2.5 3" in page


def test_walk_ins_alone_are_services_in_his_summary_with_no_minutes(api, app, make, world):
    barber, _day = _fair_day_with_walk_ins(api, app, make, world, names=("老陈",))
    summary = api.as_(barber.account_user).get("/hours/summary").json
    assert (summary["verified_minutes"], summary["services"]) == (0, 1)


def test_the_public_honour_board_counts_a_walk_in_at_once(api, app, make, world):
    """Anonymous callers get the honour board from the response cache: a walk-in recorded at a
    stall (fairs' tables feed hours' totals) moves its version, so the next caller sees it."""
    barber, day = _fair_day_with_walk_ins(api, app, make, world, names=("老陈",))
    attended = api.as_(world.office).post(
        f"/fair-days/{day['id']}/attendance", json={"volunteer_ids": [barber.id]}
    )
    assert attended.status_code in (200, 201), attended.json
    visitor = app.test_client()
    url = f"/api/v1/honour-board?community_id={world.community.id}&period=month"

    def services() -> int:
        [line] = visitor.get(url).get_json()["items"]
        return line["services"]

    assert services() == 1
    assert services() == 1  # the second answer comes from the cache
    [first] = api.as_(barber.account_user).get(f"/fair-days/{day['id']}/walk-ins").json["items"]
    walked = api.as_(barber.account_user).post(
        f"/fair-days/{day['id']}/walk-ins", json={"stall_id": first["stall_id"], "name": "周阿姨"}
    )
    assert walked.status_code == 201, walked.json
    assert services() == 2
