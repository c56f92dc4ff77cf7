"""Fair days over the API: the office schedules, volunteers sign up stalls, residents book a
slot (accepted at once, fee rules as everywhere), walk-ins, and the slot list's cost."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking
from happiness_fair.bookings.scheduled import escalate_stale_requests
from happiness_fair.database import utcnow
from happiness_fair.extensions import db
from happiness_fair.notifications.models import Notification
from tests.factories import tomorrow


def test_the_office_schedules_a_fair_day_and_everyone_sees_its_free_slots(
    api, fair, schedule, stall
):
    fair_day = schedule()
    assert fair_day["date"] == tomorrow().isoformat()
    assert (fair_day["starts_at"], fair_day["ends_at"]) == ("09:00", "11:30")
    assert fair_day["grid_id"] == fair.venue_grid.id
    assert fair_day["window_minutes"] == 150

    signed = stall(fair_day, capacity=3)
    assert signed == {
        "id": signed["id"],
        "fair_day_id": fair_day["id"],
        "volunteer_id": fair.barber.id,
        "listing_id": fair.haircut.id,
        "capacity_per_slot": 3,
        "withdrawn": False,
        "withdraw_reason": "",
    }
    slots = api.get(f"/fair-days/{fair_day['id']}/slots").json["items"]  # public
    assert [s["slot_start"] for s in slots] == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert {(s["stall_id"], s["listing_id"], s["free"]) for s in slots} == {
        (signed["id"], fair.haircut.id, 3)
    }
    listed = api.as_(fair.neighbour.account_user).get("/fair-days").json
    assert [d["id"] for d in listed["items"]] == [fair_day["id"]]
    assert api.get(f"/fair-days?community_id={fair.community.id}").json["total"] == 1
    assert api.get("/fair-days").status_code == 422  # anonymous: which community?


def test_a_slot_booking_is_accepted_at_once_on_the_fair_days_date(
    api, fair, schedule, stall, book_slot
):
    fair_day = schedule(starts_at="14:00", ends_at="16:00")
    stall(fair_day)
    response = book_slot(
        fair.neighbour.account_user,
        fair_day,
        slot="14:30",
        date=(tomorrow() + timedelta(days=5)).isoformat(),  # the fair day's date wins
        period="evening",
    )
    assert response.status_code == 201, response.json
    booking = response.json
    assert booking["status"] == "accepted"
    assert booking["mode"] == "fair"
    assert booking["volunteer_id"] == fair.barber.id
    assert booking["listing_id"] == fair.haircut.id
    assert (booking["date"], booking["period"]) == (fair_day["date"], "afternoon")
    assert booking["escalated"] is False
    assert [(e["from_status"], e["to_status"]) for e in booking["events"]] == [(None, "accepted")]
    assert "14:30" in booking["events"][0]["note"]
    free = {
        s["slot_start"]: s["free"]
        for s in api.get(f"/fair-days/{fair_day['id']}/slots").json["items"]
    }
    assert free["14:30"] == 1 and free["14:00"] == 2
    barber_told = api.as_(fair.barber.account_user).get("/notifications").json["items"]
    assert [n["kind"] for n in barber_told] == ["fair_slot_booked"]


def test_a_full_slot_answers_409_and_a_cancelled_seat_is_free_again(
    api, fair, schedule, stall, book_slot
):
    fair_day = schedule()
    stall(fair_day, capacity=1)
    first = book_slot(fair.neighbour.account_user, fair_day)
    assert first.status_code == 201
    full = book_slot(fair.grandma.account_user, fair_day)
    assert full.status_code == 409
    assert full.json["error"]["code"] == "conflict"
    assert "full" in full.json["error"]["message"]

    cancelled = api.as_(fair.neighbour.account_user).post(
        f"/bookings/{first.json['id']}/cancel", json={}
    )
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    again = api.as_(fair.neighbour.account_user).post(
        f"/bookings/{first.json['id']}/cancel", json={}
    )
    assert again.status_code == 409  # and the seat is not freed twice
    slots = api.get(f"/fair-days/{fair_day['id']}/slots").json["items"]
    assert next(s for s in slots if s["slot_start"] == "09:00")["free"] == 1
    assert book_slot(fair.grandma.account_user, fair_day).status_code == 201


def test_a_fair_slot_cannot_be_moved_to_another_day(api, fair, schedule, stall, book_slot):
    fair_day = schedule()
    stall(fair_day)
    booking = book_slot(fair.neighbour.account_user, fair_day).json
    moved = api.as_(fair.neighbour.account_user).post(
        f"/bookings/{booking['id']}/reschedule",
        json={"date": (tomorrow() + timedelta(days=3)).isoformat(), "period": "morning"},
    )
    assert moved.status_code == 409
    still = api.as_(fair.neighbour.account_user).get(f"/bookings/{booking['id']}").json
    assert (still["date"], still["status"]) == (fair_day["date"], "accepted")


def test_a_fair_booking_is_never_escalated(app, api, fair, schedule, stall, book_slot, in_app):
    fair_day = schedule()
    stall(fair_day)
    booking = book_slot(fair.neighbour.account_user, fair_day).json
    with in_app() as session:
        session.execute(
            sa.update(Booking)
            .where(Booking.id == booking["id"])
            .values(requested_clock_at=utcnow() - timedelta(days=3))
        )
        assert escalate_stale_requests(utcnow()) == 0
        session.commit()
    assert (
        api.as_(fair.neighbour.account_user).get(f"/bookings/{booking['id']}").json["escalated"]
        is False
    )


# --- fees at the fair: the same waiver rules as everywhere -------------------------------------


def test_at_the_fair_a_verified_80_year_old_pays_no_labour_fee_and_a_younger_one_does(
    fair, schedule, stall, book_slot
):
    fair_day = schedule()
    stall(fair_day, capacity=3)
    grandma = book_slot(fair.grandma.account_user, fair_day).json["quote"]
    assert grandma["labour_fee_fen"] == 1000
    assert grandma["waived_fen"] == 1000 and grandma["amount_due_fen"] == 0
    assert grandma["waiver_rule"] == "age_80"
    young = book_slot(fair.neighbour.account_user, fair_day).json["quote"]
    assert young["amount_due_fen"] == 1000 and young["waived_fen"] == 0
    unverified = book_slot(fair.old_unverified.account_user, fair_day).json["quote"]
    assert unverified["amount_due_fen"] == 1000
    assert unverified["waiver_pending_verification"] is True


def test_switching_the_age_rule_off_makes_the_fair_charge_the_fee(
    api, fair, schedule, stall, book_slot
):
    off = api.as_(fair.office).patch(
        "/waiver-rules/age_80", json={"active": False, "waive_materials": False}
    )
    assert off.status_code == 200, off.json
    fair_day = schedule()
    stall(fair_day)
    quote = book_slot(fair.grandma.account_user, fair_day).json["quote"]
    assert quote["amount_due_fen"] == 1000


# --- services at a stall add no hours of their own ---------------------------------------------


def test_a_service_done_at_a_stall_adds_no_hours(
    api, fair, schedule, stall, book_slot, move_fair_day
):
    fair_day = schedule()
    stall(fair_day)
    booking = book_slot(fair.grandma.account_user, fair_day).json
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))
    him = api.as_(fair.barber.account_user)
    assert him.post(f"/bookings/{booking['id']}/start", json={}).status_code == 200
    done = him.post(f"/bookings/{booking['id']}/complete", json={"minutes": 20})
    assert done.status_code == 200, done.json
    confirmed = api.as_(fair.grandma.account_user).post(
        f"/bookings/{booking['id']}/confirm", json={"rating": 5}
    )
    assert confirmed.status_code == 200
    assert him.get("/hours").json["total"] == 0
    assert him.get("/hours/summary").json["verified_minutes"] == 0
    assert him.get("/bookings").json["items"][0]["status"] == "confirmed"  # his service record


# --- walk-ins -------------------------------------------------------------------------------


def test_the_volunteer_records_walk_ins_in_a_few_taps_and_they_add_no_hours(
    api, fair, schedule, stall, move_fair_day
):
    fair_day = schedule()
    signed = stall(fair_day)
    him = api.as_(fair.barber.account_user)
    path = f"/fair-days/{fair_day['id']}/walk-ins"
    early = him.post(path, json={"stall_id": signed["id"]})
    assert early.status_code == 409  # the day has not come
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))

    nameless = him.post(path, json={"stall_id": signed["id"]})
    assert nameless.status_code == 201, nameless.json
    assert nameless.json["name"] == ""
    assert nameless.json["volunteer_id"] == fair.barber.id
    assert nameless.json["category_id"] == fair.haircut.category_id
    named = him.post(path, json={"stall_id": signed["id"], "name": " 老陈 "})
    assert named.json["name"] == "老陈"

    assert [w["name"] for w in him.get(path).json["items"]] == ["", "老陈"]
    assert [w["name"] for w in api.as_(fair.office).get(path).json["items"]] == ["", "老陈"]
    other = api.as_(fair.knife_man.account_user)
    assert other.get(path).json["items"] == []
    assert other.post(path, json={"stall_id": signed["id"]}).status_code == 403
    assert api.as_(fair.neighbour.account_user).get(path).status_code == 403
    assert him.get("/hours/summary").json["verified_minutes"] == 0


def test_the_slot_list_costs_the_same_few_queries_however_many_stalls(
    api, fair, make, schedule, stall, count_queries
):
    fair_day = schedule()
    stall(fair_day)
    with count_queries() as one:
        assert len(api.get(f"/fair-days/{fair_day['id']}/slots").json["items"]) == 5
    for i in range(4):
        volunteer = make.volunteer([fair.home_grid], categories=("mending",), name=f"缝补{i}")
        listing = make.listing(volunteer, category="mending", home=False, fair=True)
        stall(fair_day, volunteer, listing)
    with count_queries() as five:
        assert len(api.get(f"/fair-days/{fair_day['id']}/slots").json["items"]) == 25
    assert five.count == one.count <= 8  # the day, the stalls, their seats; no N+1


def test_the_reminders_the_day_before_reach_each_resident_and_volunteer_once(
    app, api, fair, schedule, stall, book_slot
):
    from happiness_fair.scheduled import run_scheduled

    fair_day = schedule()
    stall(fair_day, capacity=3)
    stall(fair_day, fair.knife_man, fair.knives)
    book_slot(fair.grandma.account_user, fair_day)
    book_slot(fair.neighbour.account_user, fair_day, slot="10:00")
    with app.app_context():
        first = run_scheduled()
        second = run_scheduled()
    assert first["reminded"] == 4 and second["reminded"] == 0

    def kinds(user):
        return [n["kind"] for n in api.as_(user).get("/notifications").json["items"]]

    assert kinds(fair.grandma.account_user) == ["fair_slot_reminder"]
    assert kinds(fair.neighbour.account_user) == ["fair_slot_reminder"]
    assert kinds(fair.barber.account_user).count("fair_stall_reminder") == 1
    assert "job_reminder" not in kinds(fair.barber.account_user)  # one per stall, not per seat
    assert kinds(fair.knife_man.account_user) == ["fair_stall_reminder"]
    text = api.as_(fair.grandma.account_user).get("/notifications").json["items"][0]["text"]
    assert "09:00" in text and "虹桥东村广场" in text
    with app.app_context():
        assert (
            db.session.execute(sa.select(sa.func.count()).select_from(Notification)).scalar_one()
            >= 4
        )
