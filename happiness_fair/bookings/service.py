"""Booking use cases: raise a request, move it through its states, see it, attach photos.

Who may do what is decided by rules.decide(); this module works out how the acting person
stands to a booking (their Relation), applies a move with a conditional UPDATE so that two
people acting at once cannot both win, and records every move as a BookingEvent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, lazyload, selectinload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts import access as account_access
from ..accounts.models import Resident, ResidentManager, Role, User, UserRole, staff_grids
from ..catalogue import service as catalogue_service
from ..catalogue import stats as catalogue_stats
from ..catalogue.models import Category, Listing, Volunteer
from ..database import page_of, utcnow
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..hours.rules import service_date_of
from ..notifications.service import notify
from ..validation import MAX_ID
from ..waivers import service as waivers
from . import access, contact, fees, photos, rules
from .models import MAX_PHOTOS, Booking, BookingEvent, BookingPhoto
from .rules import Action, BookingStatus, Relation

# Called after every move, in the same transaction: (booking, action, from_status, actor).
# The hours part registers here to verify or reject the hours a booking gave.
after_transition: list[Callable[[Booking, str, BookingStatus, User | None], None]] = []


def can(action: access.Move, user: User, booking: Booking) -> bool:
    """May this person do this to this booking now? (For buttons; transition() asks the same.)"""
    return access.can(action, user, booking)


# --- fees ------------------------------------------------------------------------------------


def waiver_rules_in_force(community_id: int) -> tuple[fees.WaiverRule, ...]:
    """The community's waiver rules now, as its office set them."""
    return waivers.rules_in_force(community_id)


def quote_booking(
    beneficiary: Resident,
    rules_snapshot: list,
    *,
    labour_fee_fen: int,
    materials_fen: int,
    service_date: date,
) -> dict[str, Any]:
    """The one place a booking's quote is made: the kept rules, applied to the person as she
    stands now (a later age verification counts) on the service date."""
    person = fees.Beneficiary(
        birth_date=beneficiary.birth_date,
        age_verified=beneficiary.age_verified,
        flags=frozenset(beneficiary.flags),
    )
    quote = fees.quote_for(
        labour_fee_fen,
        materials_fen,
        person,
        fees.rules_from_snapshot(rules_snapshot),
        service_date,
    )
    return quote.to_dict()


def _listing_volunteer_id(listing_id: int | None) -> int | None:
    if listing_id is None:
        return None
    return db.session.execute(
        sa.select(Listing.volunteer_id).where(Listing.id == listing_id)
    ).scalar_one()


def _requote(booking: Booking, changes: dict[str, Any]) -> dict[str, Any]:
    """The quote the booking will have once `changes` are written.

    The labour fee is the listing's only while the listing's own volunteer has the booking (an
    open request has none); materials are the recorded cost, or until then the estimate.
    """

    def after(name):
        return changes.get(name, getattr(booking, name))

    volunteer_id = after("volunteer_id")
    labour = (
        booking.listing_fee_fen
        if volunteer_id is not None and volunteer_id == _listing_volunteer_id(booking.listing_id)
        else 0
    )
    materials = after("materials_fen")
    if materials is None:
        materials = after("materials_estimate_fen") or 0
    completed_at = after("completed_at")
    service_date = service_date_of(completed_at) if completed_at else after("date")
    return quote_booking(
        db.session.get(Resident, booking.beneficiary_id),
        booking.waiver_rules_snapshot,
        labour_fee_fen=labour,
        materials_fen=materials,
        service_date=service_date,
    )


# --- raising a request -----------------------------------------------------------------------


def today() -> date:
    """Today in Asia/Shanghai."""
    return service_date_of(utcnow())


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(fields={field: [message]})


def _beneficiary_for(booker: User, beneficiary_id: int | None) -> Resident:
    """The caller, a person she manages, or (staff) any resident of their grids."""
    if beneficiary_id is None:
        resident = db.session.execute(
            sa.select(Resident).where(Resident.user_id == booker.id)
        ).scalar_one_or_none()
        if resident is None:
            raise _invalid("beneficiary_id", _l("Choose who the service is for."))
    else:
        resident = db.session.get(Resident, beneficiary_id)
        if resident is None or resident.community_id != booker.community_id:
            raise _invalid("beneficiary_id", _l("There is no such person here."))
        if not account_access.may_book_for(booker, resident):
            raise _invalid("beneficiary_id", _l("You cannot book for this person."))
    if not resident.active:
        raise _invalid("beneficiary_id", _l("This person's record is closed."))
    return resident


