"""What volunteer hours are: the records, the correction requests, and the kept totals.

The totals (per volunteer, grid and day, and per volunteer, grid and month) hold only verified
minutes. They are changed in the same transaction as the records (hours.totals), so rankings
read a few hundred total rows instead of scanning millions of records.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import Volunteer
from ..database import UTCDateTime, utcnow
from ..extensions import db


class Source(enum.StrEnum):
    booking = "booking"  # a completed home visit
    fair = "fair"  # stall duty on a fair day
    manual = "manual"  # entered by the office, with a reason


class HoursStatus(enum.StrEnum):
    pending = "pending"
    verified = "verified"
    rejected = "rejected"


class CorrectionStatus(enum.StrEnum):
    open = "open"
    accepted = "accepted"
    rejected = "rejected"


class HoursRecord(db.Model):
    """Minutes one volunteer gave on one day in one grid. The grid is a snapshot: the
    beneficiary's grid when the job was done (a fair: the venue's), whatever moves later."""

    __tablename__ = "hours_records"
    __table_args__ = (
        sa.CheckConstraint("minutes >= 1 AND minutes <= 1440", name="minutes"),
        sa.Index("ix_hours_records_volunteer_date", "volunteer_id", "date"),
        sa.Index("ix_hours_records_community_date", "community_id", "date"),
        sa.Index("ix_hours_records_grid_date", "grid_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grids.id"))
    minutes: Mapped[int]
    date: Mapped[date]
    source: Mapped[Source] = mapped_column(sa.Enum(Source, native_enum=False, length=10))
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookings.id"), index=True)
    status: Mapped[HoursStatus] = mapped_column(
        sa.Enum(HoursStatus, native_enum=False, length=10), default=HoursStatus.pending
    )
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # manual: why; rejected: why
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Order 67 art. 7: who organised the service and who answers for it, fixed when the record
    # is verified (hours.service._verify), so a later change of staff never rewrites it.
    organising_unit: Mapped[str] = mapped_column(sa.String(200), default="")
    person_in_charge: Mapped[str] = mapped_column(sa.String(40), default="")
    person_in_charge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    volunteer: Mapped[Volunteer] = relationship(lazy="raise")


class HoursCorrection(db.Model):
    """A volunteer asks for a record's minutes to be changed (办法 arts. 12–13); the office
    accepts or rejects it. At most one open request per record."""

    __tablename__ = "hours_corrections"
    __table_args__ = (
        sa.CheckConstraint("minutes >= 1 AND minutes <= 1440", name="minutes"),
        sa.Index("ix_hours_corrections_community_status", "community_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("hours_records.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    minutes: Mapped[int]  # what the volunteer says is right
    previous_minutes: Mapped[int]  # what the record said when he asked
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[CorrectionStatus] = mapped_column(
        sa.Enum(CorrectionStatus, native_enum=False, length=10), default=CorrectionStatus.open
    )
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class _Total:
    """Verified minutes and services of one volunteer in one grid over one span of time."""

    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), primary_key=True)
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grids.id"), primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    minutes: Mapped[int] = mapped_column(default=0)
    services: Mapped[int] = mapped_column(default=0)


class HoursDayTotal(_Total, db.Model):
    __tablename__ = "hours_day_totals"
    __table_args__ = (sa.Index("ix_hours_day_totals_community_day", "community_id", "day"),)

    day: Mapped[date] = mapped_column(primary_key=True)


class HoursMonthTotal(_Total, db.Model):
    __tablename__ = "hours_month_totals"
    __table_args__ = (sa.Index("ix_hours_month_totals_community_month", "community_id", "month"),)

    month: Mapped[date] = mapped_column(primary_key=True)  # the first day of the month
