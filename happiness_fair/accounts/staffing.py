"""Who answers for a grid and a community: its grid workers (longest-serving account first) and
its office, active accounts only. Escalations, scheduled reminders and the person in charge of
an hours record all ask here, so "who is the grid's worker" is decided once."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Role, User, UserRole, staff_grids


def _active(community_id: int | None):
    where = [User.active.is_(True), User.deleted_at.is_(None)]
    if community_id is not None:
        where.append(User.community_id == community_id)
    return where


def active_with_role(community_id: int, role: Role) -> list[int]:
    """The ids of the community's active accounts with this role, in a stable order."""
    return db.session.scalars(
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == role, *_active(community_id))
        .order_by(User.id)
    ).all()


def grid_worker_ids(grid_id: int, community_id: int | None = None) -> list[int]:
    """The grid's active grid workers, longest-serving first."""
    return db.session.scalars(
        sa.select(User.id)
        .join(staff_grids, staff_grids.c.user_id == User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            staff_grids.c.grid_id == grid_id,
            UserRole.role == Role.grid_worker,
            *_active(community_id),
        )
        .order_by(User.id)
    ).all()


def grid_watchers(community_id: int, grid_id: int) -> list[int]:
    """Who hears of a grid's escalations: its grid workers, or the office if it has none."""
    return grid_worker_ids(grid_id, community_id) or active_with_role(community_id, Role.office)
