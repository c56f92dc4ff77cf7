"""The office's calendar, overdue jobs, certificates and audit log, each scoped to its community."""

from __future__ import annotations

from datetime import date, timedelta

from happiness_fair.bookings.models import Booking
from happiness_fair.places.clock import today


def _next_weekday(start: date, weekday: int) -> date:
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def test_the_office_keeps_the_years_holidays_and_make_up_days(api, world):
    year = today().year + 1
    monday = _next_weekday(date(year, 3, 1), 0)
    sunday = monday - timedelta(days=1)
    body = {
        "items": [
            {"day": monday.isoformat(), "kind": "holiday", "name": "清明节"},
            {"day": sunday.isoformat(), "kind": "makeup", "name": "调休"},
        ]
    }
    saved = api.as_(world.office).put(f"/calendar/{year}", json=body)
    assert saved.status_code == 200, saved.json
    assert [d["kind"] for d in saved.json["items"]] == ["makeup", "holiday"]
    seen = api.as_(world.grid_worker).get(f"/calendar?year={year}").json["items"]
    assert [d["day"] for d in seen] == [sunday.isoformat(), monday.isoformat()]
    assert api.as_(world.stranger_office).get(f"/calendar?year={year}").json["items"] == []
    assert api.as_(world.grid_worker).put(f"/calendar/{year}", json=body).status_code == 403
    assert api.as_(world.grandma_user).get("/calendar").status_code == 403


def test_calendar_mistakes_are_named(api, world):
    year = today().year + 1
    saturday = _next_weekday(date(year, 5, 1), 5)
    tuesday = _next_weekday(date(year, 5, 1), 1)
    wrong = api.as_(world.office).put(
        f"/calendar/{year}",
        json={
            "items": [
                {"day": saturday.isoformat(), "kind": "holiday"},
                {"day": tuesday.isoformat(), "kind": "makeup"},
                {"day": date(year - 1, 12, 1).isoformat(), "kind": "holiday"},
            ]
        },
    )
    assert wrong.status_code == 422
    assert set(wrong.json["error"]["fields"]) == {"items.0.day", "items.1.day", "items.2.day"}


def _accepted_on(api, world, book, act, in_app, days_ago) -> int:
    booking = book(listing_id=world.listing.id)
    act(world.plumber.account_user, booking["id"], "accept")
    with in_app() as session:
        session.get(Booking, booking["id"]).date = today() - timedelta(days=days_ago)
        session.commit()
    return booking["id"]


def test_jobs_left_unrecorded_ten_working_days_are_flagged(api, world, book, act, in_app):
    old = _accepted_on(api, world, book, act, in_app, 30)
    recent = _accepted_on(api, world, book, act, in_app, 5)
    overdue = api.as_(world.office).get("/overdue-jobs")
    assert overdue.status_code == 200, overdue.json
    ids = [b["id"] for b in overdue.json["items"]]
    assert old in ids and recent not in ids
    assert api.as_(world.stranger_office).get("/overdue-jobs").json["items"] == []
    assert api.as_(world.grid_worker).get("/overdue-jobs").status_code == 403


def test_holidays_push_the_ten_working_days_back(api, world, book, act, in_app):
    # 15 calendar days ago: overdue on an ordinary calendar, not when the week before was off.
    booking_id = _accepted_on(api, world, book, act, in_app, 15)
    assert booking_id in [b["id"] for b in api.as_(world.office).get("/overdue-jobs").json["items"]]
    days = [today() - timedelta(days=n) for n in range(1, 15)]
    by_year: dict[int, list] = {}
    for d in days:
        if d.weekday() < 5:
            by_year.setdefault(d.year, []).append({"day": d.isoformat(), "kind": "holiday"})
    for year, items in by_year.items():
        assert (
            api.as_(world.office).put(f"/calendar/{year}", json={"items": items}).status_code == 200
        )
    assert booking_id not in [
        b["id"] for b in api.as_(world.office).get("/overdue-jobs").json["items"]
    ]


def _hours(api, world, minutes):
    response = api.as_(world.office).post(
        "/hours",
        json={
            "volunteer_id": world.plumber.id,
            "minutes": minutes,
            "date": today().isoformat(),
            "grid_id": world.grid.id,
            "reason": "社区活动",
        },
    )
    assert response.status_code == 201


def test_the_office_issues_a_certificate_the_volunteer_can_see(api, world):
    _hours(api, world, 150)
    issued = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/certificates", json={"with_seal": True}
    )
    assert issued.status_code == 201, issued.json
    assert (issued.json["minutes"], issued.json["with_seal"]) == (150, True)
    assert issued.json["content"] == "水电维修"
    assert issued.json["serial"].endswith("-00001")
    mine = api.as_(world.plumber.account_user).get(f"/volunteers/{world.plumber.id}/certificates")
    assert [c["id"] for c in mine.json["items"]] == [issued.json["id"]]
    assert (
        api.as_(world.plumber2.account_user)
        .get(f"/volunteers/{world.plumber.id}/certificates")
        .status_code
        == 404
    )
    assert (
        api.as_(world.stranger_office)
        .post(f"/volunteers/{world.plumber.id}/certificates", json={})
        .status_code
        == 404
    )
    assert (
        api.as_(world.grid_worker)
        .post(f"/volunteers/{world.plumber.id}/certificates", json={})
        .status_code
        == 403
    )
    # Later hours do not change a certificate already issued.
    _hours(api, world, 30)
    again = api.as_(world.office).get(f"/volunteers/{world.plumber.id}/certificates").json
    assert again["items"][0]["minutes"] == 150


def test_a_certificate_over_a_range_counts_only_that_range(api, world):
    _hours(api, world, 60)
    last_year = today().year - 1
    issued = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/certificates",
        json={"from": f"{last_year}-01-01", "to": f"{last_year}-12-31"},
    )
    assert (issued.status_code, issued.json["minutes"]) == (201, 0)
    half = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/certificates", json={"from": "2026-01-01"}
    )
    assert half.status_code == 422


def test_the_audit_log_lists_the_communitys_acts_for_the_office_only(api, world):
    _hours(api, world, 45)
    log = api.as_(world.office).get("/audit-events?action=hours_added")
    assert log.status_code == 200
    [event] = log.json["items"]
    assert (event["actor_id"], event["detail"]["minutes"]) == (world.office.id, 45)
    assert api.as_(world.stranger_office).get("/audit-events").json["total"] == 0
    assert api.as_(world.grid_worker).get("/audit-events").status_code == 403
