"""A booking's timeline: every step (a move, a change of details, a new price, an escalation)
is one BookingEvent, written through the one event writer (happiness_fair/timeline.py)."""

from __future__ import annotations

from datetime import datetime

from .. import timeline
from ..accounts.models import User
from .models import Booking, BookingEvent
from .rules import BookingStatus


def record(
    booking: Booking,
    actor: User | None,
    action: str,
    from_status: BookingStatus | None,
    to_status: BookingStatus,
    note: str = "",
    *,
    at: datetime | None = None,
    ruled_out_volunteer_id: int | None = None,
) -> BookingEvent:
    """Add one step to the booking's timeline (actor None: the scheduler or the system)."""
    return timeline.record(
        BookingEvent,
        "booking_id",
        booking.id,
        action,
        to_status,
        from_status=from_status,
        actor_id=actor.id if actor else None,
        note=note,
        at=at,
        ruled_out_volunteer_id=ruled_out_volunteer_id,
    )
