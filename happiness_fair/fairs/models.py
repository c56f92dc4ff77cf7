"""What a fair day is: the day the office schedules, the stalls volunteers sign up, the seats
of each timed slot, the bookings that hold them, walk-ins, and confirmed attendance."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import Listing, Volunteer
from ..database import UTCDateTime, utcnow
from ..extensions import db


class FairDay(db.Model):
    """A fair day (事集日): date, time window, venue in a grid, and the length of a slot."""

    __tablename__ = "fair_days"
    __table_args__ = (
        sa.CheckConstraint("slot_minutes >= 5 AND slot_minutes <= 240", name="slot_minutes"),
        sa.CheckConstraint("ends_at > starts_at", name="window"),
        sa.Index("ix_fair_days_community_date", "community_id", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grids.id"))  # the venue's grid
    date: Mapped[date]
    starts_at: Mapped[time] = mapped_column(sa.Time)
    ends_at: Mapped[time] = mapped_column(sa.Time)
    venue: Mapped[str] = mapped_column(sa.String(100))
    slot_minutes: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def window_minutes(self) -> int:
        """The fair's time window: a stall volunteer's duty unless the office corrects it."""
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (
            self.starts_at.hour * 60 + self.starts_at.minute
        )


class Stall(db.Model):
    """A volunteer's stall for one of his listings, with so many seats in every slot."""

    __tablename__ = "fair_stalls"
    __table_args__ = (
        sa.UniqueConstraint("fair_day_id", "listing_id", name="uq_fair_stalls_listing"),
        sa.CheckConstraint(
            "capacity_per_slot >= 1 AND capacity_per_slot <= 50", name="capacity_per_slot"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_day_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fair_days.id", ondelete="CASCADE"), index=True
    )
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    listing_id: Mapped[int] = mapped_column(sa.ForeignKey("listings.id"))
    capacity_per_slot: Mapped[int]
    reminded: Mapped[bool] = mapped_column(default=False)  # the day-before reminder went out
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdraw_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    # Who withdrew it: only a stall its own volunteer withdrew is his to sign up again.
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    volunteer: Mapped[Volunteer] = relationship(lazy="raise")
    listing: Mapped[Listing] = relationship(lazy="raise")


class StallSlot(db.Model):
    """The seats of one slot at one stall. A booking claims a seat with a conditional
    UPDATE … WHERE booked < capacity, so two residents pressing at once never overfill it;
    the CHECK is the database's own guard behind that."""

    __tablename__ = "fair_stall_slots"
    __table_args__ = (sa.CheckConstraint("booked >= 0 AND booked <= capacity", name="seats"),)

    stall_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fair_stalls.id", ondelete="CASCADE"), primary_key=True
    )
    slot_start: Mapped[time] = mapped_column(sa.Time, primary_key=True)
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)


class SlotBooking(db.Model):
    """Which seat a fair-day booking holds; released (once) when the booking is cancelled or
    given back."""

    __tablename__ = "fair_slot_bookings"
    __table_args__ = (sa.Index("ix_fair_slot_bookings_stall_slot", "stall_id", "slot_start"),)

    booking_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bookings.id", ondelete="CASCADE"), primary_key=True
    )
    fair_day_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_days.id"), index=True)
    stall_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_stalls.id"))
    slot_start: Mapped[time] = mapped_column(sa.Time)
    released: Mapped[bool] = mapped_column(default=False)


class WalkIn(db.Model):
    """Someone served at a stall without a booking, recorded by the volunteer in a few taps.
    Part of the stall duty: it shows in his service records and adds no hours of its own."""

    __tablename__ = "fair_walk_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    fair_day_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fair_days.id", ondelete="CASCADE"), index=True
    )
    stall_id: Mapped[int] = mapped_column(sa.ForeignKey("fair_stalls.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    name: Mapped[str] = mapped_column(sa.String(40), default="")  # as he typed it, or none
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendance(db.Model):
    """The office confirmed that this volunteer kept his stall: once per volunteer and day,
    which is what keeps a second confirmation from counting his hours twice."""

    __tablename__ = "fair_attendance"

    fair_day_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fair_days.id", ondelete="CASCADE"), primary_key=True
    )
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), primary_key=True)
    minutes: Mapped[int]
    hours_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hours_records.id"))
    confirmed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
