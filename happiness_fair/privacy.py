"""A person's rights over her data (PIPL): see and download it all, and have it erased.

Erasure keeps what the community's statistics need and nothing that names anyone: the account stays
as an anonymous, inactive row (so bookings and hours still add up and point somewhere), the
resident record keeps its building (for per-grid counts) but loses name, phone, birth date, flat and
flags, and bookings she made or received keep their dates, category, status and money but lose the
description, address, phone, door note, comment and photos. A volunteer's verified hours stay in the
rankings under the anonymous name.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from . import audit
from .accounts import security, totp
from .accounts.models import (
    AuthSession,
    ManagerInvitation,
    ResetCode,
    Resident,
    ResidentManager,
    User,
    UserRole,
)
from .audit import AuditEvent
from .bookings import access as booking_access
from .bookings.models import Booking, BookingEvent, BookingPhoto
from .catalogue import record as volunteer_record
from .catalogue import service as catalogue_service
from .catalogue.models import Listing, VolunteerRecord
from .concerns import privacy as concern_privacy
from .database import utcnow
from .errors import ValidationFailed
from .extensions import db
from .followups.models import FollowUp
from .notifications.models import Notification
from .office.models import Certificate, CertificateRequest
from .teams import service as teams_service
from .teams.models import Team, TeamMember

ANONYMOUS_NAME = "已注销用户"  # stored data, not an interface string: the same in every language


def _iso(value):
    return value.isoformat() if value is not None else None


def _resident(resident: Resident) -> dict:
    return {
        "id": resident.id,
        "name": resident.name,
        "phone": resident.phone,
        "birth_date": _iso(resident.birth_date),
        "age_verified": resident.age_verified,
        "address": resident.address,
        "building_id": resident.building_id,
        "unit": resident.unit,
        "room": resident.room,
        "flags": resident.flags,
        "active": resident.active,
        "inactive_reason": resident.inactive_reason,
        "created_at": _iso(resident.created_at),
    }


def _booking(booking: Booking) -> dict:
    return {
        "id": booking.id,
        "status": booking.status.value,
        "booker_id": booking.booker_id,
        "beneficiary_id": booking.beneficiary_id,
        "volunteer_id": booking.volunteer_id,
        "category_id": booking.category_id,
        "listing_id": booking.listing_id,
        "date": _iso(booking.date),
        "period": booking.period.value,
        "mode": booking.mode,
        "description": booking.description,
        "address": booking.address,
        "contact_phone": booking.contact_phone,
        "door_note": booking.door_note,
        "quote": booking.quote,
        "minutes": booking.minutes,
        "materials_fen": booking.materials_fen,
        "rating": booking.rating,
        "comment": booking.comment,
        "paid": booking.paid,
        "created_at": _iso(booking.created_at),
        "events": [
            {
                "at": _iso(e.at),
                "actor_id": e.actor_id,
                "from_status": e.from_status.value if e.from_status else None,
                "to_status": e.to_status.value,
                "action": e.action,
                "note": e.note,
            }
            for e in booking.events
        ],
    }


def _invitation(invitation: ManagerInvitation) -> dict:
    return {
        "id": invitation.id,
        "resident_id": invitation.resident_id,
        "invited_by_id": invitation.invited_by_id,
        "phone": invitation.phone,
        "status": invitation.status.value,
        "created_at": _iso(invitation.created_at),
        "expires_at": _iso(invitation.expires_at),
        "answered_at": _iso(invitation.answered_at),
    }


def _job(booking: Booking, viewer) -> dict:
    """A job as a volunteer: exactly what the API shows him of it today (bookings/access.py),
    so a request that never reached him, or whose window has closed, has no private fields."""
    row = _booking(booking)
    private = booking_access.sees_private(viewer, booking)
    address = booking_access.sees_address(viewer, booking)
    row["address"] = booking.address if address else None
    row["door_note"] = booking.door_note if address else None
    row["contact_phone"] = booking.contact_phone if private else None
    row["quote"] = booking_access.quote_for(viewer, booking)
    return row


def _residents_of(user: User) -> list[Resident]:
    """Her own resident record and the family members she manages."""
    managed = sa.select(ResidentManager.resident_id).where(ResidentManager.user_id == user.id)
    return db.session.scalars(
        sa.select(Resident)
        .where(sa.or_(Resident.user_id == user.id, Resident.id.in_(managed)))
        .order_by(Resident.id)
    ).all()


def export(user: User) -> dict:
    """Everything the service holds about her, as plain JSON."""
    residents = _residents_of(user)
    own = [r.id for r in residents if r.user_id == user.id]
    resident_ids = [r.id for r in residents]
    volunteer = catalogue_service.volunteer_of(user)
    with_events = selectinload(Booking.events)
    made = db.session.execute(
        sa.select(Booking).where(Booking.booker_id == user.id).options(with_events)
    ).scalars()
    received = db.session.execute(
        sa.select(Booking)
        .where(Booking.beneficiary_id.in_(resident_ids or [0]), Booking.booker_id != user.id)
        .options(with_events)
    ).scalars()
    jobs = (
        db.session.execute(
            sa.select(Booking).where(Booking.volunteer_id == volunteer.id).options(with_events)
        ).scalars()
        if volunteer is not None
        else []
    )
    notifications = db.session.execute(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).scalars()
    viewer = booking_access.viewer_of(user)
    return {
        "exported_at": _iso(utcnow()),
        "account": {
            "id": user.id,
            "name": user.name,
            "phone": user.phone,
            "community_id": user.community_id,
            "roles": sorted(r.role.value for r in user.roles),
            "locale": user.locale,
            "created_at": _iso(user.created_at),
            "two_step_sign_in": user.totp_enabled,
            "grid_ids": user.grid_ids,
        },
        "residents": [{**_resident(r), "own": r.id in own} for r in residents],
        "volunteer": (
            {
                "id": volunteer.id,
                "status": volunteer.status.value,
                "bio": volunteer.bio,
                "show_full_name": volunteer.show_full_name,
                "category_ids": volunteer.category_ids,
                "grid_ids": volunteer.grid_ids,
                "pending_category_ids": volunteer.pending_category_ids,
                "pending_grid_ids": volunteer.pending_grid_ids,
                "verified_minutes": volunteer.verified_minutes,
                "completed_count": volunteer.completed_count,
                "created_at": _iso(volunteer.created_at),
            }
            if volunteer is not None
            else None
        ),
        "bookings_made": [_booking(b) for b in made],
        "bookings_received": [_booking(b) for b in received],
        "jobs_done_as_volunteer": [_job(b, viewer) for b in jobs],
        "invitations_sent": [
            _invitation(i)
            for i in db.session.execute(
                sa.select(ManagerInvitation)
                .where(ManagerInvitation.invited_by_id == user.id)
                .order_by(ManagerInvitation.id)
            ).scalars()
        ],
        "invitations_received": [
            _invitation(i)
            for i in db.session.execute(
                sa.select(ManagerInvitation)
                .where(ManagerInvitation.phone == (user.phone or ""))
                .order_by(ManagerInvitation.id)
            ).scalars()
        ],
        **concern_privacy.export(user.id, resident_ids),
        "volunteer_record": _volunteer_record(volunteer),
        "teams": _teams(volunteer),
        "certificate_requests": [
            {
                "id": r.id,
                "from": _iso(r.first_day),
                "to": _iso(r.last_day),
                "with_seal": r.with_seal,
                "status": r.status,
                "reason": r.reason,
                "certificate_id": r.certificate_id,
                "created_at": _iso(r.created_at),
            }
            for r in _rows(CertificateRequest, volunteer)
        ],
        "certificates": [
            {
                "id": c.id,
                "serial": c.serial,
                "from": _iso(c.first_day),
                "to": _iso(c.last_day),
                "minutes": c.minutes,
                "services": c.services,
                "content": c.content,
                "with_seal": c.with_seal,
                "issued_at": _iso(c.issued_at),
            }
            for c in _rows(Certificate, volunteer)
        ],
        "notifications": [
            {
                "id": n.id,
                "kind": n.kind,
                "booking_id": n.booking_id,
                "params": n.params,
                "created_at": _iso(n.created_at),
                "read": n.read_at is not None,
            }
            for n in notifications
        ],
    }


def _teams(volunteer) -> list[dict]:
    """The volunteer teams he belongs to (or leads), and since when."""
    if volunteer is None:
        return []
    rows = db.session.execute(
        sa.select(Team, TeamMember.joined_at)
        .outerjoin(
            TeamMember,
            sa.and_(TeamMember.team_id == Team.id, TeamMember.volunteer_id == volunteer.id),
        )
        .where(
            sa.or_(TeamMember.volunteer_id.is_not(None), Team.leader_volunteer_id == volunteer.id)
        )
        .order_by(Team.id)
    ).all()
    return [
        {
            "id": team.id,
            "name": team.name,
            "leader": team.leader_volunteer_id == volunteer.id,
            "joined_at": _iso(joined_at),
        }
        for team, joined_at in rows
    ]


def _volunteer_record(volunteer) -> dict | None:
    """His record (order 67 art. 5), the ID number whole: it is his own data."""
    if volunteer is None:
        return None
    row = db.session.get(VolunteerRecord, volunteer.id)
    if row is None:
        return None
    return {
        "gender": row.gender,
        "birth_date": _iso(row.birth_date),
        "id_number": volunteer_record.full_id_number(volunteer),
        "area": row.area,
        "contact": row.contact,
    }


def _rows(model, volunteer) -> list:
    """A volunteer's rows of a table keyed by volunteer_id (certificates and their requests)."""
    if volunteer is None:
        return []
    return db.session.scalars(
        sa.select(model).where(model.volunteer_id == volunteer.id).order_by(model.id)
    ).all()


