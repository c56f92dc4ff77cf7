"""The moves other than the happy path: hand-over, decline, reschedule, no-show, cancel,
dispute and its resolution, payment (PRODUCT.md "Bookings")."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking
from happiness_fair.catalogue.models import Volunteer, VolunteerStatus
from happiness_fair.database import utcnow
from happiness_fair.notifications.models import Notification
from happiness_fair.places.clock import today
from tests.factories import tomorrow


def kinds_for(in_app, user) -> list[str]:
    with in_app() as session:
        return list(
            session.execute(
                sa.select(Notification.kind)
                .where(Notification.user_id == user.id)
                .order_by(Notification.id)
            ).scalars()
        )


def set_booking(in_app, booking_id: int, **values) -> None:
    with in_app() as session:
        session.execute(sa.update(Booking).where(Booking.id == booking_id).values(**values))
        session.commit()


def test_a_grid_worker_hands_a_request_to_a_chosen_volunteer_who_accepts(
    api, act, book, world, in_app
):
    booking = book()
    handed = act(world.grid_worker, booking["id"], "assign", volunteer_id=world.plumber2.id)
    assert handed.status_code == 200, handed.json
    assert handed.json["status"] == "requested"
    assert handed.json["volunteer_id"] == world.plumber2.id
    assert handed.json["events"][-1]["actor_id"] == world.grid_worker.id
    assert "request_for_you" in kinds_for(in_app, world.plumber2.account_user)
    # Now it is his named request: others may not take it.
    assert act(world.plumber.account_user, booking["id"], "accept").status_code == 409
    assert act(world.plumber2.account_user, booking["id"], "accept").status_code == 200


def test_only_an_approved_volunteer_of_the_community_can_be_handed_a_request(
    act, book, make, world
):
    booking = book()
    pending = make.volunteer([world.grid], status=VolunteerStatus.pending)
    elsewhere = make.volunteer()
    for volunteer in (pending, elsewhere):
        refused = act(world.office, booking["id"], "assign", volunteer_id=volunteer.id)
        assert refused.status_code == 422
        assert "volunteer_id" in refused.json["error"]["fields"]


def test_a_named_request_declined_by_its_volunteer_becomes_open_and_its_clock_restarts(
    api, act, book, world, in_app
):
    booking = book(listing_id=world.listing.id)
    set_booking(in_app, booking["id"], requested_clock_at=utcnow() - timedelta(hours=20))
    declined = act(world.plumber.account_user, booking["id"], "decline", reason="这周不在家")
    assert declined.status_code == 200, declined.json
    assert declined.json["status"] == "requested"
    assert declined.json["volunteer_id"] is None
    assert declined.json["quote"]["labour_fee_fen"] is None  # a volunteer sees only the amount
    hers = api.as_(world.grandma_user).get(f"/bookings/{booking['id']}").json
    assert hers["quote"]["labour_fee_fen"] == 0  # an open request has no labour fee
    assert declined.json["events"][-1]["note"] == "这周不在家"
    with in_app() as session:
        clock = session.get(Booking, booking["id"]).requested_clock_at
    assert utcnow() - clock < timedelta(minutes=1)
    assert kinds_for(in_app, world.grandma_user) == ["booking_declined"]
    # Any volunteer with the skill may take it now.
    assert act(world.plumber2.account_user, booking["id"], "accept").status_code == 200


def test_an_accepted_job_declined_goes_back_to_an_open_request(act, book, world):
    booking = book()
    act(world.plumber.account_user, booking["id"], "accept", materials_estimate_fen=300)
    declined = act(world.plumber.account_user, booking["id"], "decline").json
    assert declined["status"] == "requested"
    assert declined["volunteer_id"] is None
    assert declined["materials_estimate_fen"] is None


def test_rescheduling_moves_the_day_and_tells_the_volunteer(act, book, world, in_app):
    booking = book(listing_id=world.listing.id)
    act(world.plumber.account_user, booking["id"], "accept")
    later = (today() + timedelta(days=5)).isoformat()
    moved = act(world.grandma_user, booking["id"], "reschedule", date=later, period="evening")
    assert moved.status_code == 200, moved.json
    assert moved.json["date"] == later
    assert moved.json["period"] == "evening"
    assert moved.json["status"] == "accepted"
    assert kinds_for(in_app, world.plumber.account_user) == [
        "request_for_you",
        "booking_rescheduled",
    ]
    # He may decline the new day.
    assert act(world.plumber.account_user, booking["id"], "decline").status_code == 200


def test_rescheduling_into_the_past_or_once_started_is_refused(act, book, world):
    booking = book(listing_id=world.listing.id)
    yesterday = (today() - timedelta(days=1)).isoformat()
    past = act(world.grandma_user, booking["id"], "reschedule", date=yesterday, period="morning")
    assert past.status_code == 422
    act(world.plumber.account_user, booking["id"], "accept")
    act(world.plumber.account_user, booking["id"], "start")
    day = tomorrow().isoformat()
    started = act(world.grandma_user, booking["id"], "reschedule", date=day, period="morning")
    assert started.status_code == 409


def test_a_volunteer_who_did_not_come_is_reported_and_the_grid_worker_is_told(
    act, book, world, in_app
):
    booking = book(listing_id=world.listing.id, date=today().isoformat())
    assert act(world.grandma_user, booking["id"], "no-show").status_code == 409
    act(world.plumber.account_user, booking["id"], "accept")
    reported = act(world.grandma_user, booking["id"], "no-show", note="等了一上午")
    assert reported.status_code == 200, reported.json
    assert reported.json["escalated"] is True
    assert reported.json["no_show"] is True
    assert reported.json["status"] == "accepted"
    assert kinds_for(in_app, world.grid_worker) == ["booking_no_show"]
    assert kinds_for(in_app, world.other_grid_worker) == []


def test_cancelling_while_requested_or_accepted_tells_the_volunteer(act, book, world, in_app):
    booking = book(listing_id=world.listing.id)
    act(world.plumber.account_user, booking["id"], "accept")
    cancelled = act(world.son, booking["id"], "cancel", reason="自己修好了")
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["events"][-1]["actor_id"] == world.son.id
    assert "booking_cancelled" in kinds_for(in_app, world.plumber.account_user)
    assert act(world.son, booking["id"], "cancel").status_code == 409


def test_a_job_under_way_cannot_be_cancelled(act, book, world):
    booking = book(listing_id=world.listing.id)
    act(world.plumber.account_user, booking["id"], "accept")
    act(world.plumber.account_user, booking["id"], "start")
    assert act(world.grandma_user, booking["id"], "cancel").status_code == 409
    assert act(world.plumber.account_user, booking["id"], "cancel").status_code == 403


def test_completing_checks_the_minutes(act, book, world):
    booking = book(listing_id=world.listing.id)
    act(world.plumber.account_user, booking["id"], "accept")
    act(world.plumber.account_user, booking["id"], "start")
    for minutes in (0, 721, "45", 1.5, None):
        refused = act(world.plumber.account_user, booking["id"], "complete", minutes=minutes)
        assert refused.status_code == 422, minutes
        assert "minutes" in refused.json["error"]["fields"]
    negative = act(
        world.plumber.account_user, booking["id"], "complete", minutes=30, materials_fen=-1
    )
    assert negative.status_code == 422
    longest = act(world.plumber.account_user, booking["id"], "complete", minutes=720)
    assert longest.status_code == 200


def test_a_dispute_is_possible_for_7_days_after_completion_only(act, advance, book, world, in_app):
    late = book(listing_id=world.listing.id)["id"]
    advance(late, "completed")
    set_booking(in_app, late, completed_at=utcnow() - timedelta(days=7, seconds=1))
    refused = act(world.grandma_user, late, "dispute", reason="没修好")
    assert refused.status_code == 409
    assert "7 days" in refused.json["error"]["message"]

    in_time = book(listing_id=world.listing.id)["id"]
    advance(in_time, "completed")
    set_booking(in_app, in_time, completed_at=utcnow() - timedelta(days=6, hours=23))
    disputed = act(world.grandma_user, in_time, "dispute", reason="没修好")
    assert disputed.status_code == 200
    assert disputed.json["status"] == "disputed"
    assert kinds_for(in_app, world.grid_worker) == ["booking_disputed"]


def test_a_dispute_resolved_for_the_volunteer_confirms_the_booking(
    act, advance, book, world, in_app
):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "disputed")
    refused = act(world.grandma_user, booking, "resolve", outcome="confirm", note="x")
    assert refused.status_code == 403
    resolved = act(world.grid_worker, booking, "resolve", outcome="confirm", note="回访：已修好")
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["status"] == "confirmed"
    assert resolved.json["volunteer_id"] == world.plumber.id
    assert resolved.json["events"][-1]["note"] == "回访：已修好"
    with in_app() as session:
        assert session.get(Volunteer, world.plumber.id).completed_count == 1


def test_a_dispute_resolved_against_the_volunteer_opens_the_same_booking_again(
    act, advance, book, world
):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "disputed")
    reopened = act(world.office, booking, "resolve", outcome="reopen", note="确实没修")
    assert reopened.status_code == 200, reopened.json
    body = reopened.json
    assert body["status"] == "requested"
    assert body["volunteer_id"] is None
    assert body["minutes"] is None
    assert body["id"] == booking
    assert [e["to_status"] for e in body["events"]][-2:] == ["disputed", "requested"]
    # Another volunteer takes it.
    assert act(world.plumber2.account_user, booking, "accept").status_code == 200


def test_resolving_needs_an_outcome_and_a_note(act, advance, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "disputed")
    assert act(world.office, booking, "resolve", outcome="maybe", note="x").status_code == 422
    assert act(world.office, booking, "resolve", outcome="confirm").status_code == 422


def test_confirming_rates_the_volunteer(act, advance, book, world, in_app):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "completed")
    assert act(world.grandma_user, booking, "confirm", rating=6).status_code == 422
    assert act(world.grandma_user, booking, "confirm", rating=4, comment="好").status_code == 200
    with in_app() as session:
        plumber = session.get(Volunteer, world.plumber.id)
        assert (plumber.completed_count, plumber.rating_sum, plumber.rating_count) == (1, 4, 1)


def test_the_volunteer_or_the_booker_marks_it_paid_once(act, advance, book, world):
    booking = book(world.neighbour.account_user, listing_id=world.listing.id)["id"]
    advance(booking, "completed")
    paid = act(world.plumber.account_user, booking, "paid")
    assert paid.status_code == 200
    assert paid.json["paid"] is True
    again = act(world.neighbour.account_user, booking, "paid")
    assert again.status_code == 200
    assert [e["action"] for e in again.json["events"]].count("paid") == 1


def test_a_no_show_is_said_only_from_the_service_day_on_and_only_once(
    api, act, book, world, in_app
):
    """The review's case: reported days before the visit, and again and again, each time telling
    the grid worker. Now: 409 before the day and on a repeat, and the button goes away."""
    later = book(listing_id=world.listing.id, date=(today() + timedelta(days=5)).isoformat())
    act(world.plumber.account_user, later["id"], "accept")
    early = act(world.grandma_user, later["id"], "no-show", note="师傅没来")
    assert early.status_code == 409
    assert early.json["error"]["code"] == "conflict"
    assert (
        "no-show" not in api.as_(world.grandma_user).get(f"/bookings/{later['id']}").json["actions"]
    )
    assert kinds_for(in_app, world.grid_worker) == []

    due = book(listing_id=world.listing.id, date=today().isoformat())
    act(world.plumber.account_user, due["id"], "accept")
    mine = api.as_(world.grandma_user)
    assert "no-show" in mine.get(f"/bookings/{due['id']}").json["actions"]
    assert act(world.grandma_user, due["id"], "no-show").status_code == 200
    again = act(world.grandma_user, due["id"], "no-show", note="还是没来")
    assert again.status_code == 409
    assert (
        again.json["error"]["message"]
        == "You have already reported that the volunteer did not come."
    )
    assert act(world.grid_worker, due["id"], "no-show").status_code == 409
    assert "no-show" not in mine.get(f"/bookings/{due['id']}").json["actions"]
    assert kinds_for(in_app, world.grid_worker) == ["booking_no_show"]  # told once
