"""The newspaper report's story through the API: 张奶奶 (85, verified) pays no labour fee for
沈师傅's tap repair, 李明 (36) pays the listed fee, and the month's ranking, the grid table and
the exports gain exactly those minutes in grid 1."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl

from happiness_fair.hours.rules import period_range
from happiness_fair.places.clock import today
from tests.factories import tomorrow


def test_zhang_nainai_is_served_free_li_ming_pays_and_grid_1_counts_the_minutes(api, make, act):
    community = make.community("虹西社区")
    grid1 = make.grid(community, number=1)
    grid2 = make.grid(community, number=2)
    office = make.office(community)
    shen = make.volunteer([grid1], name="沈林益")
    tap = make.listing(shen, fee_fen=2000, title="修水龙头、换水管")
    zhang = make.resident(grid1, name="张奶奶", birth_date=date(1941, 1, 15), verified=True)
    li = make.resident(grid1, name="李明", birth_date=date(1990, 9, 12))
    assert (today() - date(1941, 1, 15)).days // 365 >= 85

    quotes = {}
    bookings = {}
    for person, minutes in ((zhang, 45), (li, 30)):
        made = api.as_(person.account_user).post(
            "/bookings",
            json={
                "listing_id": tap.id,
                "date": tomorrow().isoformat(),
                "period": "morning",
                "description": "厨房水龙头漏水",
            },
        )
        assert made.status_code == 201, made.json
        quotes[person.name] = made.json["quote"]
        booking_id = made.json["id"]
        volunteer = shen.account_user
        assert act(volunteer, booking_id, "accept").status_code == 200
        assert act(volunteer, booking_id, "start").status_code == 200
        done = act(volunteer, booking_id, "complete", minutes=minutes, materials_fen=350)
        assert done.status_code == 200, done.json
        confirmed = act(person.account_user, booking_id, "confirm", rating=5)
        assert confirmed.status_code == 200, confirmed.json
        bookings[person.name] = confirmed.json

    assert quotes["张奶奶"] == {
        "labour_fee_fen": 2000,
        "waived_fen": 2000,
        "materials_fen": 0,
        "amount_due_fen": 0,
        "waiver_rule": "age_80",
        "waiver_pending_verification": False,
    }
    assert quotes["李明"]["amount_due_fen"] == 2000
    assert quotes["李明"]["waiver_rule"] is None
    # At completion the kept rule is applied again: labour still free, materials at cost.
    assert bookings["张奶奶"]["quote"]["amount_due_fen"] == 350
    assert bookings["李明"]["quote"]["amount_due_fen"] == 2350

    staff = api.as_(office)
    ranking = staff.get("/rankings/volunteers?period=month")
    assert ranking.status_code == 200, ranking.json
    first, last = period_range("month", today())
    assert (ranking.json["from"], ranking.json["to"]) == (first.isoformat(), last.isoformat())
    assert ranking.json["items"] == [
        {
            "rank": 1,
            "volunteer_id": shen.id,
            "name": "沈林益",
            "minutes": 75,
            "services": 2,
            "star_level": 0,
        }
    ]
    grids = staff.get("/rankings/grids?period=month").json["items"]
    assert [(g["grid_id"], g["minutes"], g["services"], g["volunteers"]) for g in grids] == [
        (grid1.id, 75, 2, 1),
        (grid2.id, 0, 0, 0),
    ]

    chinese = {"Accept-Language": "zh-CN"}
    exported = staff.get("/rankings/volunteers?period=month&format=csv", headers=chinese)
    assert exported.status_code == 200
    assert exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    assert exported.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows == [
        ["名次", "志愿者编号", "姓名", "服务时长（分钟）", "服务时长（小时）", "服务次数", "星级"],
        ["1", str(shen.id), "沈林益", "75", "1.2", "2", "0"],
    ]

    workbook = staff.get("/rankings/grids?period=month&format=xlsx", headers=chinese)
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
        ["网格编号", "网格", "服务时长（分钟）", "服务时长（小时）", "服务次数", "志愿者人数"],
        [grid1.id, grid1.name, 75, 1.2, 2, 1],
        [grid2.id, grid2.name, 0, 0, 0, 0],
    ]