def _strip_booking(stmt_where) -> None:
    db.session.execute(
        sa.update(Booking)
        .where(stmt_where)
        .values(
            description="",
            address="",
            contact_phone=None,
            door_note="",
            comment="",
            completion_note="",
            photo_count=0,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.delete(BookingPhoto)
        .where(BookingPhoto.booking_id.in_(sa.select(Booking.id).where(stmt_where)))
        .execution_options(synchronize_session=False)
    )


FREE_TEXT_PARAMS = ("reason", "note")  # what a person typed, carried inside a notification


def _blank_free_text(about_her, user: User, own: Resident | None) -> None:
    """Every free text she wrote, or that was written about her: timeline notes (her confirm
    comment, her dispute reason, a cancel reason), follow-up notes, the dispute text inside
    staff notifications; and the personal values in audit entries about her."""
    her_bookings = sa.select(Booking.id).where(about_her)
    db.session.execute(
        sa.update(BookingEvent)
        .where(sa.or_(BookingEvent.booking_id.in_(her_bookings), BookingEvent.actor_id == user.id))
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(FollowUp)
        .where(FollowUp.booking_id.in_(her_bookings))
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    for notification in db.session.execute(
        sa.select(Notification).where(Notification.booking_id.in_(her_bookings))
    ).scalars():
        params = dict(notification.params or {})
        if any(params.get(key) for key in FREE_TEXT_PARAMS):
            notification.params = {
                k: ("" if k in FREE_TEXT_PARAMS else v) for k, v in params.items()
            }
    subjects = [sa.and_(AuditEvent.subject_type == "user", AuditEvent.subject_id == user.id)]
    if own is not None:
        subjects.append(
            sa.and_(AuditEvent.subject_type == "resident", AuditEvent.subject_id == own.id)
        )
    db.session.execute(
        sa.update(AuditEvent)
        .where(sa.or_(*subjects))
        .values(detail={})
        .execution_options(synchronize_session=False)
    )


def _unname_in_notifications(volunteer_id: int, name: str) -> None:
    """Other people's notifications about his jobs named him: they now say the anonymous name."""
    his_jobs = sa.select(Booking.id).where(Booking.volunteer_id == volunteer_id)
    for notification in db.session.execute(
        sa.select(Notification).where(Notification.booking_id.in_(his_jobs))
    ).scalars():
        params = dict(notification.params or {})
        if params.get("volunteer") == name:
            params["volunteer"] = ANONYMOUS_NAME
            notification.params = params


def erase(user: User, password: str) -> None:
    """Delete her account at her request (password given again). Irreversible."""
    if not security.check_password(user, password):
        raise ValidationFailed(fields={"password": [_("This is not your current password.")]})
    own = db.session.execute(
        sa.select(Resident).where(Resident.user_id == user.id)
    ).scalar_one_or_none()

    # Bookings she made, or made for her: kept for the statistics, without personal data.
    about_her = Booking.booker_id == user.id
    if own is not None:
        about_her = sa.or_(about_her, Booking.beneficiary_id == own.id)
    _strip_booking(about_her)
    _blank_free_text(about_her, user, own)
    concern_privacy.erase(user.id, own.id if own is not None else None)

    if own is not None:
        own.name = ANONYMOUS_NAME
        own.phone = None
        own.birth_date = None
        own.age_verified = False
        own.unit = ""
        own.room = ""
        own.dibao = own.disabled = own.living_alone = False
        own.active = False
        own.inactive_reason = None
        db.session.execute(sa.delete(ResidentManager).where(ResidentManager.resident_id == own.id))
    db.session.execute(sa.delete(ResidentManager).where(ResidentManager.user_id == user.id))
    # Invitations hold phone numbers: those she sent, those for her record, those to her number.
    invited = [ManagerInvitation.invited_by_id == user.id]
    if own is not None:
        invited.append(ManagerInvitation.resident_id == own.id)
    if user.phone:
        invited.append(ManagerInvitation.phone == user.phone)
    gone = set(
        db.session.execute(sa.select(ManagerInvitation.id).where(sa.or_(*invited))).scalars()
    )
    for notification in db.session.execute(
        sa.select(Notification).where(Notification.kind == "manager_invitation")
    ).scalars():
        if (notification.params or {}).get("invitation") in gone:
            db.session.delete(notification)  # it named her to the invitee
    db.session.execute(sa.delete(ManagerInvitation).where(ManagerInvitation.id.in_(gone)))

    volunteer = catalogue_service.volunteer_of(user)
    if volunteer is not None:
        # Hours and services stay in the rankings, under the anonymous name.
        _unname_in_notifications(volunteer.id, user.name)
        volunteer.bio = ""
        volunteer.show_full_name = False
        volunteer.pending_categories, volunteer.pending_grids = [], []  # nothing left to vet
        teams_service.leave_all(volunteer.id)
        db.session.execute(
            sa.delete(VolunteerRecord).where(VolunteerRecord.volunteer_id == volunteer.id)
        )
        # Requests still waiting are withdrawn; issued certificates stay as the office's record.
        db.session.execute(
            sa.delete(CertificateRequest).where(
                CertificateRequest.volunteer_id == volunteer.id,
                CertificateRequest.status != "issued",
            )
        )
        db.session.execute(
            sa.update(Listing)
            .where(Listing.volunteer_id == volunteer.id)
            .values(active=False)
            .execution_options(synchronize_session=False)
        )

    totp.clear(user)
    for model in (AuthSession, ResetCode, Notification):
        db.session.execute(sa.delete(model).where(model.user_id == user.id))
    db.session.execute(
        sa.delete(UserRole).where(UserRole.user_id == user.id, UserRole.role != "resident")
    )
    user.name = ANONYMOUS_NAME
    user.phone = None
    user.locale = None
    user.active = False
    user.deleted_at = utcnow()
    user.password_hash = security.hash_password(secrets.token_urlsafe(32))  # no one knows it
    user.staff_grids = []
    audit.record_by(user, "account.delete", "user", user.id)
    db.session.flush()
    db.session.expire(user, ["roles"])
