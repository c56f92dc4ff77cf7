"""Fair-day use cases: the office schedules a day, volunteers sign up stalls, residents take a
seat in a timed slot (raised through bookings.raising.create_booking), volunteers record
walk-ins, the office confirms attendance (verified duty hours), and the day-before reminders.

Seats are counted in a row per stall and slot and claimed with UPDATE … WHERE booked <
capacity: of many residents pressing at once, exactly as many win as there are seats, on
SQLite and on PostgreSQL alike. Attendance is a row per volunteer and day, inserted before the
hours record is made, so confirming twice never counts his hours twice.
"""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..accounts.models import Resident, User
from ..bookings import moving, notices, raising
from ..bookings.events import booking_moved
from ..bookings.models import Booking
from ..bookings.rules import Action, BookingStatus, Period
from ..catalogue import service as catalogue
from ..catalogue.models import Category, Listing, Volunteer
from ..database import page_of, utcnow
from ..errors import Conflict, Forbidden, NotFound, invalid
from ..extensions import db
from ..hours import service as hours
from ..hours import totals
from ..hours.models import HoursRecord, Source
from ..notifications.service import notify
from ..places import clock
from ..places.clock import SHANGHAI
from ..places.models import Grid
from ..validation import MAX_ID
from . import reading, rules
from .models import Attendance, FairDay, SlotBooking, Stall, StallSlot, WalkIn

# --- seeing fair days ---------------------------------------------------------------------------


def get_fair_day(fair_day_id: int, *, lock: str | None = None) -> FairDay:
    """Any fair day by id (fair days are public, like the catalogue: they go on the notice
    board); 404 when there is none. `lock`: see fair_day_of_community()."""
    fair_day = (
        db.session.get(
            FairDay,
            fair_day_id,
            with_for_update=None if lock is None else {"read": lock == "share"},
            populate_existing=lock is not None,
        )
        if 0 < fair_day_id <= MAX_ID
        else None
    )
    if fair_day is None:
        raise NotFound()
    return fair_day


def fair_day_of_community(user: User, fair_day_id: int, *, lock: str | None = None) -> FairDay:
    """A fair day the caller may act on: one of his own community (404 for any other).

    `lock`: "share" for what the fair's having taken place adds (a stall, a walk-in, attendance),
    "update" for what ends it (calling it or a stall off). On PostgreSQL one waits for the other
    and then sees it, so a fair is never both called off and credited; SQLite's writers take
    turns anyway (its dialect leaves the lock out)."""
    fair_day = get_fair_day(fair_day_id, lock=lock)
    if fair_day.community_id != user.community_id:
        raise NotFound()
    return fair_day


def fair_days(
    community_id: int, *, upcoming: bool, page: int, per_page: int
) -> tuple[list[FairDay], int]:
    """A community's fair days: the coming ones soonest first, or all of them newest first."""
    stmt = sa.select(FairDay).where(FairDay.community_id == community_id)
    if upcoming:
        stmt = stmt.where(FairDay.date >= clock.today()).order_by(
            FairDay.date, FairDay.starts_at, FairDay.id
        )
    else:
        stmt = stmt.order_by(FairDay.date.desc(), FairDay.starts_at.desc(), FairDay.id.desc())
    return page_of(stmt, page, per_page)


@dataclasses.dataclass
class StallView:
    stall: Stall
    listing: Listing
    volunteer: Volunteer
    category: Category
    slots: list[StallSlot]

    @property
    def free_total(self) -> int:
        return sum(s.capacity - s.booked for s in self.slots)