def _check_date(day: date) -> None:
    if day < today():
        raise _invalid("date", _l("Choose today or a later day."))


def booking_by_key(booker_id: int, key: str) -> Booking | None:
    return db.session.execute(
        sa.select(Booking).where(Booking.booker_id == booker_id, Booking.idempotency_key == key)
    ).scalar_one_or_none()


def create_booking(booker: User, data: dict, idempotency_key: str | None = None) -> Booking:
    """Raise a request: named (through a listing) or open (only a category).

    With an Idempotency-Key, a retry returns the booking the first attempt made.
    """
    if idempotency_key:
        existing = booking_by_key(booker.id, idempotency_key)
        if existing is not None:
            return existing
    beneficiary = _beneficiary_for(booker, data.get("beneficiary_id"))
    if (
        data.get("mode") == "fair"
        or data.get("fair_day_id") is not None
        or data.get("slot_start") is not None
    ):
        return _create_fair_booking(booker, beneficiary, data, idempotency_key)
    _check_date(data["date"])
    listing_fee, volunteer_id, listing_id = 0, None, None
    if data.get("listing_id") is not None:
        # The listing and its volunteer in one statement, none of his collections.
        row = db.session.execute(
            sa.select(Listing, Volunteer)
            .join(Volunteer, Volunteer.id == Listing.volunteer_id)
            .where(Listing.id == data["listing_id"])
            .options(
                lazyload(Volunteer.user),
                lazyload(Volunteer.categories),
                lazyload(Volunteer.grids),
                lazyload(Volunteer.tags),
            )
        ).one_or_none()
        listing, volunteer = row if row is not None else (None, None)
        if (
            listing is None
            or not listing.active
            or listing.community_id != beneficiary.community_id
            or volunteer is None
            or not volunteer.is_approved
        ):
            raise _invalid("listing_id", _l("This service is not available."))
        if volunteer.user_id in (booker.id, beneficiary.user_id):
            raise _invalid("listing_id", _l("You cannot book your own service."))
        if catalogue_service.is_staff_there(
            volunteer, beneficiary.community_id, beneficiary.grid_id
        ):
            raise _invalid("listing_id", access.STAFF_THERE)
        if data["mode"] not in listing.modes:
            raise _invalid("mode", _l("This service is not given this way."))
        category_id, listing_id = listing.category_id, listing.id
        listing_fee, volunteer_id = listing.fee_fen, volunteer.id
    else:
        category_id = data.get("category_id")
        if category_id is None or db.session.get(Category, category_id) is None:
            raise _invalid("category_id", _l("Choose a kind of service."))

    snapshot = fees.rules_to_snapshot(waiver_rules_in_force(beneficiary.community_id))
    booking = Booking(
        status=BookingStatus.requested,
        booker_id=booker.id,
        beneficiary_id=beneficiary.id,
        listing_id=listing_id,
        category_id=category_id,
        volunteer_id=volunteer_id,
        community_id=beneficiary.community_id,
        grid_id=beneficiary.grid_id,
        date=data["date"],
        period=rules.Period(data["period"]),
        mode=data["mode"],
        description=data["description"],
        address=beneficiary.address,
        contact_phone=data.get("contact_phone") or beneficiary.phone or booker.phone,
        door_note=data.get("door_note") or "",
        listing_fee_fen=listing_fee,
        waiver_rules_snapshot=snapshot,
        quote=quote_booking(
            beneficiary,
            snapshot,
            labour_fee_fen=listing_fee,
            materials_fen=0,
            service_date=data["date"],
        ),
        requested_clock_at=utcnow(),
        idempotency_key=idempotency_key or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
    except IntegrityError:
        # The same key raced in from a second connection: answer with the booking it made.
        existing = booking_by_key(booker.id, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing
    event = _record(booking, booker, "create", None, BookingStatus.requested, "")
    # A new booking's timeline is this one step and it has no photos: the answer needs no read.
    set_committed_value(booking, "events", [event])
    set_committed_value(booking, "photos", [])
    if volunteer_id is not None:
        _tell_volunteer(booking, volunteer_id, "request_for_you", actor=booker)
    return booking


def _create_fair_booking(
    booker: User, beneficiary: Resident, data: dict, idempotency_key: str | None
) -> Booking:
    """A seat in a timed slot at a fair-day stall: accepted at once by the stall's volunteer,
    dated by the fair day (the date and period sent are not used), never escalated; the fee
    rules are the same as for any booking. A full slot is 409."""
    from ..fairs import service as fairs  # fairs builds on bookings, so import it late

    seat = fairs.seat_for(booker, data)
    listing, volunteer = seat.listing, seat.volunteer
    if volunteer.user_id in (booker.id, beneficiary.user_id):
        raise _invalid("listing_id", _l("You cannot book your own service."))
    now = utcnow()
    snapshot = fees.rules_to_snapshot(waiver_rules_in_force(beneficiary.community_id))
    booking = Booking(
        status=BookingStatus.accepted,
        booker_id=booker.id,
        beneficiary_id=beneficiary.id,
        listing_id=listing.id,
        category_id=listing.category_id,
        volunteer_id=volunteer.id,
        community_id=beneficiary.community_id,
        grid_id=beneficiary.grid_id,
        date=seat.fair_day.date,
        period=seat.period,
        mode="fair",
        description=data["description"],
        address=beneficiary.address,
        contact_phone=data.get("contact_phone") or beneficiary.phone or booker.phone,
        door_note=data.get("door_note") or "",
        listing_fee_fen=listing.fee_fen,
        waiver_rules_snapshot=snapshot,
        quote=quote_booking(
            beneficiary,
            snapshot,
            labour_fee_fen=listing.fee_fen,
            materials_fen=0,
            service_date=seat.fair_day.date,
        ),
        requested_clock_at=now,
        accepted_at=now,
        idempotency_key=idempotency_key or None,
    )
    try:
        with db.session.begin_nested():
            db.session.add(booking)
            db.session.flush()
            fairs.hold_seat(seat, booking)
            db.session.flush()
    except IntegrityError:
        existing = booking_by_key(booker.id, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing
    _record(booking, booker, "create", None, BookingStatus.accepted, seat.note)
    _tell_volunteer(booking, volunteer.id, "fair_slot_booked", actor=booker)
    return booking


# --- moving a booking ------------------------------------------------------------------------


@dataclasses.dataclass
class _Move:
    values: dict[str, Any]
    where: list = dataclasses.field(default_factory=list)
    note: str = ""
    requote: bool = False
    after: list[Callable[[], None]] = dataclasses.field(default_factory=list)


def transition(booking: Booking, actor: User | None, action: Action, **details) -> Booking:
    """The one function that changes a booking's state (and its no-show and paid flags).

    `actor` None is the scheduler. The move is written with UPDATE … WHERE status = the state
    it was judged in, so of two people acting at once exactly one wins; the other gets 409.
    """
    now = utcnow()
    action = Action(action)
    if action not in _PLANS:  # the follow-up call is recorded by followups.service.record_call
        raise ValueError(f"{action} is not written by transition()")
    from_status = booking.status
    if actor is not None:
        error, relation = access.refusal(access.viewer_of(actor), booking, action, now)
        if error is not None:
            raise error
    else:
        relation = None
        if action is Action.paid or (from_status, action) not in rules.TRANSITIONS:
            raise access.state_conflict(booking, action)
    if action is Action.paid and booking.paid:
        return booking
    move = _PLANS[action](booking, actor, relation, details, now)
    to_status = rules.status_after(from_status, action, fair=booking.mode == "fair")
    values = {**move.values, "status": to_status}
    if move.requote:
        values["quote"] = _requote(booking, values)
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == from_status, *move.where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        if action == Action.accept:
            raise Conflict(_l("Another volunteer has already taken this request."))
        raise Conflict(_l("Someone else changed this booking just now. Please look again."))
    booking_id = booking.id
    event = BookingEvent(
        booking_id=booking_id,
        at=now,
        actor_id=actor.id if actor else None,
        from_status=from_status,
        to_status=to_status,
        action=str(action),
        note=move.note,
    )
    if any(isinstance(v, sa.sql.ClauseElement) for v in values.values()):
        db.session.expire(booking)
    else:
        # What was written is what the row now holds: no second read of it for the steps below,
        # and a timeline loaded with it gets the new step.
        loaded = booking.__dict__
        for key, value in values.items():
            set_committed_value(booking, key, value)
        if "events" in loaded:
            set_committed_value(booking, "events", [*loaded["events"], event])
    db.session.add(event)
    for step in move.after:
        step()
    for hook in after_transition:
        hook(booking, str(action), from_status, actor)
    return booking


def _volunteer_user(volunteer_id: int) -> User:
    return db.session.get(Volunteer, volunteer_id).user


def _tell_booker(booking: Booking, kind: str, actor: User | None, **params) -> None:
    if actor is None or booking.booker_id != actor.id:
        notify(booking.booker_id, kind, booking, **params)


def _tell_volunteer(booking: Booking, volunteer_id: int, kind: str, actor: User | None) -> None:
    # His account's id is on the volunteer row (usually already in the session): no more reads.
    user_id = db.session.get(Volunteer, volunteer_id).user_id
    if actor is None or user_id != actor.id:
        notify(user_id, kind, booking)


def grid_watchers(community_id: int, grid_id: int) -> list[int]:
    """Who hears of escalations: the grid's grid workers, or the office if it has none."""
    workers = (
        db.session.execute(
            sa.select(User.id)
            .join(staff_grids, staff_grids.c.user_id == User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                staff_grids.c.grid_id == grid_id,
                UserRole.role == Role.grid_worker,
                User.active.is_(True),
                User.community_id == community_id,
            )
            .order_by(User.id)
        )
        .scalars()
        .all()
    )
    if workers:
        return list(workers)
    return list(
        db.session.execute(
            sa.select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == Role.office,
                User.active.is_(True),
                User.community_id == community_id,
            )
            .order_by(User.id)
        ).scalars()
    )


def _tell_grid(booking: Booking, kind: str, **params) -> None:
    for user_id in grid_watchers(booking.community_id, booking.grid_id):
        notify(user_id, kind, booking, **params)


def _accept(booking, actor, relation, details, now) -> _Move:
    if relation in (Relation.volunteer, Relation.candidate):
        volunteer_id = access.viewer_of(actor).volunteer.id
    else:
        volunteer_id = booking.volunteer_id  # staff accept for the named volunteer
    name = db.session.get(Volunteer, volunteer_id).name
    return _Move(
        values={
            "volunteer_id": volunteer_id,
            "accepted_at": now,
            "materials_estimate_fen": details.get("materials_estimate_fen"),
        },
        where=[sa.or_(Booking.volunteer_id.is_(None), Booking.volunteer_id == volunteer_id)],
        requote=True,
        after=[lambda: _tell_booker(booking, "booking_accepted", actor, volunteer=name)],
    )


_BACK_TO_OPEN = {
    "volunteer_id": None,
    "accepted_at": None,
    "started_at": None,
    "materials_estimate_fen": None,
    "escalated": False,
    "no_show": False,
    "reminded": False,
}


def _decline(booking, actor, relation, details, now) -> _Move:
    """The volunteer gives the request back: it is open to everyone again and its clock
    restarts. Also how a suspended volunteer's jobs are returned."""
    name = db.session.get(Volunteer, booking.volunteer_id).name
    reason = details.get("reason") or ""
    if booking.mode == "fair":  # cancelled, never an open request; the seat is freed (fairs)
        return _Move(
            values={},
            note=reason,
            after=[lambda: _tell_booker(booking, "fair_booking_cancelled", actor, reason=reason)],
        )
    kind = "volunteer_suspended" if details.get("suspended") else "booking_declined"
    return _Move(
        values={**_BACK_TO_OPEN, "requested_clock_at": now},
        where=[Booking.volunteer_id == booking.volunteer_id],
        note=details.get("reason") or "",
        requote=True,
        after=[lambda: _tell_booker(booking, kind, actor, volunteer=name)],
    )


def _start(booking, actor, relation, details, now) -> _Move:
    name = db.session.get(Volunteer, booking.volunteer_id).name
    return _Move(
        values={"started_at": now},
        after=[lambda: _tell_booker(booking, "booking_started", actor, volunteer=name)],
    )


def _complete(booking, actor, relation, details, now) -> _Move:
    minutes, materials = details.get("minutes"), details.get("materials_fen", 0)
    if not rules.minutes_are_valid(minutes):
        raise _invalid("minutes", _l("Enter a number from 1 to 720."))
    if isinstance(materials, bool) or not isinstance(materials, int) or materials < 0:
        raise _invalid("materials_fen", _l("Enter a number from 0 upwards."))
    name = db.session.get(Volunteer, booking.volunteer_id).name
    return _Move(
        values={
            "minutes": minutes,
            "materials_fen": materials,
            "completion_note": details.get("note") or "",
            "completed_at": now,
        },
        note=details.get("note") or "",
        requote=True,
        after=[lambda: _tell_booker(booking, "booking_completed", actor, volunteer=name)],
    )


def _confirm(booking, actor, relation, details, now) -> _Move:
    rating = details.get("rating")
    volunteer_id = booking.volunteer_id
    after = [lambda: catalogue_stats.count_job_done(volunteer_id, rating)]
    if actor is None:
        after.append(lambda: _tell_booker(booking, "booking_auto_confirmed", None))
    return _Move(
        values={"rating": rating, "comment": details.get("comment") or "", "confirmed_at": now},
        note=details.get("comment") or "",
        after=after,
    )


def _dispute(booking, actor, relation, details, now) -> _Move:
    reason = details.get("reason") or ""
    return _Move(
        values={},
        note=reason,
        after=[lambda: _tell_grid(booking, "booking_disputed", reason=reason)],
    )


def _resolve_confirm(booking, actor, relation, details, now) -> _Move:
    volunteer_id = booking.volunteer_id
    return _Move(
        values={"confirmed_at": now},
        note=details.get("note") or "",
        after=[lambda: catalogue_stats.count_job_done(volunteer_id, None)],
    )


def _resolve_reopen(booking, actor, relation, details, now) -> _Move:
    """The job was not done: the same booking is open again for another volunteer."""
    return _Move(
        values={
            **_BACK_TO_OPEN,
            "minutes": None,
            "materials_fen": None,
            "completion_note": "",
            "completed_at": None,
            "paid": False,
            "requested_clock_at": now,
        },
        note=details.get("note") or "",
        requote=True,
    )


def _cancel(booking, actor, relation, details, now) -> _Move:
    volunteer_id = booking.volunteer_id
    after = []
    if volunteer_id is not None:
        after.append(lambda: _tell_volunteer(booking, volunteer_id, "booking_cancelled", actor))
    return _Move(values={}, note=details.get("reason") or "", after=after)


def _reschedule(booking, actor, relation, details, now) -> _Move:
    _check_date(details["date"])
    volunteer_id = booking.volunteer_id
    after = []
    if volunteer_id is not None:
        after.append(lambda: _tell_volunteer(booking, volunteer_id, "booking_rescheduled", actor))
    period = rules.Period(details["period"])
    return _Move(
        values={"date": details["date"], "period": period, "reminded": False},
        note=f"{details['date'].isoformat()} {period}",
        requote=True,
        after=after,
    )


def _no_show(booking, actor, relation, details, now) -> _Move:
    return _Move(
        values={"no_show": True, "escalated": True, "escalated_at": now},
        where=[Booking.no_show.is_(False)],  # of two reports at once, one tells the grid worker
        note=details.get("note") or "",
        after=[lambda: _tell_grid(booking, "booking_no_show")],
    )


def _assign(booking, actor, relation, details, now) -> _Move:
    """Hand-over (交): staff name a volunteer; he accepts or declines it like any named request."""
    volunteer = db.session.get(Volunteer, details["volunteer_id"])
    if (
        volunteer is None
        or volunteer.community_id != booking.community_id
        or not volunteer.is_approved
    ):
        raise _invalid("volunteer_id", _l("Choose an approved volunteer of this community."))
    if volunteer.user_id == booking.booker_id or volunteer.user_id in _beneficiary_accounts(
        booking
    ):
        raise _invalid("volunteer_id", _l("A volunteer cannot serve his own request."))
    if booking.category_id not in volunteer.category_ids:
        raise _invalid("volunteer_id", _l("This volunteer does not do this kind of work."))
    if catalogue_service.is_staff_there(volunteer, booking.community_id, booking.grid_id):
        raise _invalid("volunteer_id", access.STAFF_THERE)
    reason = (details.get("reason") or "").strip()
    if booking.grid_id not in volunteer.grid_ids and not reason:
        raise _invalid("reason", _l("He does not serve this grid: say why he is the one to go."))
    volunteer_id = volunteer.id
    return _Move(
        values={"volunteer_id": volunteer_id, "requested_clock_at": now, "escalated": False},
        note=f"{volunteer.name}：{reason}" if reason else volunteer.name,
        requote=True,
        after=[lambda: _tell_volunteer(booking, volunteer_id, "request_for_you", actor)],
    )


def _beneficiary_accounts(booking: Booking) -> set[int]:
    own = sa.select(Resident.user_id).where(
        Resident.id == booking.beneficiary_id, Resident.user_id.is_not(None)
    )
    managers = sa.select(ResidentManager.user_id).where(
        ResidentManager.resident_id == booking.beneficiary_id
    )
    return set(db.session.execute(sa.union(own, managers)).scalars())


def _paid(booking, actor, relation, details, now) -> _Move:
    return _Move(values={"paid": True}, where=[Booking.paid.is_(False)])


_PLANS: dict[Action, Callable[..., _Move]] = {
    Action.accept: _accept,
    Action.decline: _decline,
    Action.start: _start,
    Action.complete: _complete,
    Action.confirm: _confirm,
    Action.dispute: _dispute,
    Action.resolve_confirm: _resolve_confirm,
    Action.resolve_reopen: _resolve_reopen,
    Action.cancel: _cancel,
    Action.reschedule: _reschedule,
    Action.no_show: _no_show,
    Action.assign: _assign,
    Action.paid: _paid,
}


def change_details(user: User, booking_id: int, data: dict) -> Booking:
    """Fix the contact phone or the door note until the volunteer starts (its people, or staff
    for them); a volunteer already named on it is told. Not a move of state: the status stays,
    and the timeline shows the change."""
    booking = booking_for_action(booking_id)
    error, _relation = access.refusal(access.viewer_of(user), booking, access.EDIT)
    if error is not None:
        raise error
    changes = {}
    if data.get("contact_phone"):
        changes["contact_phone"] = data["contact_phone"]
    if "door_note" in data:
        changes["door_note"] = data["door_note"] or ""
    changes = {k: v for k, v in changes.items() if getattr(booking, k) != v}
    if not changes:
        return booking
    status = booking.status
    result = db.session.execute(
        sa.update(Booking)
        .where(Booking.id == booking.id, Booking.status == status)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_l("Someone else changed this booking just now. Please look again."))
    db.session.expire(booking)
    _record(booking, user, str(access.EDIT), status, status, "")
    if booking.volunteer_id is not None:
        _tell_volunteer(booking, booking.volunteer_id, "booking_details_changed", actor=user)
    return booking


def _record(booking, actor, action, from_status, to_status, note) -> BookingEvent:
    event = BookingEvent(
        booking_id=booking.id,
        at=utcnow(),
        actor_id=actor.id if actor else None,
        from_status=from_status,
        to_status=to_status,
        action=action,
        note=note,
    )
    db.session.add(event)
    return event


# --- reading ---------------------------------------------------------------------------------


def with_timeline(stmt):
    return stmt.options(selectinload(Booking.events), selectinload(Booking.photos))


def load_booking(booking_id: int) -> Booking | None:
    """The booking with its timeline and photos, fresh from the database."""
    if not 0 < booking_id <= MAX_ID:
        return None
    # One booking: its few events and photos come in the same statement.
    return (
        db.session.execute(
            sa.select(Booking)
            .where(Booking.id == booking_id)
            .options(joinedload(Booking.events), joinedload(Booking.photos))
            .execution_options(populate_existing=True)
        )
        .unique()
        .scalar_one_or_none()
    )


def visible_booking(user: User, booking_id: int, viewer: access.Viewer | None = None) -> Booking:
    """The booking, or 404 when there is none or the caller may not see it."""
    viewer = viewer or access.viewer_of(user)
    booking = load_booking(booking_id)
    if booking is None or not access.can_see(viewer, booking):
        raise NotFound()
    return booking


def booking_for_action(booking_id: int) -> Booking:
    """The booking someone acts on, with its timeline and photos (the answer shows them).
    Whether they may see it is for the rules to say (404, or 409 for a volunteer who was a
    moment too late)."""
    booking = load_booking(booking_id)
    if booking is None:
        raise NotFound()
    return booking


def _joined_timeline(stmt):
    """A page of bookings with their events and photos in the same statement (a few each)."""
    return stmt.options(joinedload(Booking.events), joinedload(Booking.photos))


def _page(stmt, page: int, per_page: int) -> tuple[list[Booking], int]:
    return page_of(_joined_timeline(stmt), page, per_page)


def bookings_for(
    viewer: access.Viewer, *, status: str | None, page: int, per_page: int
) -> tuple[list[Booking], int]:
    """The bookings the person has a part in: booker, beneficiary or her manager, volunteer,
    grid worker of the grid, office of the community. Newest first."""
    user = viewer.user
    parts = [Booking.booker_id == user.id]
    if viewer.resident_ids:
        parts.append(Booking.beneficiary_id.in_(viewer.resident_ids))
    if viewer.volunteer is not None:
        parts.append(Booking.volunteer_id == viewer.volunteer.id)
    if user.is_office:
        parts.append(Booking.community_id == user.community_id)
    elif user.is_grid_worker and user.grid_ids:
        parts.append(
            sa.and_(Booking.community_id == user.community_id, Booking.grid_id.in_(user.grid_ids))
        )
    if status:
        parts = [sa.and_(part, Booking.status == BookingStatus(status)) for part in parts]
    return _newest_of_any(parts, page, per_page)


def _union_of(selects: list[sa.Select]):
    return sa.union(*selects) if len(selects) > 1 else selects[0]


def _newest_of_any(parts: list, page: int, per_page: int) -> tuple[list[Booking], int]:
    """The page of bookings matching any of the parts, newest first, and how many match.

    The same rows as one WHERE part OR part, read so that the cost follows the page, not the
    person's history: each part is read newest first from its own index (booker, beneficiary,
    volunteer: each with created_at, id) only as far as the page reaches, and the count reads ids
    from the indexes alone. A volunteer with thousands of past jobs costs what a page costs.
    """
    newest = (Booking.created_at.desc(), Booking.id.desc())
    reach = page * per_page
    heads = []
    for part in parts:
        head = (
            sa.select(Booking.id, Booking.created_at)
            .where(part)
            .order_by(*newest)
            .limit(reach)
            .subquery()
        )
        heads.append(sa.select(head.c.id))
    ids = _union_of([sa.select(Booking.id).where(part) for part in parts]).subquery()
    counted = sa.select(sa.func.count()).select_from(ids).scalar_subquery()

    # Each booking's volunteer's name and phone ride along, for volunteer_contact() (contact.py).
    def of_volunteer(column):
        return (
            sa.select(column)
            .join(Volunteer, Volunteer.user_id == User.id)
            .where(Volunteer.id == Booking.volunteer_id)
            .correlate(Booking)
            .scalar_subquery()
        )

    name, phone = of_volunteer(User.name), of_volunteer(User.phone)
    stmt = (
        sa.select(Booking, counted, name, phone)
        .where(Booking.id.in_(_union_of(heads)))
        .order_by(*newest)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    # The page, its timelines and the count in one statement; a page past the end has no row
    # to carry the count and asks for it alone.
    rows = db.session.execute(_joined_timeline(stmt)).unique().all()
    if rows:
        contact.remember({row[0].volunteer_id: (row[2], row[3]) for row in rows if row[2]})
        return [row[0] for row in rows], rows[0][1]
    total = db.session.execute(sa.select(counted)).scalar_one()
    return [], total


def jobs_of(
    viewer: access.Viewer, *, status: str | None, page: int, per_page: int
) -> tuple[list[Booking], int]:
    """The bookings this volunteer has (named to him, accepted, done): his own list of jobs,
    soonest first, without the ones he only booked as a resident."""
    volunteer = viewer.volunteer
    if volunteer is None:
        raise Forbidden(_l("Only volunteers have jobs."))
    stmt = sa.select(Booking).where(Booking.volunteer_id == volunteer.id)
    if status:
        stmt = stmt.where(Booking.status == BookingStatus(status))
    return _page(stmt.order_by(Booking.date.desc(), Booking.id.desc()), page, per_page)


def jobs_for(viewer: access.Viewer, *, page: int, per_page: int) -> tuple[list[Booking], int]:
    """Requests this approved volunteer may accept now: named to him, or open in his skills and
    grids. Soonest first."""
    volunteer = viewer.volunteer
    if volunteer is None or not volunteer.is_approved:
        raise Forbidden(_l("Only approved volunteers take jobs."))
    # Staff earn no volunteer hours where they are staff: the office nowhere in its community,
    # a grid worker not in his grids.
    user = viewer.user
    if user.is_office:
        grid_ids: list[int] = []
    else:
        staff_grids = set(user.grid_ids) if user.is_grid_worker else set()
        grid_ids = [g for g in volunteer.grid_ids if g not in staff_grids]
    open_to_him = sa.and_(
        # "+ 0": the same test, but SQLite no longer reads every open request of the district
        # through the volunteer index; it reads this community's requests (status, community).
        (Booking.volunteer_id + 0).is_(None),
        Booking.category_id.in_(volunteer.category_ids),
        Booking.grid_id.in_(grid_ids),
        Booking.booker_id != viewer.id,
    )
    named_to_him = Booking.volunteer_id == volunteer.id
    if user.is_office:
        named_to_him = sa.false()
    elif user.is_grid_worker and user.grid_ids:
        named_to_him = sa.and_(named_to_him, Booking.grid_id.not_in(user.grid_ids))
    if viewer.resident_ids:
        open_to_him = sa.and_(open_to_him, Booking.beneficiary_id.not_in(viewer.resident_ids))
    stmt = sa.select(Booking).where(
        Booking.status == BookingStatus.requested,
        Booking.community_id == volunteer.community_id,
        sa.or_(named_to_him, open_to_him),
    )
    return _page(stmt.order_by(Booking.date, Booking.id), page, per_page)


# --- photos ----------------------------------------------------------------------------------


def add_photo(user: User, booking_id: int, photo: photos.CleanPhoto) -> BookingPhoto:
    """Up to three photos of the problem, cleaned (no location data) by photos.clean_uploads."""
    viewer = access.viewer_of(user)
    booking = visible_booking(user, booking_id, viewer)
    if not access.relations(viewer, booking) & access.PEOPLE:
        raise Forbidden(_l("Only the people asking for help add photos."))
    if booking.status not in access.PHOTO_STATUSES:
        raise access.state_conflict(booking, "photo")
    if booking.photo_count >= MAX_PHOTOS:
        raise Conflict(_l("A booking has at most 3 photos."))
    claimed = db.session.execute(
        sa.update(Booking)
        .where(
            Booking.id == booking.id,
            Booking.photo_count < MAX_PHOTOS,
            Booking.status.in_(access.PHOTO_STATUSES),
        )
        .values(photo_count=Booking.photo_count + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_l("A booking has at most 3 photos."))
    stored = BookingPhoto(
        booking_id=booking.id,
        uploaded_by_id=user.id,
        content_type=photo.content_type,
        data=photo.data,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


def photo_for(user: User, booking_id: int, photo_id: int) -> BookingPhoto:
    """A photo, only to those who may see the booking's photos (404 to everyone else)."""
    viewer = access.viewer_of(user)
    booking = visible_booking(user, booking_id, viewer)
    if not access.sees_photos(viewer, booking):
        raise NotFound()
    photo = db.session.execute(
        sa.select(BookingPhoto)
        .where(BookingPhoto.id == photo_id, BookingPhoto.booking_id == booking.id)
        .options(undefer(BookingPhoto.data))
    ).scalar_one_or_none()
    if photo is None:
        raise NotFound()
    return photo


# --- a suspended volunteer's jobs ------------------------------------------------------------


def return_jobs_of(volunteer: Volunteer, actor: User | None = None) -> list[Booking]:
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
        transition(booking, actor, Action.decline, suspended=True)
    return list(bookings)


# The catalogue's suspend() calls this in its own transaction; it cannot import bookings.
if return_jobs_of not in catalogue_service.on_suspend:
    catalogue_service.on_suspend.append(return_jobs_of)
