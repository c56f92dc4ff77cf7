"""Managers by invitation (API.md "Residents and families"): adding a manager sends an
invitation to a phone number, which that account accepts or declines.

The answer to the inviter is the same whether or not the number has an account (nobody learns
who owns a number, or makes a stranger a manager without asking). An invitation waits 7 days: a
number that registers meanwhile can still accept. At most 10 invitations per account per day.
Who may invite: the resident's own account, or any manager of a resident who has no account (a
mother without a phone can get her second child as manager). A manager may leave.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from ..database import utcnow
from ..errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed
from ..extensions import db
from ..validation import MAX_ID
from . import access
from .events import manager_invited
from .managers import managers_of
from .models import InvitationStatus, ManagerInvitation, Resident, ResidentManager, User

VALID_FOR = timedelta(days=7)
PER_ACCOUNT_PER_DAY = 10


def may_invite(user: User, resident: Resident) -> bool:
    """Her own account; for a resident without an account, any of her managers."""
    if resident.user_id is not None:
        return resident.user_id == user.id
    return access.manages(user, resident)


def invite(actor: User, resident: Resident, phone: str) -> ManagerInvitation | None:
    """Invite the account with this number (now or once it registers) to manage her. Returns
    the invitation, or None when there was nothing to send (already a manager, or already
    invited): the caller answers the same either way."""
    if not may_invite(actor, resident):
        raise Forbidden(
            _("Only she herself can invite a manager (or her managers, if she has no account).")
        )
    if not resident.active:
        raise Conflict(_("This record is closed: nobody can be invited to book for them."))
    if phone == actor.phone:
        raise ValidationFailed(fields={"phone": [_("You cannot invite yourself.")]})
    now = utcnow()
    sent_today = db.session.execute(
        sa.select(sa.func.count())
        .select_from(ManagerInvitation)
        .where(
            ManagerInvitation.invited_by_id == actor.id,
            ManagerInvitation.created_at > now - timedelta(days=1),
        )
    ).scalar_one()
    if sent_today >= PER_ACCOUNT_PER_DAY:
        raise RateLimited(_("You have sent 10 invitations today. Please try again tomorrow."))
    owner = db.session.execute(sa.select(User).where(User.phone == phone)).scalar_one_or_none()
    if owner is not None and access.manages(owner, resident):
        return None
    waiting = db.session.execute(
        sa.select(ManagerInvitation).where(
            ManagerInvitation.resident_id == resident.id,
            ManagerInvitation.phone == phone,
            ManagerInvitation.status == InvitationStatus.pending,
            ManagerInvitation.expires_at > now,
        )
    ).scalar_one_or_none()
    if waiting is not None:
        return None
    invitation = ManagerInvitation(
        community_id=resident.community_id,
        resident_id=resident.id,
        invited_by_id=actor.id,
        phone=phone,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    db.session.add(invitation)
    db.session.flush()
    if owner is not None:
        tell_invitee(owner, invitation, actor.name, resident.name)
    return invitation


def tell_invitee(owner: User, invitation: ManagerInvitation, inviter: str, name: str) -> None:
    manager_invited.send(invitation, owner=owner, inviter=inviter, name=name)


def tell_new_account(user: User) -> None:
    """A number that registers finds the invitations that wait for it among its notifications."""
    for invitation in pending_for(user):
        tell_invitee(user, invitation, invitation.inviter_name, invitation.resident_name)


def pending_for(user: User) -> list[ManagerInvitation]:
    """The invitations waiting for this account's number, with who sent them and for whom."""
    if not user.phone:
        return []
    inviter = aliased(User)
    rows = db.session.execute(
        sa.select(ManagerInvitation, inviter.name, Resident.name)
        .join(inviter, inviter.id == ManagerInvitation.invited_by_id)
        .join(Resident, Resident.id == ManagerInvitation.resident_id)
        .where(
            ManagerInvitation.phone == user.phone,
            ManagerInvitation.status == InvitationStatus.pending,
            ManagerInvitation.expires_at > utcnow(),
            Resident.active.is_(True),  # a closed record's invitations can no longer be accepted
        )
        .order_by(ManagerInvitation.id)
    ).all()
    for invitation, inviter_name, resident_name in rows:
        invitation.inviter_name = inviter_name
        invitation.resident_name = resident_name
    return [row[0] for row in rows]


