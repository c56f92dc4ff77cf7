"""What an account is: users and roles, residents and their managers, sessions and reset codes."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import UTCDateTime, utcnow
from ..extensions import db
from ..places.models import Building, Grid


class Role(enum.StrEnum):
    resident = "resident"
    volunteer = "volunteer"
    grid_worker = "grid_worker"
    office = "office"
    micro_grid_helper = "micro_grid_helper"  # 微网格员: raises concerns for a few buildings


staff_grids = sa.Table(
    "staff_grids",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("grid_id", sa.ForeignKey("grids.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """An account: signs in with a mobile number; belongs to one community."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(11), unique=True)
    name: Mapped[str] = mapped_column(sa.String(40))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Two-step sign-in (staff): the authenticator's secret; on once totp_enabled_at is set.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))  # Fernet token (crypto.py)
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None]  # the newest time step used: a code works once
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # erased at her request

    roles: Mapped[list[UserRole]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", back_populates="user"
    )
    staff_grids: Mapped[list[Grid]] = relationship(secondary=staff_grids, lazy="selectin")

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot sign in
        return self.active

    def has_role(self, role: Role) -> bool:
        return any(r.role == role for r in self.roles)

    @property
    def is_office(self) -> bool:
        return self.has_role(Role.office)

    @property
    def is_grid_worker(self) -> bool:
        return self.has_role(Role.grid_worker)

    @property
    def is_staff(self) -> bool:
        return self.is_office or self.is_grid_worker

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def grid_ids(self) -> list[int]:
        return sorted(g.id for g in self.staff_grids)


class UserRole(db.Model):
    """A role held by an account; volunteer status lives with the volunteer record instead."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=20), primary_key=True
    )
    user: Mapped[User] = relationship(back_populates="roles", lazy="raise")


class Resident(db.Model):
    """A person who can be served: at an address in the community, with or without an account."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    name: Mapped[str] = mapped_column(sa.String(40))
    phone: Mapped[str | None] = mapped_column(sa.String(11))
    birth_date: Mapped[date | None]
    age_verified: Mapped[bool] = mapped_column(default=False)
    age_verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    age_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"), index=True)
    unit: Mapped[str] = mapped_column(sa.String(10))
    room: Mapped[str] = mapped_column(sa.String(10))
    # Flags that only staff set; never shown to volunteers.
    dibao: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
    living_alone: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Why the office closed the record: moved, passed_away or other (INACTIVE_REASONS).
    inactive_reason: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    building: Mapped[Building] = relationship(lazy="joined", innerjoin=True)
    account: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="raise")

    FLAG_CODES = ("dibao", "disabled", "living_alone")  # in words: followups.views.FLAG_NAMES
    INACTIVE_REASONS = ("moved", "passed_away", "other")

    @property
    def grid_id(self) -> int:
        return self.building.grid_id

    @property
    def flags(self) -> list[str]:
        return [name for name in self.FLAG_CODES if getattr(self, name)]

    @property
    def address(self) -> str:
        return f"{self.building.compound.name}{self.building.name}{self.unit}单元{self.room}室"


class ResidentManager(db.Model):
    """An account that may book for a resident (a son for his mother)."""

    __tablename__ = "resident_managers"

    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[str] = mapped_column(sa.String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InvitationStatus(enum.StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class ManagerInvitation(db.Model):
    """An invitation to manage a resident, sent to a phone number (registered or not). Only the
    account with that number can see it and accept or decline it, within 7 days."""

    __tablename__ = "manager_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("residents.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    phone: Mapped[str] = mapped_column(sa.String(11), index=True)
    status: Mapped[InvitationStatus] = mapped_column(
        sa.Enum(InvitationStatus, native_enum=False, length=10), default=InvitationStatus.pending
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class AuthSession(db.Model):
    """A signed-in device (web) or an API token; only the token's hash is kept."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # "web" or "api"
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ResetCode(db.Model):
    """A one-time password reset code handed over in person by staff."""

    __tablename__ = "reset_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_attempts: Mapped[int] = mapped_column(default=0)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator (a lost phone); only its hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
