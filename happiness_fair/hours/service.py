"""Hours use cases: records from bookings, manual entries, corrections, and who sees which.

Every change of a record's status or minutes goes through _verify/_reject/_set_minutes, which
move the kept totals in the same transaction, so the totals always equal a recount.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts import staffing
from ..accounts.models import User
from ..bookings.events import booking_moved
from ..bookings.models import Booking, BookingEvent
from ..bookings.rules import Action, BookingStatus
from ..catalogue import service as catalogue_service
from ..catalogue.models import Volunteer
from ..catalogue.stats import star_thresholds, stars_for
from ..database import page_of, utcnow
from ..errors import Conflict, Forbidden, NotFound, invalid
from ..extensions import db
from ..notifications.service import notify
from ..places import clock
from ..places.clock import service_date_of
from ..places.models import Community, Grid
from ..validation import MAX_ID
from . import totals
from .models import (
    CorrectionStatus,
    HoursCorrection,
    HoursRecord,
    HoursStatus,
    Source,
)

# --- status changes: the only places the totals move ------------------------------------------


def _verify(record: HoursRecord) -> None:
    if record.status is HoursStatus.verified:
        return
    record.status, record.decided_at = HoursStatus.verified, utcnow()
    _fix_person_in_charge(record)
    totals.add(record, +1)


def _is_staff_here(user: User | None, community_id: int) -> bool:
    return user is not None and user.community_id == community_id and user.is_staff


def _confirmer(record: HoursRecord) -> User | None:
    """Who confirmed the service: a booking's confirming step (its people, staff, or nobody when
    the scheduler confirmed it), else whoever entered the record (the office, for a fair's duty
    or a manual entry)."""
    actor_id = record.created_by_id
    if record.booking_id is not None:
        actor_id = db.session.execute(
            sa.select(BookingEvent.actor_id)
            .where(
                BookingEvent.booking_id == record.booking_id,
                BookingEvent.to_status == BookingStatus.confirmed,
            )
            .order_by(BookingEvent.id.desc())
            .limit(1)
        ).scalar_one_or_none()
    return db.session.get(User, actor_id) if actor_id is not None else None


def first_grid_worker(grid_id: int) -> User | None:
    """The grid's first grid worker (the longest-serving account), if it has one."""
    ids = staffing.grid_worker_ids(grid_id)
    return db.session.get(User, ids[0]) if ids else None


def _fix_person_in_charge(record: HoursRecord) -> None:
    """Order 67 art. 7, fixed at verification: the organising unit is the community's committee;
    the person in charge is the staff member who confirmed, else the grid's first grid worker,
    else the 负责人 the office names."""
    community = db.session.get(Community, record.community_id)
    record.organising_unit = community.office_name
    person = _confirmer(record)
    if not _is_staff_here(person, record.community_id):
        person = first_grid_worker(record.grid_id)
    record.person_in_charge_id = person.id if person is not None else None
    record.person_in_charge = person.name if person is not None else community.person_in_charge


def _reject(record: HoursRecord, reason: str) -> None:
    if record.status is HoursStatus.verified:
        totals.add(record, -1)
    record.status, record.decided_at, record.reason = HoursStatus.rejected, utcnow(), reason


def _set_minutes(record: HoursRecord, minutes: int) -> None:
    if record.status is HoursStatus.verified:
        totals.add(record, -1)
        record.minutes = minutes
        totals.add(record, +1)
    else:
        record.minutes = minutes


def add_record(record: HoursRecord, *, verified: bool) -> HoursRecord:
    """A new record, pending or verified at once (the office's own entries)."""
    record.status = HoursStatus.pending
    db.session.add(record)
    db.session.flush()
    if verified:
        _verify(record)
    return record


# --- records from bookings --------------------------------------------------------------------


