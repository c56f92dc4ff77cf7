"""Office use cases: jobs overdue for recording, certificates, the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..accounts.models import Resident, User
from ..audit import AuditEvent
from ..bookings import reading
from ..bookings.models import Booking
from ..bookings.rules import BookingStatus
from ..catalogue import record as volunteer_record
from ..catalogue import service as catalogue_service
from ..catalogue.models import Category, Listing, Volunteer, VolunteerStatus
from ..database import utcnow
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..fairs.models import FairDay, WalkIn
from ..followups import rules as followup_rules
from ..hours import totals
from ..hours.models import HoursRecord, HoursStatus
from ..notifications.service import notify
from ..places import clock
from ..places.models import Community, Grid
from ..teams.models import Team
from ..validation import MAX_ID
from . import calendar
from .models import Certificate, CertificateRequest


def require_office(user: User) -> None:
    if not user.is_office:
        raise Forbidden(_l("Only the community office does this."))


# --- jobs overdue for recording -----------------------------------------------------------------


def overdue_jobs(user: User) -> list[Booking]:
    """Accepted jobs whose booked date is more than 10 working days past with no completion
    recorded (办法 art. 11), oldest first."""
    require_office(user)
    today = clock.today()
    # Ten working days are at least eleven calendar days: a cheap first cut, then the calendar.
    candidates = (
        db.session.execute(
            reading.with_timeline(
                sa.select(Booking)
                .where(
                    Booking.community_id == user.community_id,
                    Booking.status.in_((BookingStatus.accepted, BookingStatus.in_progress)),
                    Booking.date <= today - timedelta(days=followup_rules.OVERDUE_WORKING_DAYS + 1),
                )
                .order_by(Booking.date, Booking.id)
            )
        )
        .scalars()
        .all()
    )
    if not candidates:
        return []
    holidays, makeup = calendar.holidays_and_makeup(user.community_id, candidates[0].date, today)
    return [b for b in candidates if followup_rules.is_overdue(b.date, today, holidays, makeup)]


# --- certificates -------------------------------------------------------------------------------


def _volunteer_here(user: User, volunteer_id: int) -> Volunteer:
    volunteer = db.session.get(Volunteer, volunteer_id) if 0 < volunteer_id <= MAX_ID else None
    if volunteer is None or volunteer.community_id != user.community_id:
        raise NotFound()
    return volunteer


def service_lines(volunteer_id: int, first: date | None, last: date | None):
    """The verified records a certificate lists (办法 art. 7): date, place, content, minutes, and
    for a home visit its rating and the day it was given (art. 10)."""
    stmt = (
        sa.select(
            HoursRecord.date,
            HoursRecord.minutes,
            HoursRecord.source,
            HoursRecord.reason,
            HoursRecord.organising_unit,
            HoursRecord.person_in_charge,
            Grid.name.label("grid"),
            Category.name_zh,
            Listing.title,
            Booking.rating,
            Booking.confirmed_at,
        )
        .join(Grid, Grid.id == HoursRecord.grid_id)
        .outerjoin(Booking, Booking.id == HoursRecord.booking_id)
        .outerjoin(Category, Category.id == Booking.category_id)
        .outerjoin(Listing, Listing.id == Booking.listing_id)
        .where(HoursRecord.volunteer_id == volunteer_id, HoursRecord.status == HoursStatus.verified)
        .order_by(HoursRecord.date, HoursRecord.id)
    )
    if first is not None:
        stmt = stmt.where(HoursRecord.date.between(first, last))
    return db.session.execute(stmt).all()


def walk_in_lines(volunteer_id: int, first: date | None, last: date | None):
    """Walk-ins he served at his fair stalls, per fair day and kind of service: services without
    hours of their own (the stall duty holds the hours), listed on the certificate."""
    stmt = (
        sa.select(
            FairDay.date,
            FairDay.venue,
            Category.name_zh,
            sa.func.count(WalkIn.id).label("count"),
        )
        .join(FairDay, FairDay.id == WalkIn.fair_day_id)
        .join(Category, Category.id == WalkIn.category_id)
        .where(WalkIn.volunteer_id == volunteer_id)
        .group_by(FairDay.date, FairDay.venue, Category.name_zh)
        .order_by(FairDay.date, Category.name_zh)
    )
    if first is not None:
        stmt = stmt.where(FairDay.date.between(first, last))
    return db.session.execute(stmt).all()


def issue_certificate(
    user: User, volunteer_id: int, first: date | None, last: date | None, with_seal: bool
) -> Certificate:
    """The office issues a certificate, free (art. 14): the verified hours and services over the
    range (all time without one), the kinds of service, a seal only if asked (art. 15). Audited."""
    require_office(user)
    volunteer = _volunteer_here(user, volunteer_id)
    catalogue_service.not_for_himself(user, volunteer)
    _check_certifiable(volunteer)
    last = _checked_range(first, last)
    minutes, services = totals.volunteer_sums(user.community_id, volunteer.id, first, last)
    walk_ins = walk_in_lines(volunteer.id, first, last)
    kinds = sorted(
        {line.name_zh for line in service_lines(volunteer.id, first, last) if line.name_zh}
        | {line.name_zh for line in walk_ins}
    )
    kinds = kinds or [c.name_zh for c in volunteer.categories]
    year = clock.today().year
    count = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Certificate)
        .where(Certificate.community_id == user.community_id)
    ).scalar_one()
    certificate = Certificate(
        community_id=user.community_id,
        volunteer_id=volunteer.id,
        serial=f"{year}-{user.community_id:03d}-{count + 1:05d}",
        first_day=first,
        last_day=last,
        minutes=int(minutes),
        services=int(services),
        content="、".join(kinds),
        with_seal=with_seal,
        issued_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_l("Another certificate was issued just now. Please try again.")) from None
    audit.record_by(
        user,
        "certificate_issued",
        "volunteer",
        volunteer.id,
        serial=certificate.serial,
        minutes=certificate.minutes,
    )
    return certificate


def visible_certificate(user: User, certificate_id: int) -> Certificate:
    """The office of its community, or the volunteer himself."""
    certificate = (
        db.session.get(Certificate, certificate_id) if 0 < certificate_id <= MAX_ID else None
    )
    if certificate is None:
        raise NotFound()
    own = db.session.execute(
        sa.select(Volunteer.id).where(
            Volunteer.id == certificate.volunteer_id, Volunteer.user_id == user.id
        )
    ).first()
    if own is None and not (user.is_office and user.community_id == certificate.community_id):
        raise NotFound()
    return certificate


def certificate_to_print(user: User, certificate_id: int) -> dict:
    """Everything a certificate prints: its lines, and the volunteer's record (order 67 art. 5:
    gender, date of birth, area, skills) with his ID document number whole when he gave it. The
    certificate is the only place the whole number is shown, so each showing is audited (who,
    which certificate; never the number)."""
    certificate = visible_certificate(user, certificate_id)
    volunteer = db.session.get(Volunteer, certificate.volunteer_id)
    id_number = volunteer_record.full_id_number(volunteer)
    if id_number:
        audit.record(
            "certificate.id_number_printed",
            community_id=certificate.community_id,
            actor_id=user.id,
            subject_type="certificate",
            subject_id=certificate.id,
            serial=certificate.serial,
            volunteer_id=volunteer.id,
        )
    return {
        "c": certificate,
        "volunteer": volunteer,
        "community": db.session.get(Community, certificate.community_id),
        "record": volunteer_record.view(volunteer),
        "id_number": id_number,
        "skills": [c.name_zh for c in volunteer.categories],
        "lines": service_lines(volunteer.id, certificate.first_day, certificate.last_day),
        "walk_ins": walk_in_lines(volunteer.id, certificate.first_day, certificate.last_day),
    }


def certificates_of(user: User, volunteer_id: int) -> list[Certificate]:
    volunteer = _volunteer_here(user, volunteer_id)
    if not (user.is_office or volunteer.user_id == user.id):
        raise NotFound()
    return db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.volunteer_id == volunteer.id)
        .order_by(Certificate.id.desc())
    ).all()


# --- certificates on request (办法 art. 14) -------------------------------------------------------


def _checked_range(first: date | None, last: date | None) -> date | None:
    """A certificate's range, asked for or issued: both ends or neither, in order, begun; its end
    is today at the latest ("this month" on the 2nd: what he has served so far)."""
    if (first is None) != (last is None) or (first is not None and first > last):
        raise ValidationFailed(fields={"to": [_l("Give a start and an end, the end not first.")]})
    today = clock.today()
    if first is not None and first > today:
        raise ValidationFailed(fields={"from": [_l("A certificate covers days that have passed.")]})
    return min(last, today) if last is not None else None


def own_volunteer(user: User) -> Volunteer:
    volunteer = catalogue_service.volunteer_of(user)
    if volunteer is None:
        raise Forbidden(_l("Only volunteers ask for a certificate."))
    return volunteer


def _check_certifiable(volunteer: Volunteer) -> None:
    """A certificate vouches for service the office accepted: not for an applicant it has not
    approved (or refused), whose skills nobody has checked. A suspended volunteer still served."""
    if volunteer.status in (VolunteerStatus.pending, VolunteerStatus.refused):
        raise Conflict(_l("A certificate is for volunteers the office has approved."))


def request_certificate(
    user: User, first: date | None, last: date | None, with_seal: bool
) -> CertificateRequest:
    """He asks for a certificate for a range (all his time without one), with or without the
    seal; the office is told on its requests page."""
    volunteer = own_volunteer(user)
    _check_certifiable(volunteer)
    _checked_range(first, last)  # its end is clipped when it is issued, not now
    waiting = db.session.execute(
        sa.select(sa.func.count())
        .select_from(CertificateRequest)
        .where(
            CertificateRequest.volunteer_id == volunteer.id,
            CertificateRequest.status == "requested",
        )
    ).scalar_one()
    if waiting >= 5:
        raise Conflict(_l("You have 5 requests waiting already. The office will answer them."))
    row = CertificateRequest(
        community_id=volunteer.community_id,
        volunteer_id=volunteer.id,
        first_day=first,
        last_day=last,
        with_seal=with_seal,
    )
    db.session.add(row)
    db.session.flush()
    return row


def my_certificate_requests(user: User) -> list[CertificateRequest]:
    volunteer = own_volunteer(user)
    return db.session.scalars(
        sa.select(CertificateRequest)
        .where(CertificateRequest.volunteer_id == volunteer.id)
        .order_by(CertificateRequest.id.desc())
    ).all()


def certificate_requests(user: User, status: str | None) -> list[CertificateRequest]:
    """The office's list: waiting first, oldest first."""
    require_office(user)
    stmt = sa.select(CertificateRequest).where(CertificateRequest.community_id == user.community_id)
    if status:
        stmt = stmt.where(CertificateRequest.status == status)
    return db.session.scalars(
        stmt.order_by((CertificateRequest.status != "requested"), CertificateRequest.id).limit(200)
    ).all()


