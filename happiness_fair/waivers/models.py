"""What a community's waiver rule setting is: one row per rule the office has changed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import UTCDateTime, utcnow
from ..extensions import db


class WaiverRuleSetting(db.Model):
    """The office's setting of one rule; a rule without a row has its default
    (fees.DEFAULT_WAIVER_RULES), so a new community starts with "free at 80" and nothing else."""

    __tablename__ = "waiver_rule_settings"
    __table_args__ = (
        sa.CheckConstraint("min_age IS NULL OR (min_age >= 0 AND min_age <= 150)", name="min_age"),
    )

    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    active: Mapped[bool]
    min_age: Mapped[int | None]
    waive_materials: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