def _live_record(booking_id: int) -> HoursRecord | None:
    """The booking's record that is still pending (a reopened booking may have a rejected one)."""
    return db.session.execute(
        sa.select(HoursRecord)
        .where(HoursRecord.booking_id == booking_id, HoursRecord.status == HoursStatus.pending)
        .order_by(HoursRecord.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _last_note(booking_id: int) -> str:
    return (
        db.session.execute(
            sa.select(BookingEvent.note)
            .where(BookingEvent.booking_id == booking_id)
            .order_by(BookingEvent.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        or ""
    )


def on_booking_moved(booking: Booking, *, action: Action, actor: User | None, **_details) -> None:
    """A completed home visit gives a pending record in the beneficiary's grid (the booking's
    snapshot); confirmation verifies it; a dispute resolved against the volunteer rejects it.
    Whoever acts (the volunteer, or staff for him), the minutes are the volunteer's."""
    if action == Action.complete and booking.mode == "home":
        db.session.add(
            HoursRecord(
                volunteer_id=booking.volunteer_id,
                community_id=booking.community_id,
                grid_id=booking.grid_id,
                minutes=booking.minutes,
                date=service_date_of(booking.completed_at),
                source=Source.booking,
                booking_id=booking.id,
                created_by_id=actor.id if actor else None,
            )
        )
    elif action in (Action.confirm, Action.resolve_confirm):
        record = _live_record(booking.id)
        if record is not None:
            _verify(record)
    elif action == Action.resolve_reopen:
        record = _live_record(booking.id)
        if record is not None:
            _reject(record, _last_note(booking.id) or "dispute resolved against the volunteer")


def init_app(app) -> None:
    booking_moved.connect(on_booking_moved)


# --- manual records and corrections -----------------------------------------------------------


def _office_only(actor: User) -> None:
    if not actor.is_office:
        raise Forbidden(_l("Only the community office does this."))


require_office = _office_only


def add_manual(actor: User, data: dict[str, Any]) -> HoursRecord:
    """The office records time given outside the app (with a reason); verified at once."""
    _office_only(actor)
    volunteer = db.session.get(Volunteer, data["volunteer_id"])
    if volunteer is None or volunteer.community_id != actor.community_id:
        raise invalid("volunteer_id", _l("There is no such volunteer here."))
    catalogue_service.not_for_himself(actor, volunteer)
    grid = db.session.get(Grid, data["grid_id"])
    if grid is None or grid.community_id != actor.community_id:
        raise invalid("grid_id", _l("There is no such grid here."))
    if data["date"] > clock.today():
        raise invalid("date", _l("Hours can only be recorded for today or earlier."))
    record = HoursRecord(
        volunteer_id=volunteer.id,
        community_id=actor.community_id,
        grid_id=grid.id,
        minutes=data["minutes"],
        date=data["date"],
        source=Source.manual,
        reason=data["reason"],
        created_by_id=actor.id,
    )
    add_record(record, verified=True)
    audit.record_by(
        actor,
        "hours_added",
        "hours_record",
        record.id,
        volunteer_id=volunteer.id,
        minutes=record.minutes,
        date=record.date.isoformat(),
        reason=record.reason,
    )
    return record


def request_correction(user: User, record_id: int, minutes: int, reason: str) -> HoursCorrection:
    """A volunteer asks for one of his own records to be put right."""
    record = visible_record(user, record_id)
    volunteer = catalogue_service.volunteer_of(user)
    if volunteer is None or record.volunteer_id != volunteer.id:
        raise Forbidden(_l("Only the volunteer himself asks for a correction."))
    if minutes == record.minutes:
        raise invalid(
            "minutes", _l("The record already shows %(minutes)s minutes.", minutes=minutes)
        )
    pending = db.session.execute(
        sa.select(HoursCorrection.id).where(
            HoursCorrection.record_id == record.id,
            HoursCorrection.status == CorrectionStatus.open,
        )
    ).first()
    if pending is not None:
        raise Conflict(_l("A correction of this record is already waiting for the office."))
    correction = HoursCorrection(
        record_id=record.id,
        volunteer_id=volunteer.id,
        community_id=record.community_id,
        minutes=minutes,
        previous_minutes=record.minutes,
        reason=reason,
    )
    db.session.add(correction)
    db.session.flush()
    return correction


def decide_correction(actor: User, correction_id: int, accept: bool, note: str) -> HoursCorrection:
    """The office accepts a correction (the record takes its minutes) or rejects it; audited,
    and the volunteer is told."""
    correction = (
        db.session.get(HoursCorrection, correction_id) if 0 < correction_id <= MAX_ID else None
    )
    if correction is None or correction.community_id != actor.community_id or not actor.is_staff:
        raise NotFound()
    _office_only(actor)
    catalogue_service.not_for_himself(actor, db.session.get(Volunteer, correction.volunteer_id))
    claimed = db.session.execute(
        sa.update(HoursCorrection)
        .where(
            HoursCorrection.id == correction.id,
            HoursCorrection.status == CorrectionStatus.open,
        )
        .values(
            status=CorrectionStatus.accepted if accept else CorrectionStatus.rejected,
            decided_by_id=actor.id,
            decided_at=utcnow(),
            decision_note=note,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_l("This correction has already been decided."))
    db.session.refresh(correction)
    record = db.session.get(HoursRecord, correction.record_id, with_for_update=True)
    if accept:
        _set_minutes(record, correction.minutes)
    audit.record_by(
        actor,
        "hours_correction_accepted" if accept else "hours_correction_rejected",
        "hours_record",
        record.id,
        correction_id=correction.id,
        before=correction.previous_minutes,
        asked=correction.minutes,
        note=note,
    )
    volunteer = db.session.get(Volunteer, correction.volunteer_id)
    notify(
        volunteer.user_id,
        "hours_correction_accepted" if accept else "hours_correction_rejected",
        date=record.date.isoformat(),
        minutes=record.minutes,
        note=note,
    )
    return correction


# --- who sees which records -------------------------------------------------------------------


def _scope(user: User) -> sa.ColumnElement[bool]:
    """Records this person may see: the office its community's, grid workers their grids', a
    volunteer his own."""
    parts = []
    if user.is_office:
        parts.append(HoursRecord.community_id == user.community_id)
    if user.is_grid_worker and user.grid_ids:
        parts.append(
            sa.and_(
                HoursRecord.community_id == user.community_id,
                HoursRecord.grid_id.in_(user.grid_ids),
            )
        )
    volunteer = catalogue_service.volunteer_of(user)
    if volunteer is not None:
        parts.append(HoursRecord.volunteer_id == volunteer.id)
    if not parts:
        raise Forbidden(_l("Only volunteers and community staff see hours records."))
    return sa.or_(*parts)


def visible_record(user: User, record_id: int) -> HoursRecord:
    if not 0 < record_id <= MAX_ID:
        raise NotFound()
    try:
        scope = _scope(user)
    except Forbidden:
        raise NotFound() from None
    record = db.session.execute(
        sa.select(HoursRecord).where(HoursRecord.id == record_id, scope)
    ).scalar_one_or_none()
    if record is None:
        raise NotFound()
    return record


def records_for(user: User, filters: dict[str, Any], page: int, per_page: int):
    """One page of the records this person may see, newest service date first."""
    stmt = sa.select(HoursRecord).where(_scope(user))
    if filters.get("volunteer_id") is not None:
        stmt = stmt.where(HoursRecord.volunteer_id == filters["volunteer_id"])
    if filters.get("grid_id") is not None:
        stmt = stmt.where(HoursRecord.grid_id == filters["grid_id"])
    if filters.get("status"):
        stmt = stmt.where(HoursRecord.status == HoursStatus(filters["status"]))
    if filters.get("source"):
        stmt = stmt.where(HoursRecord.source == Source(filters["source"]))
    if filters.get("from") is not None:
        stmt = stmt.where(HoursRecord.date >= filters["from"])
    if filters.get("to") is not None:
        stmt = stmt.where(HoursRecord.date <= filters["to"])
    return page_of(stmt.order_by(HoursRecord.date.desc(), HoursRecord.id.desc()), page, per_page)


def corrections_for(user: User, status: str | None, page: int, per_page: int):
    """Correction requests: the office its community's, a volunteer his own. Oldest first, so
    the office answers them in the order they came."""
    parts = []
    if user.is_office:
        parts.append(HoursCorrection.community_id == user.community_id)
    volunteer = catalogue_service.volunteer_of(user)
    if volunteer is not None:
        parts.append(HoursCorrection.volunteer_id == volunteer.id)
    if not parts:
        raise Forbidden(_l("Only volunteers and the community office see corrections."))
    stmt = sa.select(HoursCorrection).where(sa.or_(*parts))
    if status:
        stmt = stmt.where(HoursCorrection.status == CorrectionStatus(status))
    return page_of(stmt.order_by(HoursCorrection.id), page, per_page)


def set_person_in_charge(actor: User, name: str) -> Community:
    """The office names the community's 负责人 for volunteer service: the person in charge of
    records verified with no staff member and no grid worker to answer for them. Audited."""
    _office_only(actor)
    community = db.session.get(Community, actor.community_id)
    community.person_in_charge = name
    audit.record(
        "community.person_in_charge",
        community_id=community.id,
        actor_id=actor.id,
        subject_type="community",
        subject_id=community.id,
        name=name,
    )
    db.session.flush()
    return community


def summary_of(user: User) -> dict[str, Any]:
    """A volunteer's own standing: all-time verified minutes, services (walk-ins at his fair
    stalls included), his star level and how far the next one is."""
    volunteer = catalogue_service.volunteer_of(user)
    if volunteer is None:
        raise Forbidden(_l("Only volunteers have hours."))
    minutes = volunteer.verified_minutes
    # Services by the one rule of hours.totals: his home visits and his walk-ins at fair stalls.
    _minutes, services = totals.volunteer_sums(volunteer.community_id, volunteer.id, None, None)
    upcoming = [h * 60 for h in star_thresholds() if h * 60 > minutes]
    return {
        "volunteer_id": volunteer.id,
        "verified_minutes": minutes,
        "services": services,
        "star_level": stars_for(minutes),
        "next_star_minutes": upcoming[0] if upcoming else None,
        "show_full_name": volunteer.show_full_name,
    }