def _waiting_request(user: User, request_id: int) -> CertificateRequest:
    require_office(user)
    row = db.session.get(CertificateRequest, request_id) if 0 < request_id <= MAX_ID else None
    if row is None or row.community_id != user.community_id:
        raise NotFound()
    if row.status != "requested":
        raise Conflict(_l("This request is already answered."))
    # Issuing or refusing his own request is another member's to do (four eyes).
    catalogue_service.not_for_himself(user, db.session.get(Volunteer, row.volunteer_id))
    return row


def issue_requested(user: User, request_id: int) -> Certificate:
    """The office issues what he asked for; he is told and finds it on his hours page."""
    row = _waiting_request(user, request_id)
    certificate = issue_certificate(
        user, row.volunteer_id, row.first_day, row.last_day, row.with_seal
    )
    claimed = db.session.execute(
        sa.update(CertificateRequest)
        .where(CertificateRequest.id == row.id, CertificateRequest.status == "requested")
        .values(
            status="issued",
            certificate_id=certificate.id,
            decided_at=certificate.issued_at,
            decided_by_id=user.id,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(_l("This request is already answered."))
    volunteer = db.session.get(Volunteer, row.volunteer_id)
    notify(volunteer.user_id, "certificate_issued", serial=certificate.serial)
    return certificate


def refuse_requested(user: User, request_id: int, reason: str) -> CertificateRequest:
    row = _waiting_request(user, request_id)
    row.status, row.reason = "refused", reason
    row.decided_by_id = user.id
    row.decided_at = utcnow()
    db.session.flush()
    volunteer = db.session.get(Volunteer, row.volunteer_id)
    notify(volunteer.user_id, "certificate_refused", reason=reason)
    return row


def my_certificates(user: User) -> list[Certificate]:
    volunteer = own_volunteer(user)
    return certificates_of(user, volunteer.id)


def certificate_by_serial(user: User, serial: str) -> list[Certificate]:
    """The office finds any certificate of its community again by its serial."""
    require_office(user)
    return db.session.scalars(
        sa.select(Certificate).where(
            Certificate.community_id == user.community_id, Certificate.serial == serial
        )
    ).all()


# --- the audit log ------------------------------------------------------------------------------


def audit_events(user: User, action: str | None, page: int, per_page: int):
    """The community's audit log, newest first, with the actor's name."""
    require_office(user)
    stmt = (
        sa.select(AuditEvent, User.name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.community_id == user.community_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(stmt.with_only_columns(AuditEvent.id).subquery())
    ).scalar_one()
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return [(event, name) for event, name in rows], total


# Whom or what an audit entry is about, by name, for the kinds the office knows by name (each
# with its community); the rest (a booking, a certificate) are known by their number.
_SUBJECT_NAMES = {
    "resident": lambda: (sa.select(Resident.id, Resident.name), Resident.community_id),
    "user": lambda: (sa.select(User.id, User.name), User.community_id),
    "volunteer": lambda: (
        sa.select(Volunteer.id, User.name).join(User, User.id == Volunteer.user_id),
        Volunteer.community_id,
    ),
    "listing": lambda: (sa.select(Listing.id, Listing.title), Listing.community_id),
    "team": lambda: (sa.select(Team.id, Team.name), Team.community_id),
}


def audit_subject_names(user: User, events) -> dict[tuple[str, int], str]:
    """The names of a page of audit entries' subjects, of the office's own community: one
    statement for each kind on the page. Someone erased at his request has no name to show."""
    require_office(user)
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.subject_type in _SUBJECT_NAMES and event.subject_id is not None:
            wanted.setdefault(event.subject_type, set()).add(event.subject_id)
    names = {}
    for kind, ids in wanted.items():
        stmt, community = _SUBJECT_NAMES[kind]()
        key = stmt.selected_columns[0]
        stmt = stmt.where(key.in_(ids), community == user.community_id)
        for subject_id, name in db.session.execute(stmt).all():
            names[(kind, subject_id)] = name
    return names
