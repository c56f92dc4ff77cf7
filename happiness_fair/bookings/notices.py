"""Who hears of a booking's steps: its booker, its volunteer, the grid's workers (or the office
when the grid has none). Nobody is told of their own step."""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import Role, User, UserRole, staff_grids
from ..catalogue.models import Volunteer
from ..extensions import db
from ..notifications.service import notify
from .models import Booking


def tell_booker(booking: Booking, kind: str, actor: User | None, **params) -> None:
    if actor is None or booking.booker_id != actor.id:
        notify(booking.booker_id, kind, booking, **params)


def tell_volunteer(booking: Booking, volunteer_id: int, kind: str, actor: User | None) -> None:
    # His account's id is on the volunteer row (usually already in the session): no more reads.
    user_id = db.session.get(Volunteer, volunteer_id).user_id
    if actor is None or user_id != actor.id:
        notify(user_id, kind, booking)


def grid_watchers(community_id: int, grid_id: int) -> list[int]:
    """Who hears of escalations: the grid's grid workers, or the office if it has none."""
    workers = (
        db.session.execute(
            sa.select(User.id)
            .join(staff_grids, staff_grids.c.user_id == User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                staff_grids.c.grid_id == grid_id,
                UserRole.role == Role.grid_worker,
                User.active.is_(True),
                User.community_id == community_id,
            )
            .order_by(User.id)
        )
        .scalars()
        .all()
    )
    if workers:
        return list(workers)
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


def tell_grid(booking: Booking, kind: str, **params) -> None:
    for user_id in grid_watchers(booking.community_id, booking.grid_id):
        notify(user_id, kind, booking, **params)
