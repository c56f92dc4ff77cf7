"""The report's concerns are in the demo, beside the 152幢 booking, and walk through the API as
the people of the report see them."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.accounts.models import User
from happiness_fair.bookings.models import Booking
from happiness_fair.demo import seed_demo
from happiness_fair.places.clock import today


def _user(session, phone):
    user = session.execute(sa.select(User).where(User.phone == phone)).scalar_one()
    _ = user.roles, user.staff_grids
    session.expunge(user)
    return user


def test_the_reports_concerns_are_in_the_demo(database, in_app, api):
    with in_app() as session:
        seed_demo()
        session.commit()
        assert seed_demo() is False  # loading twice adds nothing
        session.commit()
        leak_booking = session.execute(
            sa.select(Booking.id).where(Booking.address.contains("152幢"))
        ).first()
        assert leak_booking is not None  # the demo's 152幢 booking stays
        li, worker = _user(session, "13900000005"), _user(session, "13900000002")
        office, haobei = _user(session, "13900000001"), _user(session, "13900000011")
        shen, zhang = _user(session, "13900000003"), _user(session, "13900000004")

    mine = api.as_(li).get("/concerns?scope=mine").json["items"]
    (leak,) = mine
    assert leak["status"] == "reported_back" and leak["outcome"] == "satisfied"
    assert leak["handler_name"] == "虹桥东村物业" and "152幢" in leak["place"]
    assert [e["action"] for e in leak["events"]] == [
        "raise",
        "accept",
        "hand_over",
        "handler_answer",
        "done",
        "report_satisfied",
    ]
    assert api.as_(zhang).get(f"/concerns/{leak['id']}").status_code == 404  # private

    charging = api.as_(haobei).get("/concerns/overdue").json["items"]
    assert [c["category"] for c in charging] == ["parking_charging"]
    assert charging[0]["escalated"] and charging[0]["overdue"]
    assert charging[0]["handler_name"] == "和平桥街道城管科"
    assert api.as_(office).get(f"/concerns/{charging[0]['id']}").status_code == 404

    board = api.as_(worker).get("/concerns/board").json
    new = board["new"]["items"]
    assert [c["category"] for c in new] == ["facilities"] and new[0]["me_too_count"] == 1
    lamp = api.as_(shen).get(f"/concerns/{new[0]['id']}").json
    assert lamp["me_too"] is True and lamp["raised_by"] is None  # a neighbour's view
    patrol = [
        c
        for c in api.as_(worker).get("/concerns?scope=grid").json["items"]
        if c["category"] == "fire_gas"
    ]
    assert patrol[0]["source"] == "patrol" and len(patrol[0]["photos"]) == 2
    photo = api.as_(worker).get(patrol[0]["photos"][0]["url"])
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    start, end = today() - timedelta(days=30), today()
    summary = api.as_(office).get(f"/concerns/summary?from={start}&to={end}").json
    assert sum(r["raised"] for r in summary["items"]) == 3
    assert sum(r["satisfied"] for r in summary["items"]) == 1
