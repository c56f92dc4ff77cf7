"""The price follows the facts: when a resident's age is verified or her flags change, every
booking of hers not yet completed is quoted again at once, under the rules that booking kept
(pending → free), with an event "price updated" on its timeline that names no reason (the
volunteer sees the timeline, and a flag is never shown to him)."""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.events import resident_fee_facts_changed
from ..accounts.models import Resident
from ..extensions import db
from . import pricing, timeline
from .models import Booking
from .rules import BookingStatus

REQUOTE = "requote"
NOT_YET_COMPLETED = (BookingStatus.requested, BookingStatus.accepted, BookingStatus.in_progress)


def requote_open_bookings(resident: Resident, **_details) -> int:
    """Re-quote her bookings that are not completed yet; returns how many prices changed."""
    db.session.flush()  # the new facts are what _requote() reads
    changed = 0
    bookings = db.session.execute(
        sa.select(Booking).where(
            Booking.beneficiary_id == resident.id, Booking.status.in_(NOT_YET_COMPLETED)
        )
    ).scalars()
    for booking in list(bookings):
        quote = pricing.requote(booking, {})
        if quote == booking.quote:
            continue
        result = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, Booking.status == booking.status)
            .values(quote=quote)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            timeline.record(booking, None, REQUOTE, booking.status, booking.status, "")
            db.session.expire(booking)
            changed += 1
    return changed


def init_app(app) -> None:
    resident_fee_facts_changed.connect(requote_open_bookings)
