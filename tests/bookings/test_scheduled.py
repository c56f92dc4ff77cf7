"""`flask run-scheduled`: escalations after 24 hours, auto-confirmation after 7 days, the
day-before reminder; each told once, even when two runs overlap."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking, BookingEvent
from happiness_fair.database import utcnow
from happiness_fair.extensions import db
from happiness_fair.notifications.models import Notification
from happiness_fair.scheduled import run_scheduled
from tests.factories import tomorrow
from tests.helpers import ApiClient


def _post(client, path, **body):
    response = client.post(path, json=body)
    assert response.status_code in (200, 201), response.json
    return response.json


def _set(app, booking_id, **values):
    with app.app_context():
        db.session.execute(sa.update(Booking).where(Booking.id == booking_id).values(**values))
        db.session.commit()


def test_two_runs_at_once_tell_each_person_once(app, committed):
    make = committed
    community = make.community()
    grid = make.grid(community)
    worker = make.grid_worker(grid)
    grandma = make.resident(grid, birth_date=date(1941, 1, 15), verified=True)
    plumber = make.volunteer([grid])
    listing = make.listing(plumber)
    plumbing = make.category("plumbing")
    her = ApiClient(app).as_(grandma.account_user)
    him = ApiClient(app).as_(plumber.account_user)
    base = {"date": tomorrow().isoformat(), "period": "morning", "description": "漏水"}

    stale = _post(her, "/bookings", category_id=plumbing.id, **base)["id"]
    _set(app, stale, requested_clock_at=utcnow() - timedelta(hours=25))
    fresh = _post(her, "/bookings", category_id=plumbing.id, **base)["id"]
    old_job = _post(her, "/bookings", listing_id=listing.id, **base)["id"]
    for action, body in (("accept", {}), ("start", {}), ("complete", {"minutes": 30})):
        _post(him, f"/bookings/{old_job}/{action}", **body)
    _set(app, old_job, completed_at=utcnow() - timedelta(days=8))
    tomorrows = _post(her, "/bookings", listing_id=listing.id, **base)["id"]
    _post(him, f"/bookings/{tomorrows}/accept")
    with app.app_context():
        before = db.session.execute(sa.select(sa.func.max(Notification.id))).scalar_one()

    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        start.wait()
        try:
            with app.app_context():
                results.append(run_scheduled())
                db.session.remove()
        except Exception as exc:  # reported below: a failed run must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    totals = {key: sum(r[key] for r in results) for key in results[0]}
    assert totals == {
        "escalated": 1,
        "auto_confirmed": 1,
        "reminded": 1,
        "concerns_escalated": 0,
        "concerns_overdue": 0,
    }

    with app.app_context():
        told = db.session.execute(
            sa.select(Notification.user_id, Notification.kind, Notification.booking_id)
            .where(Notification.id > before)
            .order_by(Notification.id)
        ).all()
        assert sorted(told) == sorted(
            [
                (worker.id, "booking_escalated", stale),
                (grandma.account_user.id, "booking_auto_confirmed", old_job),
                (plumber.account_user.id, "job_reminder", tomorrows),
            ]
        )
        bookings = {b.id: b for b in db.session.execute(sa.select(Booking)).scalars()}
        assert bookings[stale].escalated is True
        assert bookings[fresh].escalated is False
        assert bookings[old_job].status == "confirmed"
        assert bookings[tomorrows].reminded is True
        events = db.session.execute(
            sa.select(BookingEvent.booking_id, BookingEvent.action, BookingEvent.actor_id).where(
                BookingEvent.action.in_(["escalate", "confirm"])
            )
        ).all()
        assert sorted(events) == sorted([(stale, "escalate", None), (old_job, "confirm", None)])

    with app.app_context():
        assert run_scheduled() == {
            "escalated": 0,
            "auto_confirmed": 0,
            "reminded": 0,
            "concerns_escalated": 0,
            "concerns_overdue": 0,
        }


def test_a_request_in_a_grid_without_grid_workers_is_escalated_to_the_office(
    api, book, make, world, in_app
):
    lonely = make.grid(world.community)
    resident = make.resident(lonely)
    booking = book(resident.account_user)["id"]
    with in_app():
        assert run_scheduled(utcnow() + timedelta(hours=23))["escalated"] == 0
        run_scheduled(utcnow() + timedelta(hours=24, minutes=1))
        told = (
            db.session.execute(
                sa.select(Notification.user_id).where(
                    Notification.kind == "booking_escalated", Notification.booking_id == booking
                )
            )
            .scalars()
            .all()
        )
    assert told == [world.office.id]
    body = api.as_(world.office).get(f"/bookings/{booking}").json
    assert body["escalated"] is True
    assert body["events"][-1]["action"] == "escalate"


def test_a_decline_restarts_the_24_hour_clock(act, book, world, in_app):
    booking = book(listing_id=world.listing.id)["id"]
    with in_app():
        db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking)
            .values(requested_clock_at=utcnow() - timedelta(hours=23))
        )
        db.session.commit()
    act(world.plumber.account_user, booking, "decline")
    with in_app():
        assert run_scheduled(utcnow() + timedelta(hours=2))["escalated"] == 0
        assert run_scheduled(utcnow() + timedelta(hours=25))["escalated"] == 1


def test_a_completion_is_confirmed_automatically_only_after_7_days(advance, book, world, in_app):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "completed")
    with in_app():
        assert run_scheduled(utcnow() + timedelta(days=6, hours=23))["auto_confirmed"] == 0
        assert run_scheduled(utcnow() + timedelta(days=7, minutes=1))["auto_confirmed"] == 1
        assert db.session.get(Booking, booking).status == "confirmed"


def test_a_disputed_job_is_not_confirmed_automatically(advance, book, world, in_app):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "disputed")
    with in_app():
        assert run_scheduled(utcnow() + timedelta(days=30))["auto_confirmed"] == 0


def test_a_reschedule_brings_a_new_reminder(act, book, world, in_app):
    booking = book(listing_id=world.listing.id)["id"]
    act(world.plumber.account_user, booking, "accept")
    with in_app():
        assert run_scheduled()["reminded"] == 1
        assert run_scheduled()["reminded"] == 0
    day_after = (tomorrow() + timedelta(days=1)).isoformat()
    act(world.grandma_user, booking, "reschedule", date=day_after, period="morning")
    with in_app():
        assert run_scheduled(utcnow() + timedelta(days=1))["reminded"] == 1


def test_the_command_runs(runner, database):
    result = runner.invoke(args=["run-scheduled"])
    assert result.exit_code == 0, result.output
    assert "escalated: 0" in result.output
