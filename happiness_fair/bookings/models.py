"""What a booking is: the request, its state and snapshots, its timeline and its photos."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..accounts.models import Resident
from ..database import UTCDateTime, utcnow
from ..extensions import db
from .rules import BookingStatus, Period

MODES = ("home", "fair")
MAX_PHOTOS = 3


class BookingFacts:
    """What a booking's own columns say of it: for the mapped booking and for one read as a
    record for a list (records.py), so the rule is written once."""

    @property
    def is_named_request(self) -> bool:
        return self.status == BookingStatus.requested and self.volunteer_id is not None

    @property
    def is_open_request(self) -> bool:
        return self.status == BookingStatus.requested and self.volunteer_id is None


class Booking(BookingFacts, db.Model):
    """A request for help for one beneficiary, from raising it to confirming it.

    Its grid, address, fee and waiver rules are snapshots taken when it was made, so a move
    or a rule change later never rewrites it. State changes go through moving.transition().
    """

    __tablename__ = "bookings"
    __table_args__ = (
        sa.Index("ix_bookings_status_community", "status", "community_id"),
        sa.Index("ix_bookings_grid_status", "grid_id", "status"),
        # "My bookings" reads each way a person is in newest first (reading._newest_of_any):
        # the office's community, a grid worker's grids, a volunteer's jobs, her own.
        sa.Index("ix_bookings_community_newest", "community_id", "created_at", "id"),
        sa.Index("ix_bookings_grid_newest", "grid_id", "created_at", "id"),
        sa.Index("ix_bookings_booker_newest", "booker_id", "created_at", "id"),
        # Waiting for a follow-up call, longest waiting first (followups.service.awaiting): only
        # the bookings not yet called, with their state, so the queue's total is read from the
        # index alone and its page stops after 20. The condition is written as each database's
        # SQL for `followed_up.is_(False)` is, so that the planners match it.
        sa.Index(
            "ix_bookings_awaiting_call",
            "community_id",
            "completed_at",
            "id",
            "status",
            postgresql_where=sa.text("followed_up IS false"),
            sqlite_where=sa.text("followed_up IS 0"),
        ),
        sa.Index("ix_bookings_beneficiary_newest", "beneficiary_id", "created_at", "id"),
        sa.Index("ix_bookings_volunteer_newest", "volunteer_id", "created_at", "id"),
        sa.UniqueConstraint("booker_id", "idempotency_key", name="uq_bookings_idempotency"),
        sa.CheckConstraint("minutes IS NULL OR (minutes >= 1 AND minutes <= 720)", name="minutes"),
        sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
        sa.CheckConstraint("photo_count >= 0 AND photo_count <= 3", name="photo_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[BookingStatus] = mapped_column(
        sa.Enum(BookingStatus, native_enum=False, length=12), default=BookingStatus.requested
    )
    escalated: Mapped[bool] = mapped_column(default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show: Mapped[bool] = mapped_column(default=False)
    reminded: Mapped[bool] = mapped_column(default=False)  # the day-before reminder went out

    booker_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    beneficiary_id: Mapped[int] = mapped_column(sa.ForeignKey("residents.id"))
    listing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("listings.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    # The named volunteer of a request, or the one who accepted it; NULL for an open request.
    volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteers.id"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grids.id"))  # the beneficiary's, then

    date: Mapped[date]
    period: Mapped[Period] = mapped_column(sa.Enum(Period, native_enum=False, length=10))
    mode: Mapped[str] = mapped_column(sa.String(4), default="home")
    description: Mapped[str] = mapped_column(sa.Text)
    address: Mapped[str] = mapped_column(sa.String(200))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(11))
    door_note: Mapped[str] = mapped_column(sa.Text, default="")

    listing_fee_fen: Mapped[int] = mapped_column(default=0)  # the listing's fee when booked
    materials_estimate_fen: Mapped[int | None]
    minutes: Mapped[int | None]
    materials_fen: Mapped[int | None]
    completion_note: Mapped[str] = mapped_column(sa.Text, default="")
    rating: Mapped[int | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    paid: Mapped[bool] = mapped_column(default=False)
    # A follow-up call (回访) on it was answered: no more calls are offered (followups keeps it).
    followed_up: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    photo_count: Mapped[int] = mapped_column(default=0)
    linked_booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookings.id"))
    # The concern (民情) this booking was made from: its confirmation marks the concern done.
    concern_id: Mapped[int | None] = mapped_column(index=True)
    waiver_rules_snapshot: Mapped[list] = mapped_column(sa.JSON)
    quote: Mapped[dict] = mapped_column(sa.JSON)

    requested_clock_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100))

    beneficiary: Mapped[Resident] = relationship(lazy="raise")
    events: Mapped[list[BookingEvent]] = relationship(
        lazy="raise", order_by="BookingEvent.id", back_populates="booking"
    )
    photos: Mapped[list[BookingPhoto]] = relationship(lazy="raise", order_by="BookingPhoto.id")


class BookingEvent(db.Model):
    """One step on a booking's timeline: who did what, when, from which state to which."""

    __tablename__ = "booking_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the scheduler
    from_status: Mapped[BookingStatus | None] = mapped_column(
        sa.Enum(BookingStatus, native_enum=False, length=12)
    )
    to_status: Mapped[BookingStatus] = mapped_column(
        sa.Enum(BookingStatus, native_enum=False, length=12)
    )
    action: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # On a dispute settled against the volunteer ("the job was not done"): who he was. The
    # request opens again for another volunteer, never for him (access.ruled_out_ids).
    ruled_out_volunteer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("volunteers.id"))

    booking: Mapped[Booking] = relationship(back_populates="events", lazy="raise")


class BookingPhoto(db.Model):
    """A photo of the problem, re-encoded without its EXIF (location) before it was kept."""

    __tablename__ = "booking_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    content_type: Mapped[str] = mapped_column(sa.String(20))
    # Kept in the database so that app processes stay stateless; never loaded by lists.
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
