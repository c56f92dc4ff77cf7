"""Hours records through the API: made by completing a home visit, verified by confirming it,
rejected when a dispute goes against the volunteer; manual entries and corrections; who sees
which (API.md "Hours and rankings")."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.audit import AuditEvent
from happiness_fair.bookings.scheduled import auto_confirm
from happiness_fair.database import utcnow
from happiness_fair.notifications.models import Notification
from happiness_fair.places.clock import today


def _records(api, user, **query):
    response = api.as_(user).get("/hours", query_string=query)
    assert response.status_code == 200, response.json
    return response.json["items"]


def _booked_and_completed(book, world, advance, minutes=45):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "completed")
    return booking["id"]


def test_a_completed_home_visit_gives_a_pending_record_in_the_beneficiarys_grid(
    api, world, book, advance
):
    booking_id = _booked_and_completed(book, world, advance)
    [record] = _records(api, world.plumber.account_user)
    assert record == {
        "id": record["id"],
        "volunteer_id": world.plumber.id,
        "minutes": 45,
        "date": today().isoformat(),
        "grid_id": world.grid.id,
        "source": "booking",
        "booking_id": booking_id,
        "status": "pending",
        "reason": "",
        "organising_unit": "",  # fixed when verified (order 67 art. 7)
        "person_in_charge": "",
    }
    # Pending minutes do not count yet.
    ranking = api.as_(world.office).get("/rankings/volunteers?period=month").json
    assert ranking["items"] == []


def test_confirming_verifies_the_record_and_the_ranking_gains_it(api, world, book, advance, act):
    booking_id = _booked_and_completed(book, world, advance)
    assert act(world.grandma_user, booking_id, "confirm", rating=4).status_code == 200
    [record] = _records(api, world.plumber.account_user)
    assert record["status"] == "verified"
    [line] = api.as_(world.office).get("/rankings/volunteers?period=year").json["items"]
    assert (line["volunteer_id"], line["minutes"], line["services"]) == (world.plumber.id, 45, 1)


def test_a_job_confirmed_automatically_after_seven_days_verifies_its_hours(
    api, world, book, advance, in_app
):
    _booked_and_completed(book, world, advance)
    with in_app() as session:
        assert auto_confirm(utcnow() + timedelta(days=7, minutes=1)) == 1
        session.commit()
    [record] = _records(api, world.plumber.account_user)
    assert record["status"] == "verified"


def test_a_dispute_resolved_against_the_volunteer_rejects_the_hours(api, world, book, advance, act):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "disputed")
    resolved = act(world.grid_worker, booking["id"], "resolve", outcome="reopen", note="没修好")
    assert resolved.status_code == 200, resolved.json
    [record] = _records(api, world.plumber.account_user)
    assert (record["status"], record["reason"]) == ("rejected", "没修好")
    assert api.as_(world.office).get("/rankings/volunteers?period=all").json["items"] == []


def test_a_dispute_resolved_for_the_volunteer_verifies_the_hours(api, world, book, advance, act):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "disputed")
    assert (
        act(
            world.grid_worker, booking["id"], "resolve", outcome="confirm", note="已修好"
        ).status_code
        == 200
    )
    [record] = _records(api, world.plumber.account_user)
    assert record["status"] == "verified"


def test_who_sees_which_records(api, world, book, advance, make):
    _booked_and_completed(book, world, advance)
    assert len(_records(api, world.plumber.account_user)) == 1
    assert len(_records(api, world.grid_worker)) == 1
    assert len(_records(api, world.office)) == 1
    assert _records(api, world.plumber2.account_user) == []
    assert _records(api, world.other_grid_worker) == []
    assert _records(api, world.stranger_office) == []
    assert api.as_(world.grandma_user).get("/hours").status_code == 403
    assert api.get("/hours").status_code == 401


def test_the_office_adds_manual_hours_with_a_reason_verified_and_audited(api, world, in_app):
    response = api.as_(world.office).post(
        "/hours",
        json={
            "volunteer_id": world.barber.id,
            "minutes": 120,
            "date": today().isoformat(),
            "grid_id": world.grid.id,
            "reason": "社区义剪活动（纸质签到）",
        },
    )
    assert response.status_code == 201, response.json
    assert (response.json["source"], response.json["status"]) == ("manual", "verified")
    with in_app() as session:
        event = session.execute(
            sa.select(AuditEvent).where(AuditEvent.action == "hours_added")
        ).scalar_one()
    assert (event.actor_id, event.subject_id) == (world.office.id, response.json["id"])
    [line] = api.as_(world.office).get("/rankings/volunteers").json["items"]
    assert (line["volunteer_id"], line["minutes"], line["services"]) == (world.barber.id, 120, 0)


def test_manual_hours_are_refused_to_others_and_for_bad_input(api, world, make):
    body = {
        "volunteer_id": world.barber.id,
        "minutes": 60,
        "date": today().isoformat(),
        "grid_id": world.grid.id,
        "reason": "活动",
    }
    assert api.as_(world.grid_worker).post("/hours", json=body).status_code == 403
    assert api.as_(world.plumber.account_user).post("/hours", json=body).status_code == 403
    office = api.as_(world.office)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    for change, field in (
        ({"date": tomorrow}, "date"),
        ({"reason": "  "}, "reason"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"grid_id": make.grid().id}, "grid_id"),
        ({"volunteer_id": make.volunteer().id}, "volunteer_id"),
    ):
        response = office.post("/hours", json={**body, **change})
        assert response.status_code == 422, (change, response.json)
        assert field in response.json["error"]["fields"]
    assert api.as_(world.office).get("/hours").json["items"] == []


def _verified_record(api, world, book, advance, act) -> int:
    booking_id = _booked_and_completed(book, world, advance)
    act(world.grandma_user, booking_id, "confirm")
    return _records(api, world.plumber.account_user)[0]["id"]


def test_a_volunteer_asks_for_a_correction_and_the_office_accepts_it(
    api, world, book, advance, act, in_app
):
    record_id = _verified_record(api, world, book, advance, act)
    volunteer = api.as_(world.plumber.account_user)
    asked = volunteer.post(
        f"/hours/{record_id}/corrections", json={"minutes": 90, "reason": "换了两个阀门"}
    )
    assert asked.status_code == 201, asked.json
    assert (asked.json["status"], asked.json["previous_minutes"]) == ("open", 45)
    again = volunteer.post(f"/hours/{record_id}/corrections", json={"minutes": 80, "reason": "x"})
    assert again.status_code == 409
    assert (
        api.as_(world.grid_worker)
        .post(f"/hours/corrections/{asked.json['id']}/accept", json={})
        .status_code
        == 403
    )

    accepted = api.as_(world.office).post(
        f"/hours/corrections/{asked.json['id']}/accept", json={"note": "核实无误"}
    )
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "accepted"
    assert _records(api, world.plumber.account_user)[0]["minutes"] == 90
    [line] = api.as_(world.office).get("/rankings/volunteers").json["items"]
    assert line["minutes"] == 90
    with in_app() as session:
        told = (
            session.execute(
                sa.select(Notification.kind).where(
                    Notification.user_id == world.plumber.account_user.id
                )
            )
            .scalars()
            .all()
        )
    assert "hours_correction_accepted" in told
    twice = api.as_(world.office).post(f"/hours/corrections/{asked.json['id']}/reject", json={})
    assert twice.status_code == 409


def test_a_rejected_correction_changes_nothing(api, world, book, advance, act):
    record_id = _verified_record(api, world, book, advance, act)
    asked = api.as_(world.plumber.account_user).post(
        f"/hours/{record_id}/corrections", json={"minutes": 300, "reason": "还有路上时间"}
    )
    rejected = api.as_(world.office).post(
        f"/hours/corrections/{asked.json['id']}/reject", json={"note": "路上时间不计入服务时长"}
    )
    assert rejected.status_code == 200
    assert _records(api, world.plumber.account_user)[0]["minutes"] == 45
    assert api.as_(world.office).get("/rankings/volunteers").json["items"][0]["minutes"] == 45
    mine = api.as_(world.plumber.account_user).get("/hours/corrections").json["items"]
    assert [(c["status"], c["decision_note"]) for c in mine] == [
        ("rejected", "路上时间不计入服务时长")
    ]


def test_only_the_volunteer_himself_asks_and_only_for_his_own_record(
    api, world, book, advance, act
):
    record_id = _verified_record(api, world, book, advance, act)
    body = {"minutes": 60, "reason": "x"}
    assert (
        api.as_(world.plumber2.account_user)
        .post(f"/hours/{record_id}/corrections", json=body)
        .status_code
        == 404
    )
    assert (
        api.as_(world.stranger_office)
        .post(f"/hours/{record_id}/corrections", json=body)
        .status_code
        == 404
    )
    assert (
        api.as_(world.office).post(f"/hours/{record_id}/corrections", json=body).status_code == 403
    )
    same = api.as_(world.plumber.account_user).post(
        f"/hours/{record_id}/corrections", json={"minutes": 45, "reason": "x"}
    )
    assert same.status_code == 422


def test_a_volunteers_summary_shows_his_star_level(api, world):
    for day in range(5):
        api.as_(world.office).post(
            "/hours",
            json={
                "volunteer_id": world.plumber.id,
                "minutes": 1200,
                "date": (today() - timedelta(days=day)).isoformat(),
                "grid_id": world.grid.id,
                "reason": "纸质台账补录",
            },
        )
    summary = api.as_(world.plumber.account_user).get("/hours/summary").json
    assert summary["verified_minutes"] == 6000
    assert summary["star_level"] == 1  # 100 hours: 一星
    assert summary["next_star_minutes"] == 300 * 60
    assert api.as_(world.grandma_user).get("/hours/summary").status_code == 403
