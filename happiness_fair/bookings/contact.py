"""Who is coming to my door: what the booking's people see of its volunteer.

The reverse direction of what a volunteer sees of the resident (access.py): before he accepts,
a volunteer appears as he chose for the public (沈** until he chooses). Once he has accepted,
the booker, the person served, her managers (and staff of the grid) see his full name and
phone number, so she can call him; after confirmation, or 7 days after completion, the phone
is hidden again and the name stays, so her history says who came. Notifications show the
phone by the same rule when they are read, and never store it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from ..accounts.models import User
from ..catalogue.models import Volunteer
from ..catalogue.rules import public_name
from ..database import utcnow
from ..extensions import db
from .access import Viewer, held_by, relations, viewer_of
from .models import Booking
from .rules import BookingStatus, Relation

PHONE_AFTER_COMPLETION = timedelta(days=7)
# While he is on his way, at work, or the job is fresh enough to call him back about it.
PHONE_STATUSES = frozenset(
    {
        BookingStatus.accepted,
        BookingStatus.in_progress,
        BookingStatus.completed,
        BookingStatus.disputed,
    }
)
PEOPLE = frozenset({Relation.party, Relation.grid_staff, Relation.office})
# Notifications to the booking's people that name its volunteer: they carry his phone.
CONTACT_KINDS = frozenset({"booking_accepted", "booking_started", "booking_completed"})


def phone_window_open(status: BookingStatus, completed_at: datetime | None, now: datetime) -> bool:
    """Pure rule: his phone is shown from acceptance until confirmation, or until 7 days after
    completion, whichever comes first (never on a cancelled booking)."""
    if status not in PHONE_STATUSES:
        return False
    return completed_at is None or now < completed_at + PHONE_AFTER_COMPLETION


def has_accepted(booking: Booking) -> bool:
    """A volunteer is on the booking because he accepted it (not merely named on a request)."""
    return booking.volunteer_id is not None and booking.accepted_at is not None


# Where a booking carries its volunteer's (id, full name, phone) once they are loaded with it:
# by the list's own statement (reading.py) or by load_volunteers(). Keyed by the volunteer's id,
# so a booking whose volunteer changed since is read again.
_CARRIED = "_volunteer_name_and_phone"


def name_and_phone():
    """Its volunteer's name and phone as two columns of a statement that reads bookings (None
    for a booking without one), to be kept on each booking with carry()."""

    def of_volunteer(column):
        return (
            sa.select(column)
            .join(Volunteer, Volunteer.user_id == User.id)
            .where(Volunteer.id == Booking.volunteer_id)
            .correlate(Booking)
            .scalar_subquery()
        )

    return of_volunteer(User.name), of_volunteer(User.phone)


def carry(booking: Booking, name: str, phone: str | None) -> None:
    """Keep on the booking its volunteer's name and phone, read with it."""
    setattr(booking, _CARRIED, (booking.volunteer_id, name, phone))


def _carried(booking: Booking) -> tuple[str, str | None] | None:
    kept = booking.__dict__.get(_CARRIED)
    if kept is None or kept[0] != booking.volunteer_id:
        return None
    return kept[1], kept[2]


def volunteer_name(booking: Booking, *, accepted: bool | None = None) -> str:
    """Its volunteer's name for a move's notice to the booking's people, as they may see him:
    whole once he has accepted (`accepted`: the move is his accepting), else as he chose for
    the public (沈**). From what the booking carries (reading.load_booking), what the session
    holds (returning a suspended volunteer's jobs), else one light statement."""
    accepted = has_accepted(booking) if accepted is None else accepted
    known = _carried(booking)
    if accepted and known is not None:
        return known[0]
    held = db.session.identity_map.get(identity_key(Volunteer, booking.volunteer_id))
    if held is not None:
        name, full = held.name, held.show_full_name
    else:
        name, full = db.session.execute(
            sa.select(User.name, Volunteer.show_full_name)
            .join(Volunteer, Volunteer.user_id == User.id)
            .where(Volunteer.id == booking.volunteer_id)
        ).one()
    return public_name(name, accepted or full)


def volunteer_contact(
    viewer: Viewer,
    booking: Booking,
    now: datetime | None = None,
    held: frozenset[Relation] | None = None,
) -> dict | None:
    """{name, phone} of the booking's volunteer for its people once he has accepted; phone
    None outside the window. None for anyone else, and before he has accepted. `held`: his
    relations to it, when already worked out."""
    if not has_accepted(booking):
        return None
    if not (held_by(viewer, booking, held) & PEOPLE):
        return None
    known = _carried(booking)
    if known is None:
        load_volunteers([booking], viewer)
        known = _carried(booking)
    if known is None:
        return None
    name, phone = known
    shown = phone_window_open(booking.status, booking.completed_at, now or utcnow())
    return {"name": name, "phone": phone if shown else None}


def load_volunteers(bookings: Iterable[Booking], viewer: Viewer) -> None:
    """The names and phones a list's volunteer_contact() will need, read at once with one light
    statement (no volunteer object and its collections) and carried on each booking; none when
    the list's statement brought them already."""
    wanted = [
        b
        for b in bookings
        if has_accepted(b) and _carried(b) is None and relations(viewer, b) & PEOPLE
    ]
    if not wanted:
        return
    rows = db.session.execute(
        sa.select(Volunteer.id, User.name, User.phone)
        .join(User, User.id == Volunteer.user_id)
        .where(Volunteer.id.in_({b.volunteer_id for b in wanted}))
    ).all()
    known = {row.id: (row.name, row.phone) for row in rows}
    for booking in wanted:
        if booking.volunteer_id in known:
            carry(booking, *known[booking.volunteer_id])


def phones_for_notifications(viewer: Viewer, rows: Iterable) -> dict[int, str]:
    """For a page of notifications: the volunteer's phone to add to each that names him, by
    the rule as it stands now (notification id → phone)."""
    wanted = [r for r in rows if r.booking_id is not None and r.kind in CONTACT_KINDS]
    if not wanted:
        return {}
    # The bookings with their volunteers' names and phones, in one statement.
    bookings = {}
    for booking, name, phone in db.session.execute(
        sa.select(Booking, *name_and_phone()).where(Booking.id.in_({r.booking_id for r in wanted}))
    ):
        if name:
            carry(booking, name, phone)
        bookings[booking.id] = booking
    now, phones = utcnow(), {}
    for row in wanted:
        booking = bookings.get(row.booking_id)
        if booking is None:
            continue
        contact = volunteer_contact(viewer, booking, now=now)
        if contact and contact["phone"]:
            phones[row.id] = contact["phone"]
    return phones


def notification_phones(user: User, rows: Iterable) -> dict[int, str]:
    """phones_for_notifications() for the signed-in reader (given to notifications at start)."""
    return phones_for_notifications(viewer_of(user), rows)
