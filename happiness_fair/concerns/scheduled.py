"""What cron does for concerns (run by `flask run-scheduled` with the bookings' steps):
escalate a concern nobody accepted for 24 hours, and put a handed-over concern past its due
date in front of the grid and the office.

Each concern is claimed with a conditional UPDATE, so two runs at once tell nobody twice.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..accounts.models import Role
from ..accounts.staffing import active_with_role, grid_watchers
from ..claims import claim_each
from ..extensions import db
from ..notifications.service import notify
from ..places.clock import service_date_of
from . import rules
from .models import Concern, Handler, record_event
from .rules import ConcernStatus


def escalate_unaccepted(now: datetime) -> int:
    """Raised and not accepted within 24 hours: a flag (not a state) and a word to the grid's
    grid workers (else the office), as bookings do."""
    due = sa.and_(
        Concern.status == ConcernStatus.raised,
        Concern.escalated.is_(False),
        Concern.raised_clock_at <= now - rules.ESCALATE_AFTER,
    )
    count = 0
    for concern in claim_each(Concern, due, escalated=True, escalated_at=now):
        count += 1
        _event(concern, now, "escalate", "")
        for user_id in grid_watchers(concern.community_id, concern.grid_id):
            notify(user_id, "concern_escalated", concern=concern)
    return count


def report_overdue(now: datetime) -> int:
    """Handed over and past its due date: once per hand-over, escalated to the grid's workers
    and the office (it is on the office's overdue list and the grid's board from then on)."""
    today = service_date_of(now)
    due = sa.and_(
        Concern.status == ConcernStatus.handed_over,
        Concern.due_on < today,
        Concern.overdue_reported_at.is_(None),
    )
    count = 0
    late = claim_each(Concern, due, overdue_reported_at=now, escalated=True, escalated_at=now)
    for concern in late:
        count += 1
        handler = db.session.get(Handler, concern.handler_id) if concern.handler_id else None
        name = handler.name if handler else ""
        _event(concern, now, "overdue", f"{name} · {concern.due_on.isoformat()}")
        people = dict.fromkeys(
            grid_watchers(concern.community_id, concern.grid_id)
            + active_with_role(concern.community_id, Role.office)
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
    """A flag raised on the timeline: the state stays as it is."""
    record_event(concern.id, action, concern.status, from_status=concern.status, note=note, at=now)