def stalls_of(fair_day: FairDay, *, kept: bool = False) -> list[StallView]:
    """The day's stalls with their listing, volunteer, category and seats (3 queries); `kept`:
    only those not withdrawn (what residents may book, and whose duty the office confirms)."""
    stmt = (
        sa.select(Stall, Listing, Volunteer, Category)
        .join(Listing, Listing.id == Stall.listing_id)
        .join(Volunteer, Volunteer.id == Stall.volunteer_id)
        .join(Category, Category.id == Listing.category_id)
        .where(Stall.fair_day_id == fair_day.id)
        .order_by(Category.position, Stall.id)
    )
    if kept:
        stmt = stmt.where(Stall.withdrawn_at.is_(None))
    rows = db.session.execute(stmt).all()
    if not rows:
        return []
    slots: dict[int, list[StallSlot]] = {}
    for slot in db.session.execute(
        sa.select(StallSlot)
        .where(StallSlot.stall_id.in_([row[0].id for row in rows]))
        .order_by(StallSlot.stall_id, StallSlot.slot_start)
    ).scalars():
        slots.setdefault(slot.stall_id, []).append(slot)
    return [
        StallView(stall, listing, volunteer, category, slots.get(stall.id, []))
        for stall, listing, volunteer, category in rows
    ]


def free_slots(fair_day: FairDay) -> list[dict[str, Any]]:
    """Every slot of every stall and how many seats are left in it (API.md's /slots)."""
    return [
        {
            "stall_id": view.stall.id,
            "listing_id": view.listing.id,
            "slot_start": rules.hhmm(slot.slot_start),
            "capacity": slot.capacity,
            "free": slot.capacity - slot.booked,
        }
        for view in stalls_of(fair_day)
        if not view.stall.withdrawn and not fair_day.cancelled
        for slot in view.slots
    ]


# --- the office schedules -----------------------------------------------------------------------


def _office_only(user: User, message=None) -> None:
    if not user.is_office:
        raise Forbidden(message or _l("Only the community office does this."))


def schedule(office: User, data: dict[str, Any]) -> FairDay:
    """The office schedules a fair day: date, time window, venue in one of its grids, slot
    length."""
    _office_only(office, _l("Only the community office schedules fair days."))
    grid = db.session.get(Grid, data["grid_id"]) if data["grid_id"] <= MAX_ID else None
    if grid is None or grid.community_id != office.community_id:
        raise invalid("grid_id", _l("There is no such grid here."))
    if data["date"] < clock.today():
        raise invalid("date", _l("Choose today or a later day."))
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    window = rules.minute_of_day(ends_at) - rules.minute_of_day(starts_at)
    if window <= 0:
        raise invalid("ends_at", _l("The fair must end after it starts."))
    if window > rules.MAX_WINDOW_MINUTES:
        raise invalid("ends_at", _l("A fair day lasts at most 12 hours."))
    if not rules.slot_starts(starts_at, ends_at, data["slot_minutes"]):
        raise invalid("slot_minutes", _l("A slot must fit between the start and the end."))
    fair_day = FairDay(
        community_id=office.community_id,
        grid_id=grid.id,
        date=data["date"],
        starts_at=starts_at,
        ends_at=ends_at,
        venue=data["venue"],
        slot_minutes=data["slot_minutes"],
        created_by_id=office.id,
    )
    db.session.add(fair_day)
    db.session.flush()
    return fair_day


# --- volunteers sign up stalls ------------------------------------------------------------------


def _approved_volunteer(user: User, message) -> Volunteer:
    volunteer = db.session.execute(
        sa.select(Volunteer).where(Volunteer.user_id == user.id)
    ).scalar_one_or_none()
    if volunteer is None or not volunteer.is_approved:
        raise Forbidden(message)
    return volunteer


