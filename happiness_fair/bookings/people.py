"""People move and pass away, listings are withdrawn, volunteers are suspended: when staff close
a resident's record, her open bookings are cancelled with a note (their volunteers are told by
the cancellation) and her managers are told, her history staying; when the office withdraws a
listing, its waiting requests become open requests; a suspended volunteer's requests and jobs
become open requests again."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.events import resident_deactivated
from ..accounts.models import Resident, ResidentManager, User
from ..catalogue.events import listing_withdrawn, volunteer_suspended
from ..catalogue.models import Listing, Volunteer
from ..extensions import db
from ..notifications.service import notify
from . import moving
from .models import Booking
from .rules import Action, BookingStatus

OPEN = (BookingStatus.requested, BookingStatus.accepted)
CLOSED_KINDS = {
    "moved": "resident_closed_moved",
    "passed_away": "resident_closed_passed_away",
    "other": "resident_closed",
}


def on_resident_deactivated(resident: Resident, *, actor: User, reason: str, **_details) -> int:
    """Cancel her open bookings (as the staff member who closed the record) and tell her
    managers; returns how many bookings were cancelled. The note names no reason: the volunteer
    reads the timeline."""
    note = str(_l("Cancelled: the record of the person served was closed by the community."))
    bookings = db.session.execute(
        sa.select(Booking)
        .where(Booking.beneficiary_id == resident.id, Booking.status.in_(OPEN))
        .order_by(Booking.id)
    ).scalars()
    cancelled = 0
    for booking in list(bookings):
        moving.transition(booking, actor, Action.cancel, reason=note)
        cancelled += 1
    managers = db.session.execute(
        sa.select(ResidentManager.user_id).where(ResidentManager.resident_id == resident.id)
    ).scalars()
    for user_id in managers:
        if user_id != actor.id:
            notify(
                user_id,
                CLOSED_KINDS.get(reason, "resident_closed"),
                name=resident.name,
                count=cancelled,
            )
    return cancelled


def on_listing_withdrawn(listing: Listing, *, actor: User, reason: str, **_details) -> int:
    """The office withdrew a listing: its requests still waiting for its volunteer become open
    requests for any volunteer with the skill (their bookers are told)."""
    waiting = db.session.execute(
        sa.select(Booking)
        .where(
            Booking.listing_id == listing.id,
            Booking.volunteer_id == listing.volunteer_id,
            Booking.status == BookingStatus.requested,
        )
        .order_by(Booking.id)
    ).scalars()
    reopened = 0
    for booking in list(waiting):
        moving.transition(booking, None, Action.decline, suspended=True, reason=reason)
        reopened += 1
    return reopened


def return_jobs_of(volunteer: Volunteer, *, actor: User | None = None, **_details) -> list[Booking]:
    """A suspended volunteer's requests and accepted jobs become open requests again, and
    their bookers are told."""
    bookings = (
        db.session.execute(
            sa.select(Booking)
            .where(
                Booking.volunteer_id == volunteer.id,
                Booking.status.in_((BookingStatus.requested, BookingStatus.accepted)),
            )
            .order_by(Booking.id)
        )
        .scalars()
        .all()
    )
    for booking in bookings:
        moving.transition(booking, actor, Action.decline, suspended=True)
    return list(bookings)


def init_app(app) -> None:
    resident_deactivated.connect(on_resident_deactivated)
    listing_withdrawn.connect(on_listing_withdrawn)
    volunteer_suspended.connect(return_jobs_of)
