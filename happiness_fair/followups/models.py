"""What a follow-up call (回访) is: the grid worker's record of asking whether the problem was
solved, which closes the loop on a booking."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class Outcome(enum.StrEnum):
    solved = "solved"
    partly = "partly"  # done, but the problem remains: a new linked request opens
    not_solved = "not_solved"  # likewise
    unreachable = "unreachable"  # nobody answered: the booking stays on the list


class FollowUp(db.Model):
    __tablename__ = "follow_ups"
    __table_args__ = (
        sa.CheckConstraint(
            "satisfaction IS NULL OR (satisfaction >= 1 AND satisfaction <= 5)",
            name="satisfaction",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(sa.ForeignKey("bookings.id"), index=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"))
    outcome: Mapped[Outcome] = mapped_column(sa.Enum(Outcome, native_enum=False, length=12))
    satisfaction: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    caller_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    new_booking_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bookings.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
