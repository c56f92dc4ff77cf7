"""The grid's desk: the board of new, due-soon, overdue and to-report-back concerns, and the
office's overdue list."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..database import page_of
from ..errors import Forbidden
from ..places.clock import today
from . import rules
from .models import (
    Concern,
)
from .reading import with_timeline
from .rules import ConcernStatus


def _staff_scope(user: User):
    if not user.is_staff:
        raise Forbidden(_l("Only grid workers and the office see the grid's board."))
    where = [Concern.community_id == user.community_id]
    if not user.is_office:
        where.append(Concern.grid_id.in_(user.grid_ids or [0]))
    return where


def board(user: User, limit: int = 10) -> dict[str, tuple[list[Concern], int]]:
    """The grid board's concerns: new (raised), due soon, overdue, to report back."""
    where = _staff_scope(user)
    day = today()
    sections = {
        "new": [Concern.status == ConcernStatus.raised],
        "due_soon": [
            Concern.status == ConcernStatus.handed_over,
            Concern.due_on >= day,
            Concern.due_on <= day + rules.DUE_SOON,
        ],
        "overdue": [Concern.status == ConcernStatus.handed_over, Concern.due_on < day],
        "report_back": [Concern.status == ConcernStatus.done],
    }
    out = {}
    for name, extra in sections.items():
        stmt = with_timeline(
            sa.select(Concern).where(*where, *extra).order_by(Concern.created_at, Concern.id)
        )
        out[name] = page_of(stmt, 1, limit)
    return out


def overdue_for_office(user: User, page: int, per_page: int) -> tuple[list[Concern], int]:
    if not user.is_office:
        raise Forbidden(_l("Only the office sees the overdue list."))
    stmt = with_timeline(
        sa.select(Concern)
        .where(
            Concern.community_id == user.community_id,
            Concern.status == ConcernStatus.handed_over,
            Concern.due_on < today(),
        )
        .order_by(Concern.due_on, Concern.id)
    )
    return page_of(stmt, page, per_page)


def is_overdue(concern: Concern) -> bool:
    return rules.is_overdue(concern.status, concern.due_on, today())
