"""A booking's timeline: every step (a move, a change of details, a new price, an escalation)
is one BookingEvent, written here and nowhere else."""

from __future__ import annotations

from datetime import datetime

from ..accounts.models import User
from ..database import utcnow
from ..extensions import db
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
) -> BookingEvent:
    """Add one step to the booking's timeline (actor None: the scheduler or the system)."""
    event = BookingEvent(
        booking_id=booking.id,
        at=at or utcnow(),
        actor_id=actor.id if actor else None,
        from_status=from_status,
        to_status=to_status,
        action=str(action),
        note=note,
    )
    db.session.add(event)
    return event
