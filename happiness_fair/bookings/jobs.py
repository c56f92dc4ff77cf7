"""Reads the volunteer's job pages need beyond the board and his list (reading.jobs_for/jobs_of)."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Booking
from .rules import BookingStatus


def still_open(booking_id: int) -> bool:
    """Whether a request is still waiting for a volunteer (after a refused accept: taken by
    another, or refused for another reason)."""
    status = db.session.execute(
        sa.select(Booking.status).where(Booking.id == booking_id)
    ).scalar_one_or_none()
    return status == BookingStatus.requested