def sign_up_stall(user: User, fair_day_id: int, data: dict[str, Any]) -> Stall:
    """An approved volunteer signs up a stall for one of his own fair listings."""
    fair_day = fair_day_of_community(user, fair_day_id, lock="share")
    volunteer = _approved_volunteer(user, _l("Only approved volunteers sign up stalls."))
    if catalogue.is_staff_there(volunteer, fair_day.community_id, fair_day.grid_id):
        raise Forbidden(_l("Staff earn no volunteer hours in the grids they serve as staff."))
    listing = db.session.get(Listing, data["listing_id"]) if data["listing_id"] <= MAX_ID else None
    if listing is None or listing.community_id != fair_day.community_id:
        raise invalid("listing_id", _l("There is no such service here."))
    if listing.volunteer_id != volunteer.id:
        raise Forbidden(_l("You can sign up a stall only for your own service."))
    if not listing.active:
        raise invalid("listing_id", _l("This service is not available."))
    if not listing.fair:
        raise invalid("listing_id", _l("This service is not offered at fair stalls."))
    if not still_ahead(fair_day):
        over = (
            _l("This fair day is cancelled.")
            if fair_day.cancelled
            else _l("This fair day is over.")
        )
        raise Conflict(over)
    earlier = db.session.execute(
        sa.select(Stall).where(Stall.fair_day_id == fair_day.id, Stall.listing_id == listing.id)
    ).scalar_one_or_none()
    if earlier is not None:
        if not earlier.withdrawn:
            raise Conflict(_l("This service already has a stall on this fair day."))
        if earlier.withdrawn_by_id != user.id:
            raise Conflict(_l("The community office withdrew this stall. Please ask the office."))
        return _reopen(earlier, data["capacity_per_slot"])
    stall = Stall(
        fair_day_id=fair_day.id,
        volunteer_id=volunteer.id,
        listing_id=listing.id,
        capacity_per_slot=data["capacity_per_slot"],
    )
    try:
        with db.session.begin_nested():
            db.session.add(stall)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("This service already has a stall on this fair day.")) from None
    for start in rules.slot_starts(fair_day.starts_at, fair_day.ends_at, fair_day.slot_minutes):
        db.session.add(
            StallSlot(stall_id=stall.id, slot_start=start, capacity=stall.capacity_per_slot)
        )
    db.session.flush()
    return stall


