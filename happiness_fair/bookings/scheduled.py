"""The bookings' steps of what cron runs every few minutes (`flask run-scheduled`, see
happiness_fair/scheduled.py): escalate requests nobody took, confirm old completions nobody
disputed, and remind volunteers the day before a home visit.

Every step claims each booking with a conditional UPDATE and acts only if it won, so two runs
at once (two cron hosts, a slow run overlapping the next) tell nobody twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from ..accounts import staffing
from ..catalogue.models import Volunteer
from ..errors import Conflict
from ..extensions import db
from ..notifications.service import notify
from ..places.clock import service_date_of
from . import moving, rules, timeline
from .models import Booking
from .rules import Action, BookingStatus


def escalate_stale_requests(now: datetime) -> int:
    """Requests nobody accepted for 24 hours go to the grid's grid workers (else the office)."""
    cutoff = now - rules.ESCALATE_AFTER
    due = sa.and_(
        Booking.status == BookingStatus.requested,
        Booking.mode == "home",  # a fair-day slot is accepted at once and never escalated
        Booking.escalated.is_(False),
        Booking.requested_clock_at <= cutoff,
    )
    stale = db.session.execute(sa.select(Booking).where(due).order_by(Booking.id)).scalars().all()
    escalated = 0
    for booking in stale:
        if not rules.is_due_for_escalation(booking.requested_clock_at, now):
            continue
        claimed = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, due)
            .values(escalated=True, escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue  # another run got there first, or someone took it meanwhile
        escalated += 1
        timeline.record(
            booking, None, "escalate", BookingStatus.requested, BookingStatus.requested, at=now
        )
        for user_id in staffing.grid_watchers(booking.community_id, booking.grid_id):
            notify(user_id, "booking_escalated", booking)
    return escalated


def auto_confirm(now: datetime) -> int:
    """A completion nobody disputed for 7 days is confirmed (and its hours verified)."""
    cutoff = now - rules.AUTO_CONFIRM_AFTER
    due = (
        db.session.execute(
            sa.select(Booking)
            .where(Booking.status == BookingStatus.completed, Booking.completed_at <= cutoff)
            .order_by(Booking.id)
        )
        .scalars()
        .all()
    )
    confirmed = 0
    for booking in due:
        if not rules.is_due_for_auto_confirm(booking.completed_at, now):
            continue
        try:
            moving.transition(booking, None, Action.confirm)
        except Conflict:
            continue  # another run confirmed it, or it was disputed meanwhile
        confirmed += 1
    return confirmed


def remind_day_before(now: datetime) -> int:
    """Once per booking: the volunteer of an accepted job is reminded the day before. A fair
    day's stalls and booked residents are reminded by the fairs part (one reminder per stall,
    not one per seat)."""
    tomorrow = service_date_of(now) + timedelta(days=1)
    due = sa.and_(
        Booking.mode == "home",
        Booking.status == BookingStatus.accepted,
        Booking.date == tomorrow,
        Booking.reminded.is_(False),
    )
    rows = db.session.execute(
        sa.select(Booking, Volunteer.user_id)
        .join(Volunteer, Volunteer.id == Booking.volunteer_id)
        .where(due)
        .order_by(Booking.id)
    ).all()
    reminded = 0
    for booking, volunteer_user_id in rows:
        claimed = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, due)
            .values(reminded=True)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            notify(volunteer_user_id, "job_reminder", booking)
            reminded += 1
    return reminded
