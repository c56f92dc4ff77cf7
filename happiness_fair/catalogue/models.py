"""What the catalogue is: shared categories, volunteers with their vetting, and listings."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..database import UTCDateTime, utcnow
from ..extensions import db
from ..places.models import Grid


class VolunteerStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    refused = "refused"
    suspended = "suspended"


class Category(db.Model):
    """A kind of service, shared by every community (水电维修, 磨刀, 理发 …)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(20))
    name_en: Mapped[str] = mapped_column(sa.String(40))
    position: Mapped[int] = mapped_column(default=0)


volunteer_categories = sa.Table(
    "volunteer_categories",
    db.metadata,
    sa.Column("volunteer_id", sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("categories.id"), primary_key=True, index=True),
)

volunteer_grids = sa.Table(
    "volunteer_grids",
    db.metadata,
    sa.Column("volunteer_id", sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("grid_id", sa.ForeignKey("grids.id"), primary_key=True, index=True),
)

# Skills and grids an approved volunteer has asked to add: they wait for the office (PRODUCT.md:
# the vetting is what lets him into old people's homes), while the approved ones stay his.
volunteer_pending_categories = sa.Table(
    "volunteer_pending_categories",
    db.metadata,
    sa.Column("volunteer_id", sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category_id", sa.ForeignKey("categories.id"), primary_key=True),
)

volunteer_pending_grids = sa.Table(
    "volunteer_pending_grids",
    db.metadata,
    sa.Column("volunteer_id", sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("grid_id", sa.ForeignKey("grids.id"), primary_key=True),
)


class Volunteer(db.Model):
    """A person's application and standing as a volunteer; one per account.

    The counters (verified minutes, ratings, completed jobs) are kept in step by the bookings
    and hours parts so that catalogue pages and rankings never count rows per request.
    """

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    status: Mapped[VolunteerStatus] = mapped_column(
        sa.Enum(VolunteerStatus, native_enum=False, length=12), default=VolunteerStatus.pending
    )
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    show_full_name: Mapped[bool] = mapped_column(default=False)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_minutes: Mapped[int] = mapped_column(default=0)
    completed_count: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
    categories: Mapped[list[Category]] = relationship(
        secondary=volunteer_categories, lazy="selectin", order_by=Category.position
    )
    grids: Mapped[list[Grid]] = relationship(
        secondary=volunteer_grids, lazy="selectin", order_by=Grid.number
    )
    # Loaded when asked for (his own page, the office's list): the catalogue never needs them.
    pending_categories: Mapped[list[Category]] = relationship(
        secondary=volunteer_pending_categories, order_by=Category.position
    )
    pending_grids: Mapped[list[Grid]] = relationship(
        secondary=volunteer_pending_grids, order_by=Grid.number
    )
    tags: Mapped[list[VolunteerTag]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="VolunteerTag.tag"
    )

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def rating(self) -> float | None:
        """Average stars, one decimal; None until someone has rated."""
        if not self.rating_count:
            return None
        return round(self.rating_sum / self.rating_count, 1)

    @property
    def is_approved(self) -> bool:
        return self.status == VolunteerStatus.approved

    @property
    def category_ids(self) -> list[int]:
        return [c.id for c in self.categories]

    @property
    def grid_ids(self) -> list[int]:
        return [g.id for g in self.grids]

    @property
    def pending_category_ids(self) -> list[int]:
        return [c.id for c in self.pending_categories]

    @property
    def pending_grid_ids(self) -> list[int]:
        return [g.id for g in self.pending_grids]

    @property
    def has_pending_additions(self) -> bool:
        return bool(self.pending_categories or self.pending_grids)


class VolunteerTag(db.Model):
    """A tag the office gives: 在职党员, or the volunteer team (志愿服务队) he belongs to."""

    __tablename__ = "volunteer_tags"

    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)


class Listing(db.Model):
    """One service a volunteer offers: what, for how much labour, how long, and where."""

    __tablename__ = "listings"
    __table_args__ = (
        sa.CheckConstraint("fee_fen >= 0", name="fee_not_negative"),
        sa.Index("ix_listings_catalogue", "community_id", "active", "category_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteers.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(sa.String(60))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    fee_fen: Mapped[int] = mapped_column(default=0)
    duration_minutes: Mapped[int] = mapped_column(default=30)
    home: Mapped[bool] = mapped_column(default=True)  # 上门
    fair: Mapped[bool] = mapped_column(default=False)  # 集市
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    volunteer: Mapped[Volunteer] = relationship(lazy="raise")
    category: Mapped[Category] = relationship(lazy="raise")

    @property
    def modes(self) -> list[str]:
        return [mode for mode, on in (("home", self.home), ("fair", self.fair)) if on]


class VolunteerRecord(db.Model):
    """His personal record (order 67 art. 5); the ID number only encrypted, and masked."""

    __tablename__ = "volunteer_records"

    volunteer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True
    )
    gender: Mapped[str | None] = mapped_column(sa.String(10))
    birth_date: Mapped[date | None]
    id_number_sealed: Mapped[str | None] = mapped_column(sa.Text)
    id_number_masked: Mapped[str | None] = mapped_column(sa.String(20))
    area: Mapped[str] = mapped_column(sa.String(100), default="")
    contact: Mapped[str] = mapped_column(sa.String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
