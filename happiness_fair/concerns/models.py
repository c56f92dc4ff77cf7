"""What a concern (民情) is: a problem raised for the grid, handed to whoever must act, done and
reported back; its categories, handlers (承办单位), timeline, photos and "me too" voices; and
the micro-grid helpers' buildings."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .. import timeline
from ..database import UTCDateTime, utcnow
from ..extensions import db
from ..places.models import Community
from .rules import ConcernStatus, Outcome

# The categories every community starts with: (code, Chinese, English). Each community's office
# keeps its own copy (renames, retires, adds), so no office changes another community's list.
CONCERN_CATEGORIES = (
    ("leaks_pipes", "房屋漏水和管道", "House leaks and pipes"),
    ("lifts", "电梯", "Lifts"),
    ("parking_charging", "停车和充电", "Parking and charging"),
    ("fire_gas", "消防和燃气安全", "Fire and gas safety"),
    ("facilities", "公共设施", "Public facilities"),
    ("sanitation_greenery", "环境卫生和绿化", "Sanitation and greenery"),
    ("neighbour_disputes", "邻里纠纷", "Neighbour disputes"),
    ("suggestion", "意见建议", "Suggestion"),
    ("other", "其他", "Other"),
)


def default_categories(community_id: int) -> list[dict]:
    return [
        {
            "community_id": community_id,
            "code": code,
            "name_zh": name_zh,
            "name_en": name_en,
            "position": position,
            "active": True,
        }
        for position, (code, name_zh, name_en) in enumerate(CONCERN_CATEGORIES)
    ]


class HandlerKind(enum.StrEnum):
    property = "property"  # 物业 of a compound
    street = "street"  # a department of the street office (街道)
    utility = "utility"  # water, power, gas
    liaison = "liaison"  # the representatives' liaison station (人大代表联络站)
    other = "other"


class ConcernCategory(db.Model):
    """A kind of concern in one community; data, so its office can add, rename (both languages)
    or retire one without a release. Never deleted: concerns keep pointing at it."""

    __tablename__ = "concern_categories"
    __table_args__ = (
        sa.UniqueConstraint("community_id", "code", name="uq_concern_categories_community_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(30))
    name_zh: Mapped[str] = mapped_column(sa.String(40))
    name_en: Mapped[str] = mapped_column(sa.String(60))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def name_in(self, locale: str) -> str:
        return self.name_zh if locale.startswith("zh") else self.name_en


class Handler(db.Model):
    """A body that acts on concerns (承办单位): the 物业 of a compound, a street department, a
    utility, the liaison station. No account at first: the grid worker records its answers. A
    handler account can come later as a table linking users to handlers; a concern only ever
    points at the handler, so it needs no change for that."""

    __tablename__ = "concern_handlers"
    __table_args__ = (sa.UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[HandlerKind] = mapped_column(sa.Enum(HandlerKind, native_enum=False, length=10))
    compound_id: Mapped[int | None] = mapped_column(sa.ForeignKey("compounds.id"))
    contact_name: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Concern(db.Model):
    """A problem raised with the grid. Its grid and place are snapshots taken when raised.
    State changes go through moving.transition()."""

    __tablename__ = "concerns"
    __table_args__ = (
        sa.Index("ix_concerns_community_status", "community_id", "status"),
        sa.Index("ix_concerns_grid_status", "grid_id", "status"),
        sa.UniqueConstraint("raised_by_id", "idempotency_key", name="uq_concerns_idempotency"),
        sa.CheckConstraint("photo_count >= 0 AND photo_count <= 3", name="photo_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ConcernStatus] = mapped_column(
        sa.Enum(ConcernStatus, native_enum=False, length=14), default=ConcernStatus.raised
    )
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    grid_id: Mapped[int] = mapped_column(sa.ForeignKey("grids.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("concern_categories.id"))
    description: Mapped[str] = mapped_column(sa.Text)
    building_id: Mapped[int | None] = mapped_column(sa.ForeignKey("buildings.id"), index=True)
    compound_id: Mapped[int] = mapped_column(sa.ForeignKey("compounds.id"), index=True)
    unit: Mapped[str] = mapped_column(sa.String(10), default="")
    room: Mapped[str] = mapped_column(sa.String(10), default="")
    location_note: Mapped[str] = mapped_column(sa.String(200), default="")
    public_area: Mapped[bool] = mapped_column(default=False)
    private: Mapped[bool] = mapped_column(default=True)
    # "resident" (for herself or family), "staff" (on her behalf), "patrol" (网格巡查, no
    # resident), "micro_grid" (a micro-grid helper for a neighbour or a shared place).
    source: Mapped[str] = mapped_column(sa.String(12), default="resident")
    raised_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("residents.id"), index=True)
    me_too_count: Mapped[int] = mapped_column(default=0)

    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("concern_handlers.id"))
    due_on: Mapped[date | None]
    booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookings.id"))
    escalated: Mapped[bool] = mapped_column(default=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    done_note: Mapped[str] = mapped_column(sa.Text, default="")
    done_by: Mapped[str] = mapped_column(sa.String(80), default="")
    outcome: Mapped[Outcome | None] = mapped_column(sa.Enum(Outcome, native_enum=False, length=14))
    report_note: Mapped[str] = mapped_column(sa.Text, default="")
    photo_count: Mapped[int] = mapped_column(default=0)

    raised_clock_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100))

    events: Mapped[list[ConcernEvent]] = relationship(
        lazy="raise", order_by="ConcernEvent.id", back_populates="concern"
    )
    photos: Mapped[list[ConcernPhoto]] = relationship(lazy="raise", order_by="ConcernPhoto.id")


class ConcernEvent(db.Model):
    """One step on a concern's timeline: who did what, when, from which state to which."""

    __tablename__ = "concern_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        sa.ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # None: the system
    from_status: Mapped[ConcernStatus | None] = mapped_column(
        sa.Enum(ConcernStatus, native_enum=False, length=14)
    )
    to_status: Mapped[ConcernStatus] = mapped_column(
        sa.Enum(ConcernStatus, native_enum=False, length=14)
    )
    action: Mapped[str] = mapped_column(sa.String(24))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    concern: Mapped[Concern] = relationship(back_populates="events", lazy="raise")


def record_event(concern_id: int, action: str, to_status: ConcernStatus, **details):
    """One step on a concern's timeline (timeline.record: from_status, actor_id, note, at)."""
    return timeline.record(ConcernEvent, "concern_id", concern_id, action, to_status, **details)


class ConcernPhoto(db.Model):
    """A photo of the problem (or of the work done), re-encoded without EXIF like a booking's."""

    __tablename__ = "concern_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        sa.ForeignKey("concerns.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    content_type: Mapped[str] = mapped_column(sa.String(20))
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConcernMeToo(db.Model):
    """A neighbour's "me too" on a public concern: one per account."""

    __tablename__ = "concern_me_toos"

    concern_id: Mapped[int] = mapped_column(
        sa.ForeignKey("concerns.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MicroGridBuilding(db.Model):
    """A building a micro-grid helper (微网格员) serves, appointed by the office."""

    __tablename__ = "micro_grid_buildings"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    building_id: Mapped[int] = mapped_column(
        sa.ForeignKey("buildings.id", ondelete="CASCADE"), primary_key=True, index=True
    )


@sa.event.listens_for(Community, "after_insert")
def _community_categories(mapper, connection, community) -> None:
    """A new community (the demo, import-places, a test) starts with the default categories."""
    connection.execute(sa.insert(ConcernCategory.__table__), default_categories(community.id))
