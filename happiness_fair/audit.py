"""The audit log of sensitive acts: who did what to whom, and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, utcnow
from .extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(sa.ForeignKey("communities.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    subject_type: Mapped[str] = mapped_column(sa.String(20))
    subject_id: Mapped[int]
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def record(
    action: str,
    *,
    community_id: int,
    actor_id: int | None,
    subject_type: str,
    subject_id: int,
    **detail,
) -> AuditEvent:
    """Add an audit event to the current transaction (it commits with the act it records)."""
    event = AuditEvent(
        action=action,
        community_id=community_id,
        actor_id=actor_id,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=detail,
    )
    db.session.add(event)
    return event


def record_by(actor, action: str, subject_type: str, subject_id: int, **detail) -> AuditEvent:
    """The usual event: something a person did in her own community."""
    return record(
        action,
        community_id=actor.community_id,
        actor_id=actor.id,
        subject_type=subject_type,
        subject_id=subject_id,
        **detail,
    )
