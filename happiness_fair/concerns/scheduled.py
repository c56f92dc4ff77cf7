"""What cron does for concerns (run by `flask run-scheduled` with the bookings' steps):
escalate a concern nobody accepted for 24 hours, and put a handed-over concern past its due
date in front of the grid and the office.

Each concern is claimed with a conditional UPDATE, so two runs at once tell nobody twice.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..accounts.models import Role, User, UserRole
from ..bookings.notices import grid_watchers
from ..extensions import db
from ..notifications.service import notify
from ..places.clock import service_date_of
from . import rules
from .models import Concern, ConcernEvent, Handler
from .rules import ConcernStatus


def escalate_unaccepted(now: datetime) -> int:
    """Raised and not accepted within 24 hours: a flag (not a state) and a word to the grid's
    grid workers (else the office), as bookings do."""
    due = sa.and_(
        Concern.status == ConcernStatus.raised,
        Concern.escalated.is_(False),
        Concern.raised_clock_at <= now - rules.ESCALATE_AFTER,
    )
    stale = db.session.execute(sa.select(Concern).where(due).order_by(Concern.id)).scalars().all()
    count = 0
    for concern in stale:
        claimed = db.session.execute(
            sa.update(Concern)
            .where(Concern.id == concern.id, due)
            .values(escalated=True, escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        count += 1
        _event(concern, now, "escalate", "")
        for user_id in grid_watchers(concern.community_id, concern.grid_id):
            notify(user_id, "concern_escalated", concern=concern)
    return count


def _office_of(community_id: int) -> list[int]:
    return list(
        db.session.execute(
            sa.select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == Role.office,
                User.active.is_(True),
                User.community_id == community_id,
            )
            .order_by(User.id)
        ).scalars()
    )


def report_overdue(now: datetime) -> int:
    """Handed over and past its due date: once per hand-over, escalated to the grid's workers
    and the office (it is on the office's overdue list and the grid's board from then on)."""
    today = service_date_of(now)
    due = sa.and_(
        Concern.status == ConcernStatus.handed_over,
        Concern.due_on < today,
        Concern.overdue_reported_at.is_(None),
    )
    late = db.session.execute(sa.select(Concern).where(due).order_by(Concern.id)).scalars().all()
    count = 0
    for concern in late:
        claimed = db.session.execute(
            sa.update(Concern)
            .where(Concern.id == concern.id, due)
            .values(overdue_reported_at=now, escalated=True, escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        count += 1
        handler = db.session.get(Handler, concern.handler_id) if concern.handler_id else None
        name = handler.name if handler else ""
        _event(concern, now, "overdue", f"{name} · {concern.due_on.isoformat()}")
        people = dict.fromkeys(
            grid_watchers(concern.community_id, concern.grid_id) + _office_of(concern.community_id)
        )
        for user_id in people:
            notify(
                user_id,
                "concern_overdue",
                concern=concern,
                handler=name,
                due=concern.due_on.isoformat(),
            )
    return count


def _event(concern: Concern, now: datetime, action: str, note: str) -> None:
    db.session.add(
        ConcernEvent(
            concern_id=concern.id,
            at=now,
            actor_id=None,
            from_status=concern.status,
            to_status=concern.status,
            action=action,
            note=note,
        )
    )
