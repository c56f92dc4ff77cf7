"""Raising a request: named (through a listing) or open (only a category).

The one place a Booking is built (new_booking) and inserted with its Idempotency-Key retry
(insert); a fair-day seat is raised by the fairs part over the same two (fairs/service.py), which
registers itself here at start-up for the mode "fair".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts import access as account_access
from ..accounts.models import Resident, User
from ..catalogue import service as catalogue_service
from ..catalogue.models import Category, Listing, Volunteer
from ..database import utcnow
from ..errors import invalid
from ..extensions import db
from ..places.clock import today
from . import access, fees, notices, pricing, rules, timeline
from .models import Booking
from .rules import BookingStatus

# How a booking of another mode is raised, by the part that owns it (fairs: a seat in a slot),
# registered in that part's init_app: (booker, beneficiary, data, idempotency_key) -> Booking.
_raisers: dict[str, Callable[[User, Resident, dict, str | None], Booking]] = {}


def register_mode(mode: str, raise_booking: Callable[..., Booking]) -> None:
    """Called once at start-up by the part that raises bookings of this mode."""
    _raisers[mode] = raise_booking


def beneficiary_for(booker: User, beneficiary_id: int | None) -> Resident:
    """The caller, a person she manages, or (staff) any resident of their grids."""
    if beneficiary_id is None:
        resident = db.session.execute(
            sa.select(Resident).where(Resident.user_id == booker.id)
        ).scalar_one_or_none()
        if resident is None:
            raise invalid("beneficiary_id", _l("Choose who the service is for."))
    else:
        resident = db.session.get(Resident, beneficiary_id)
        if resident is None or resident.community_id != booker.community_id:
            raise invalid("beneficiary_id", _l("There is no such person here."))
        if not account_access.may_book_for(booker, resident):
            raise invalid("beneficiary_id", _l("You cannot book for this person."))
    if not resident.active:
        raise invalid("beneficiary_id", _l("This person's record is closed."))
    return resident


def check_date(day: date) -> None:
    if day < today():
        raise invalid("date", _l("Choose today or a later day."))


def booking_by_key(booker_id: int, key: str) -> Booking | None:
    return db.session.execute(
        sa.select(Booking).where(Booking.booker_id == booker_id, Booking.idempotency_key == key)
    ).scalar_one_or_none()


def new_booking(
    booker: User,
    beneficiary: Resident,
    data: dict,
    *,
    status: BookingStatus,
    category_id: int,
    listing_id: int | None,
    volunteer_id: int | None,
    listing_fee_fen: int,
    day: date,
    period: rules.Period,
    mode: str,
    idempotency_key: str | None,
    accepted_at: datetime | None = None,
) -> Booking:
    """The one construction of a Booking: the beneficiary's address and grid, the contact phone
    she gave (else hers, else the booker's), and the community's waiver rules kept with it."""
    snapshot = fees.rules_to_snapshot(pricing.waiver_rules_in_force(beneficiary.community_id))
    return Booking(
        status=status,
        booker_id=booker.id,
        beneficiary_id=beneficiary.id,
        listing_id=listing_id,
        category_id=category_id,
        volunteer_id=volunteer_id,
        community_id=beneficiary.community_id,
        grid_id=beneficiary.grid_id,
        date=day,
        period=period,
        mode=mode,
        description=data["description"],
        address=beneficiary.address,
        contact_phone=data.get("contact_phone") or beneficiary.phone or booker.phone,
        door_note=data.get("door_note") or "",
        listing_fee_fen=listing_fee_fen,
        waiver_rules_snapshot=snapshot,
        quote=pricing.quote_booking(
            beneficiary,
            snapshot,
            labour_fee_fen=listing_fee_fen,
            materials_fen=0,
            service_date=day,
        ),
        requested_clock_at=utcnow() if accepted_at is None else accepted_at,
        accepted_at=accepted_at,
        idempotency_key=idempotency_key or None,
    )


def insert(
    booking: Booking,
    actor: User,
    *,
    note: str = "",
    also: Callable[[], None] | None = None,
) -> Booking:
    """Insert the new booking (and whatever `also` claims with it, in the same savepoint) and
    write its first step. If the same Idempotency-Key raced in from a second connection, the
    answer is the booking that one made. Without a key or a claim nothing is tried again, so
    no savepoint (two round trips) is spent on it."""
    if not booking.idempotency_key and also is None:
        db.session.add(booking)
        db.session.flush()
    else:
        try:
            with db.session.begin_nested():
                db.session.add(booking)
                db.session.flush()
                if also is not None:
                    also()
                    db.session.flush()
        except IntegrityError:
            key = booking.idempotency_key
            existing = booking_by_key(booking.booker_id, key) if key else None
            if existing is None:
                raise
            return existing
    event = timeline.record(booking, actor, "create", None, booking.status, note)
    # A new booking's timeline is this one step and it has no photos: the answer needs no read.
    set_committed_value(booking, "events", [event])
    set_committed_value(booking, "photos", [])
    return booking


def create_booking(booker: User, data: dict, idempotency_key: str | None = None) -> Booking:
    """Raise a request: named (through a listing) or open (only a category).

    With an Idempotency-Key, a retry returns the booking the first attempt made.
    """
    if idempotency_key:
        existing = booking_by_key(booker.id, idempotency_key)
        if existing is not None:
            return existing
    beneficiary = beneficiary_for(booker, data.get("beneficiary_id"))
    if (
        data.get("mode") == "fair"
        or data.get("fair_day_id") is not None
        or data.get("slot_start") is not None
    ):
        return _raisers["fair"](booker, beneficiary, data, idempotency_key)
    check_date(data["date"])
    listing_fee, volunteer_id, listing_id = 0, None, None
    if data.get("listing_id") is not None:
        # The listing and its volunteer in one statement, with his account's roles and grids
        # (is_staff_there asks them), none of his own collections.
        row = (
            db.session.execute(
                sa.select(Listing, Volunteer)
                .join(Volunteer, Volunteer.id == Listing.volunteer_id)
                .where(Listing.id == data["listing_id"])
                .options(
                    joinedload(Volunteer.user).options(
                        joinedload(User.roles), joinedload(User.staff_grids)
                    ),
                    lazyload(Volunteer.categories),
                    lazyload(Volunteer.grids),
                    lazyload(Volunteer.tags),
                )
            )
            .unique()
            .one_or_none()
        )
        listing, volunteer = row if row is not None else (None, None)
        if (
            listing is None
            or not listing.active
            or listing.community_id != beneficiary.community_id
            or volunteer is None
            or not volunteer.is_approved
        ):
            raise invalid("listing_id", _l("This service is not available."))
        if volunteer.user_id in (booker.id, beneficiary.user_id):
            raise invalid("listing_id", _l("You cannot book your own service."))
        if catalogue_service.is_staff_there(
            volunteer, beneficiary.community_id, beneficiary.grid_id
        ):
            raise invalid("listing_id", access.STAFF_THERE)
        if data["mode"] not in listing.modes:
            raise invalid("mode", _l("This service is not given this way."))
        category_id, listing_id = listing.category_id, listing.id
        listing_fee, volunteer_id = listing.fee_fen, volunteer.id
    else:
        category_id = data.get("category_id")
        if category_id is None or db.session.get(Category, category_id) is None:
            raise invalid("category_id", _l("Choose a kind of service."))
    booking = new_booking(
        booker,
        beneficiary,
        data,
        status=BookingStatus.requested,
        category_id=category_id,
        listing_id=listing_id,
        volunteer_id=volunteer_id,
        listing_fee_fen=listing_fee,
        day=data["date"],
        period=rules.Period(data["period"]),
        mode=data["mode"],
        idempotency_key=idempotency_key,
    )
    saved = insert(booking, booker)
    if saved is booking and volunteer_id is not None:
        notices.tell_volunteer(booking, volunteer_id, "request_for_you", actor=booker)
    return saved
