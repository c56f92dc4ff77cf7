"""What the office keeps: its working-day calendar and the certificates it has issued."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class DayKind(enum.StrEnum):
    holiday = "holiday"  # a weekday off (国庆节)
    makeup = "makeup"  # a weekend day worked instead (调休上班)


class CalendarDay(db.Model):
    """A day that differs from Monday-to-Friday, as the State Council's notice for the year says."""

    __tablename__ = "calendar_days"

    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    kind: Mapped[DayKind] = mapped_column(sa.Enum(DayKind, native_enum=False, length=10))
    name: Mapped[str] = mapped_column(sa.String(40), default="")


class Certificate(db.Model):
    """A volunteer service record certificate (志愿服务记录证明) as issued: its figures are kept,
    so a reprint says what the first print said."""

    __tablename__ = "certificates"
    __table_args__ = (sa.UniqueConstraint("community_id", "serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    serial: Mapped[str] = mapped_column(sa.String(30))
    first_day: Mapped[date | None]
    last_day: Mapped[date | None]
    minutes: Mapped[int]
    services: Mapped[int]
    content: Mapped[str] = mapped_column(sa.Text)  # the kinds of service, in words
    with_seal: Mapped[bool] = mapped_column(default=False)  # only if the volunteer asked
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CertificateRequest(db.Model):
    """A volunteer asks for a certificate (办法 art. 14: free, on request) for a range, with or
    without the seal (art. 15); the office issues it or says why not."""

    __tablename__ = "certificate_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    first_day: Mapped[date | None]
    last_day: Mapped[date | None]
    with_seal: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(10), default="requested")  # issued, refused
    reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    certificate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificates.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