def _addressed_to(user: User, invitation_id: int) -> ManagerInvitation:
    """The invitation, 404 unless it was sent to this account's number."""
    invitation = (
        db.session.get(ManagerInvitation, invitation_id) if 0 < invitation_id <= MAX_ID else None
    )
    if invitation is None or not user.phone or invitation.phone != user.phone:
        raise NotFound()
    return invitation


def _answer(user: User, invitation_id: int, status: InvitationStatus) -> ManagerInvitation:
    invitation = _addressed_to(user, invitation_id)
    now = utcnow()
    claimed = db.session.execute(
        sa.update(ManagerInvitation)
        .where(
            ManagerInvitation.id == invitation.id,
            ManagerInvitation.status == InvitationStatus.pending,
            ManagerInvitation.expires_at > now,
        )
        .values(status=status, answered_at=now, answered_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(invitation)
        if invitation.status == InvitationStatus.pending:
            raise Conflict(_("This invitation has expired. Ask for a new one."))
        raise Conflict(_("This invitation has already been answered or withdrawn."))
    db.session.refresh(invitation)
    return invitation


def accept(user: User, invitation_id: int) -> ManagerInvitation:
    """He now manages her: he may book for her and sees her record."""
    invitation = _addressed_to(user, invitation_id)
    resident = db.session.get(Resident, invitation.resident_id)
    if resident.community_id != user.community_id:
        raise Conflict(_("This invitation is for a resident of another community."))
    if resident.user_id == user.id:
        raise Conflict(_("You cannot manage yourself."))
    inviter = db.session.get(User, invitation.invited_by_id)
    if not resident.active or inviter is None or not may_invite(inviter, resident):
        # Who sent it no longer speaks for her (he stopped managing her, or she has her own
        # account now), or her record is closed: his word gives no one a part in her affairs.
        raise Conflict(_("This invitation is no longer valid. Ask for a new one."))
    invitation = _answer(user, invitation_id, InvitationStatus.accepted)
    if db.session.get(ResidentManager, (resident.id, user.id)) is None:
        db.session.add(ResidentManager(resident_id=resident.id, user_id=user.id))
        db.session.flush()
    return invitation


def decline(user: User, invitation_id: int) -> ManagerInvitation:
    return _answer(user, invitation_id, InvitationStatus.declined)


def withdraw(actor: User, invitation_id: int) -> None:
    """Whoever may invite for her withdraws a pending invitation; others get 404."""
    invitation = (
        db.session.get(ManagerInvitation, invitation_id) if 0 < invitation_id <= MAX_ID else None
    )
    resident = db.session.get(Resident, invitation.resident_id) if invitation else None
    if resident is None or not (
        invitation.invited_by_id == actor.id or may_invite(actor, resident)
    ):
        raise NotFound()
    if invitation.status != InvitationStatus.pending:
        raise Conflict(_("This invitation has already been answered or withdrawn."))
    invitation.status = InvitationStatus.withdrawn
    invitation.answered_at = utcnow()


def managers_and_invitations(resident: Resident) -> tuple[list[User], list[ManagerInvitation]]:
    managers = managers_of(resident)
    waiting = db.session.scalars(
        sa.select(ManagerInvitation)
        .where(
            ManagerInvitation.resident_id == resident.id,
            ManagerInvitation.status == InvitationStatus.pending,
            ManagerInvitation.expires_at > utcnow(),
        )
        .order_by(ManagerInvitation.id)
    ).all()
    return managers, waiting


def remove_manager(actor: User, resident: Resident, user_id: int) -> None:
    """Her own account removes any manager; a manager may leave (remove himself)."""
    if not (resident.user_id == actor.id or user_id == actor.id):
        raise Forbidden(_("Only the person herself can remove a manager; a manager may leave."))
    row = db.session.get(ResidentManager, (resident.id, user_id))
    if row is None:
        raise NotFound()
    db.session.delete(row)
    # The invitations he sent for her go with him (accept() refuses them anyway).
    db.session.execute(
        sa.update(ManagerInvitation)
        .where(
            ManagerInvitation.resident_id == resident.id,
            ManagerInvitation.invited_by_id == user_id,
            ManagerInvitation.status == InvitationStatus.pending,
        )
        .values(status=InvitationStatus.withdrawn, answered_at=utcnow())
        .execution_options(synchronize_session=False)
    )