def _reopen(stall: Stall, capacity: int) -> Stall:
    """He withdrew it (a wrong number of seats, a day he then found free) and signs up again:
    the same stall, open again with the seats he asks for now. Its seats were given back
    when it was withdrawn, so none is booked."""
    stall.withdrawn_at, stall.withdraw_reason, stall.withdrawn_by_id = None, "", None
    stall.capacity_per_slot, stall.reminded = capacity, False
    db.session.execute(
        sa.update(StallSlot)
        .where(StallSlot.stall_id == stall.id)
        .values(capacity=sa.case((StallSlot.booked > capacity, StallSlot.booked), else_=capacity))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return stall


# --- fair days and stalls end too ----------------------------------------------------------------


def _booked_at(stall_ids: list[int]) -> list[Booking]:
    if not stall_ids:
        return []
    return db.session.scalars(
        sa.select(Booking)
        .join(SlotBooking, SlotBooking.booking_id == Booking.id)
        .where(
            SlotBooking.stall_id.in_(stall_ids),
            SlotBooking.released.is_(False),
            Booking.status == BookingStatus.accepted,
        )
        .order_by(Booking.id)
    ).all()


def _end_stall(stall: Stall, actor: User, reason: str, now) -> int:
    """Mark the stall withdrawn and cancel its booked seats (a fair booking declined is
    cancelled and its booker told, never turned into an open request)."""
    stall.withdrawn_at, stall.withdraw_reason, stall.withdrawn_by_id = now, reason, actor.id
    booked = _booked_at([stall.id])
    for booking in booked:
        moving.transition(booking, actor, Action.decline, reason=reason)
    return len(booked)


def withdraw_stall(user: User, fair_day_id: int, stall_id: int, reason: str) -> Stall:
    """The stall's volunteer (or the office) withdraws it: its booked residents are told and
    their bookings cancelled. 403 for another volunteer; 409 once withdrawn or the day is over."""
    fair_day = fair_day_of_community(user, fair_day_id, lock="update")
    stall = db.session.get(Stall, stall_id) if 0 < stall_id <= MAX_ID else None
    if stall is None or stall.fair_day_id != fair_day.id:
        raise NotFound()
    if not user.is_office:
        volunteer = _approved_volunteer(user, _l("Only its volunteer or the office may do this."))
        if stall.volunteer_id != volunteer.id:
            raise Forbidden(_l("Only its volunteer or the office may do this."))
    if stall.withdrawn or fair_day.cancelled:
        raise Conflict(_l("This stall is already withdrawn."))
    if not still_ahead(fair_day):
        raise Conflict(_l("This fair day is over."))
    _not_yet_attended(fair_day, stall.volunteer_id)
    _end_stall(stall, user, reason, utcnow())
    db.session.flush()
    return stall


def _not_yet_attended(fair_day: FairDay, volunteer_id: int | None) -> None:
    """Once the office has confirmed who kept a stall, or a stall has recorded a walk-in (of
    this volunteer, or of anyone), the fair took place: calling it or his stall off would leave
    hours and services for a fair that never was."""
    held = []
    for model in (Attendance, WalkIn):
        stmt = sa.select(model.volunteer_id).where(model.fair_day_id == fair_day.id)
        if volunteer_id is not None:
            stmt = stmt.where(model.volunteer_id == volunteer_id)
        held.append(stmt.limit(1).exists())
    if db.session.execute(sa.select(sa.or_(*held))).scalar():
        raise Conflict(
            _l("This fair day has taken place: its attendance or walk-ins are recorded.")
        )


def cancel_fair_day(office: User, fair_day_id: int, reason: str) -> FairDay:
    """The office calls a fair day off: every stall is withdrawn, booked residents are told and
    their bookings cancelled, stall volunteers are told. 409 once cancelled or over."""
    _office_only(office)
    fair_day = fair_day_of_community(office, fair_day_id, lock="update")
    if fair_day.cancelled:
        raise Conflict(_l("This fair day is cancelled."))
    if not still_ahead(fair_day):
        raise Conflict(_l("This fair day is over."))
    _not_yet_attended(fair_day, None)
    now = utcnow()
    fair_day.cancelled_at, fair_day.cancel_reason = now, reason
    stalls = db.session.execute(
        sa.select(Stall).where(Stall.fair_day_id == fair_day.id, Stall.withdrawn_at.is_(None))
    ).scalars()
    told = set()
    for stall in list(stalls):
        _end_stall(stall, office, reason, now)
        volunteer = db.session.get(Volunteer, stall.volunteer_id)
        if volunteer.user_id not in told:
            told.add(volunteer.user_id)
            notify(
                volunteer.user_id,
                "fair_day_cancelled",
                date=fair_day.date.isoformat(),
                venue=fair_day.venue,
                reason=reason,
            )
    audit.record(
        "fair_day.cancel",
        community_id=fair_day.community_id,
        actor_id=office.id,
        subject_type="fair_day",
        subject_id=fair_day.id,
    )
    db.session.flush()
    return fair_day


# --- residents take a seat (bookings.raising.create_booking, mode "fair") --------------------


@dataclasses.dataclass
class Seat:
    fair_day: FairDay
    stall: Stall
    listing: Listing
    volunteer: Volunteer
    slot_start: time

    @property
    def period(self) -> Period:
        return rules.period_of(self.slot_start)

    @property
    def note(self) -> str:
        return f"{self.fair_day.venue} {rules.hhmm(self.slot_start)}"


def seat_for(booker: User, data: dict[str, Any]) -> Seat:
    """The stall and slot a fair-day booking asks for, checked: 404 for a fair day of another
    community, 422 for a slot or service the day does not have, 409 when the day or the slot
    is over."""
    if data.get("mode") != "fair":
        raise invalid("mode", _l("A fair-day slot is booked with the mode fair."))
    if data.get("fair_day_id") is None:
        raise invalid("fair_day_id", _l("Choose a fair day."))
    if data.get("listing_id") is None:
        raise invalid("listing_id", _l("Choose a stall."))
    fair_day = fair_day_of_community(booker, data["fair_day_id"])
    slot_start = rules.parse_hhmm(data.get("slot_start") or "")
    slots = rules.slot_starts(fair_day.starts_at, fair_day.ends_at, fair_day.slot_minutes)
    if slot_start is None or slot_start not in slots:
        raise invalid("slot_start", _l("Choose one of the fair day's slots."))
    row = db.session.execute(
        sa.select(Stall, Listing, Volunteer)
        .join(Listing, Listing.id == Stall.listing_id)
        .join(Volunteer, Volunteer.id == Stall.volunteer_id)
        .where(Stall.fair_day_id == fair_day.id, Stall.listing_id == data["listing_id"])
    ).first()
    if row is None:
        raise invalid("listing_id", _l("This service has no stall on this fair day."))
    stall, listing, volunteer = row
    if not listing.active or not volunteer.is_approved:
        raise invalid("listing_id", _l("This service is not available."))
    if fair_day.cancelled:
        raise Conflict(_l("This fair day is cancelled."))
    if stall.withdrawn:
        raise Conflict(_l("This stall was withdrawn. Please choose another one."))
    if fair_day.date < clock.today():
        raise Conflict(_l("This fair day is over."))
    if rules.slot_has_begun(fair_day.date, slot_start, clock.now_in_shanghai()):
        raise Conflict(_l("This slot has already begun. Please choose a later one."))
    return Seat(fair_day, stall, listing, volunteer, slot_start)


def hold_seat(seat: Seat, booking: Booking) -> None:
    """Claim one seat of the slot for this booking, or 409 when it is full. Call inside the
    savepoint that adds the booking, so a refused booking leaves the seat free."""
    claimed = db.session.execute(
        sa.update(StallSlot)
        .where(
            StallSlot.stall_id == seat.stall.id,
            StallSlot.slot_start == seat.slot_start,
            StallSlot.booked < StallSlot.capacity,
        )
        .values(booked=StallSlot.booked + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_l("This slot is full. Please choose another one."))
    db.session.add(
        SlotBooking(
            booking_id=booking.id,
            fair_day_id=seat.fair_day.id,
            stall_id=seat.stall.id,
            slot_start=seat.slot_start,
        )
    )


def release_seat(booking_id: int) -> bool:
    """The booking gives its seat back (cancelled, or given back by the volunteer); once."""
    held = db.session.execute(
        sa.select(SlotBooking).where(
            SlotBooking.booking_id == booking_id, SlotBooking.released.is_(False)
        )
    ).scalar_one_or_none()
    if held is None:
        return False
    won = db.session.execute(
        sa.update(SlotBooking)
        .where(SlotBooking.booking_id == booking_id, SlotBooking.released.is_(False))
        .values(released=True)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:
        return False
    db.session.execute(
        sa.update(StallSlot)
        .where(
            StallSlot.stall_id == held.stall_id,
            StallSlot.slot_start == held.slot_start,
            StallSlot.booked > 0,
        )
        .values(booked=StallSlot.booked - 1)
        .execution_options(synchronize_session=False)
    )
    return True


def raise_fair_booking(
    booker: User, beneficiary: Resident, data: dict, idempotency_key: str | None
) -> Booking:
    """A seat in a timed slot at a fair-day stall: accepted at once by the stall's volunteer,
    dated by the fair day (the date and period sent are not used), never escalated; the fee
    rules are the same as for any booking. A full slot is 409. Raised through
    bookings.raising.create_booking (registered for the mode "fair" in init_app)."""
    seat = seat_for(booker, data)
    listing, volunteer = seat.listing, seat.volunteer
    if volunteer.user_id in (booker.id, beneficiary.user_id):
        raise invalid("listing_id", _l("You cannot book your own service."))
    booking = raising.new_booking(
        booker,
        beneficiary,
        data,
        status=BookingStatus.accepted,
        category_id=listing.category_id,
        listing_id=listing.id,
        volunteer_id=volunteer.id,
        listing_fee_fen=listing.fee_fen,
        day=seat.fair_day.date,
        period=seat.period,
        mode="fair",
        idempotency_key=idempotency_key,
        accepted_at=utcnow(),
    )
    saved = raising.insert(booking, booker, note=seat.note, also=lambda: hold_seat(seat, booking))
    if saved is booking:
        notices.tell_volunteer(booking, volunteer.id, "fair_slot_booked", actor=booker)
    return saved


def on_booking_moved(booking: Booking, *, action: Action, **_details) -> None:
    """Cancelling a fair-day booking, or its volunteer giving it back, frees its seat. (That it
    cannot be moved to another time is the rules' to say, before the move.)"""
    if booking.mode == "fair" and action in (Action.cancel, Action.decline):
        release_seat(booking.id)


def init_app(app) -> None:
    raising.register_mode("fair", raise_fair_booking)
    booking_moved.connect(on_booking_moved)
    totals.register_rows(
        "walk_ins", walk_in_rows, tables=(WalkIn.__tablename__, FairDay.__tablename__)
    )


# --- walk-ins -----------------------------------------------------------------------------------


def walk_in_rows(
    community_id: int, first: date | None, last: date | None, *, grid_id=None, volunteer_id=None
) -> sa.Select:
    """Walk-ins served at fair stalls as total rows: one service each and no minutes of their
    own (the stall duty holds the time), in the venue's grid on the fair day."""
    stmt = (
        sa.select(
            WalkIn.volunteer_id,
            FairDay.grid_id,
            sa.literal(0).label("minutes"),
            sa.literal(1).label("services"),
        )
        .join(FairDay, FairDay.id == WalkIn.fair_day_id)
        .where(FairDay.community_id == community_id)
    )
    if first is not None:
        stmt = stmt.where(FairDay.date.between(first, last))
    if grid_id is not None:
        stmt = stmt.where(FairDay.grid_id == grid_id)
    if volunteer_id is not None:
        stmt = stmt.where(WalkIn.volunteer_id == volunteer_id)
    return stmt


def _acting_volunteer(user: User) -> Volunteer | None:
    return db.session.execute(
        sa.select(Volunteer).where(Volunteer.user_id == user.id)
    ).scalar_one_or_none()


def still_ahead(fair_day: FairDay) -> bool:
    """Not called off, and its day has not passed: until then stalls are signed up and
    withdrawn, and the day itself may be called off."""
    return not fair_day.cancelled and fair_day.date >= clock.today()


def held(fair_day: FairDay) -> bool:
    """The fair took place: its day has come and it was not called off. Only then are its
    stalls' duty hours and walk-ins recorded (they count in rankings and certificates)."""
    return not fair_day.cancelled and rules.has_come(fair_day.date, clock.today())


def _held_or_refuse(fair_day: FairDay, not_yet) -> None:
    if fair_day.cancelled:
        raise Conflict(_l("This fair day is cancelled."))
    if not held(fair_day):
        raise Conflict(not_yet)


def record_walk_in(user: User, fair_day_id: int, data: dict[str, Any]) -> WalkIn:
    """The stall's volunteer (or the office for him) notes someone served without a booking:
    a name if he typed one, else none. No hours of its own: it is part of the stall duty."""
    fair_day = fair_day_of_community(user, fair_day_id, lock="share")
    stall = db.session.get(Stall, data["stall_id"]) if data["stall_id"] <= MAX_ID else None
    if stall is None or stall.fair_day_id != fair_day.id:
        raise invalid("stall_id", _l("There is no such stall on this fair day."))
    volunteer = _acting_volunteer(user)
    if not user.is_office and (volunteer is None or volunteer.id != stall.volunteer_id):
        raise Forbidden(_l("Only the stall's volunteer records walk-ins."))
    _held_or_refuse(fair_day, _l("Walk-ins are recorded on the fair day itself."))
    if stall.withdrawn:
        raise Conflict(_l("This stall was withdrawn."))
    category_id = data.get("category_id")
    if category_id is None:
        category_id = db.session.execute(
            sa.select(Listing.category_id).where(Listing.id == stall.listing_id)
        ).scalar_one()
    elif category_id > MAX_ID or db.session.get(Category, category_id) is None:
        raise invalid("category_id", _l("Choose a kind of service."))
    walk_in = WalkIn(
        fair_day_id=fair_day.id,
        stall_id=stall.id,
        volunteer_id=stall.volunteer_id,
        category_id=category_id,
        name=data.get("name") or "",
        recorded_by_id=user.id,
    )
    db.session.add(walk_in)
    db.session.flush()
    return walk_in


def walk_ins_of(user: User, fair_day_id: int) -> list[WalkIn]:
    """The office sees the day's walk-ins; a volunteer his own."""
    fair_day = fair_day_of_community(user, fair_day_id)
    stmt = sa.select(WalkIn).where(WalkIn.fair_day_id == fair_day.id)
    if not user.is_office:
        volunteer = _acting_volunteer(user)
        if volunteer is None:
            raise Forbidden(_l("Only volunteers and the community office see walk-ins."))
        stmt = stmt.where(WalkIn.volunteer_id == volunteer.id)
    return db.session.scalars(stmt.order_by(WalkIn.id)).all()


@dataclasses.dataclass
class StallServices:
    """What a volunteer did at his stall: bookings by slot and walk-ins (his service records
    of the day; none of them adds hours)."""

    view: StallView
    bookings: list[tuple[Booking, time]]
    walk_ins: list[WalkIn]


def listings_to_sign_up(
    volunteer: Volunteer | None, services: list[StallServices]
) -> list[Listing]:
    """His fair services he may be offered a stall for on this day (`services`: his stalls of
    the day, services_at_stalls()): not one already at a stall there that stands."""
    if volunteer is None:
        return []
    standing = {s.view.listing.id for s in services if not s.view.stall.withdrawn}
    return [x for x in reading.fair_listings_of(volunteer) if x.id not in standing]


def services_at_stalls(user: User, fair_day: FairDay) -> list[StallServices]:
    """The caller's own stalls of the day with their bookings and walk-ins."""
    volunteer = _acting_volunteer(user)
    if volunteer is None:
        return []
    mine = [v for v in stalls_of(fair_day) if v.stall.volunteer_id == volunteer.id]
    if not mine:
        return []
    ids = [v.stall.id for v in mine]
    booked = db.session.execute(
        sa.select(Booking, SlotBooking.slot_start, SlotBooking.stall_id)
        .join(SlotBooking, SlotBooking.booking_id == Booking.id)
        .where(SlotBooking.stall_id.in_(ids), SlotBooking.released.is_(False))
        .order_by(SlotBooking.slot_start, Booking.id)
    ).all()
    walk_ins = db.session.execute(
        sa.select(WalkIn).where(WalkIn.stall_id.in_(ids)).order_by(WalkIn.id)
    ).scalars()
    by_stall = {i: StallServices(v, [], []) for i, v in zip(ids, mine, strict=True)}
    for booking, slot_start, stall_id in booked:
        by_stall[stall_id].bookings.append((booking, slot_start))
    for walk_in in walk_ins:
        by_stall[walk_in.stall_id].walk_ins.append(walk_in)
    return list(by_stall.values())


def beneficiary_names(bookings_: list[Booking]) -> dict[int, str]:
    ids = {b.beneficiary_id for b in bookings_}
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(Resident.id, Resident.name).where(Resident.id.in_(ids))).all()
    )


# --- attendance: verified duty hours --------------------------------------------------------------


def attendance_of(fair_day: FairDay) -> dict[int, Attendance]:
    return {
        a.volunteer_id: a
        for a in db.session.execute(
            sa.select(Attendance).where(Attendance.fair_day_id == fair_day.id)
        ).scalars()
    }


def confirm_attendance(office: User, fair_day_id: int, data: dict[str, Any]) -> list[HoursRecord]:
    """The office confirms who kept a stall: each gets one verified duty record of the fair's
    time window (or the minutes the office corrected) in the venue's grid. A volunteer already
    confirmed for the day gets nothing more, so confirming twice never counts twice."""
    fair_day = fair_day_of_community(office, fair_day_id, lock="share")
    _office_only(office, _l("Only the community office confirms attendance."))
    _held_or_refuse(fair_day, _l("Attendance is confirmed on or after the fair day."))
    volunteer_ids = list(dict.fromkeys(data["volunteer_ids"]))
    for volunteer in db.session.scalars(
        sa.select(Volunteer).where(Volunteer.user_id == office.id, Volunteer.id.in_(volunteer_ids))
    ):
        catalogue.not_for_himself(office, volunteer)  # four eyes on his own hours
    at_stalls = set(
        db.session.execute(
            sa.select(Stall.volunteer_id).where(
                Stall.fair_day_id == fair_day.id, Stall.withdrawn_at.is_(None)
            )
        ).scalars()
    )
    strangers = [v for v in volunteer_ids if v not in at_stalls]
    if strangers:
        raise invalid(
            "volunteer_ids",
            _l("These volunteers had no stall on this fair day: %(ids)s.", ids=strangers),
        )
    corrected = {c["volunteer_id"]: c["minutes"] for c in data.get("corrections") or []}
    if set(corrected) - set(volunteer_ids):
        raise invalid("corrections", _l("Correct only the volunteers you confirm."))
    created: list[HoursRecord] = []
    for volunteer_id in volunteer_ids:
        minutes = corrected.get(volunteer_id, fair_day.window_minutes)
        try:
            with db.session.begin_nested():
                attendance = Attendance(
                    fair_day_id=fair_day.id,
                    volunteer_id=volunteer_id,
                    minutes=minutes,
                    confirmed_by_id=office.id,
                )
                db.session.add(attendance)
                db.session.flush()
        except IntegrityError:
            continue  # confirmed before (or by another office worker just now)
        record = hours.add_record(
            HoursRecord(
                volunteer_id=volunteer_id,
                community_id=fair_day.community_id,
                grid_id=fair_day.grid_id,
                minutes=minutes,
                date=fair_day.date,
                source=Source.fair,
                reason=fair_day.venue,
                created_by_id=office.id,
            ),
            verified=True,
        )
        attendance.hours_record_id = record.id
        audit.record_by(
            office,
            "fair_attendance_confirmed",
            "hours_record",
            record.id,
            fair_day_id=fair_day.id,
            volunteer_id=volunteer_id,
            minutes=minutes,
        )
        created.append(record)
    db.session.flush()
    return created


# --- the day-before reminders (run by `flask run-scheduled`) ------------------------------------


def remind_day_before(now) -> int:
    """Tomorrow's fair day: each booked resident hears of her slot, each stall volunteer of his
    stall, once. Each reminder is claimed with a conditional UPDATE, so two runs at once tell
    nobody twice."""
    tomorrow: date = now.astimezone(SHANGHAI).date() + timedelta(days=1)
    told = 0
    due = sa.and_(
        Booking.mode == "fair",
        Booking.status == BookingStatus.accepted,
        Booking.date == tomorrow,
        Booking.reminded.is_(False),
    )
    rows = db.session.execute(
        sa.select(Booking, SlotBooking.slot_start, FairDay.venue)
        .join(SlotBooking, SlotBooking.booking_id == Booking.id)
        .join(FairDay, FairDay.id == SlotBooking.fair_day_id)
        .where(due)
        .order_by(Booking.id)
    ).all()
    for booking, slot_start, venue in rows:
        claimed = db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking.id, due)
            .values(reminded=True)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        own = db.session.execute(
            sa.select(Resident.user_id).where(Resident.id == booking.beneficiary_id)
        ).scalar_one_or_none()
        for user_id in dict.fromkeys(u for u in (booking.booker_id, own) if u is not None):
            notify(user_id, "fair_slot_reminder", booking, slot=rules.hhmm(slot_start), venue=venue)
        told += 1

    stalls = db.session.execute(
        sa.select(Stall, FairDay, Volunteer.user_id)
        .join(FairDay, FairDay.id == Stall.fair_day_id)
        .join(Volunteer, Volunteer.id == Stall.volunteer_id)
        .where(
            FairDay.date == tomorrow,
            Stall.reminded.is_(False),
            Stall.withdrawn_at.is_(None),
            FairDay.cancelled_at.is_(None),
        )
        .order_by(Stall.id)
    ).all()
    for stall, fair_day, user_id in stalls:
        claimed = db.session.execute(
            sa.update(Stall)
            .where(Stall.id == stall.id, Stall.reminded.is_(False))
            .values(reminded=True)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        booked = db.session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(StallSlot.booked), 0)).where(
                StallSlot.stall_id == stall.id
            )
        ).scalar_one()
        notify(
            user_id,
            "fair_stall_reminder",
            date=fair_day.date.isoformat(),
            venue=fair_day.venue,
            starts=rules.hhmm(fair_day.starts_at),
            ends=rules.hhmm(fair_day.ends_at),
            booked=int(booked),
        )
        told += 1
    return told
