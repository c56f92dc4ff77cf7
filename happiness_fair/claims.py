"""Scheduled work that must act once on each thing it finds (escalate a request nobody took, a
hand-over past its due date): each row still due is claimed with a conditional UPDATE, so two
runs at once never both tell anyone; and who hears when a grid is told."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from .accounts.models import Role, User, UserRole
from .extensions import db


def claim_each(model, due: sa.ColumnElement, **values: Any) -> Iterator:
    """The rows of `model` for which `due` holds, oldest id first, each yielded only once this
    run has written `values` to it while `due` still held (another run, or a person acting
    meanwhile, makes it skip the row)."""
    found = db.session.execute(sa.select(model).where(due).order_by(model.id)).scalars().all()
    for row in found:
        claimed = db.session.execute(
            sa.update(model)
            .where(model.id == row.id, due)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            yield row


def active_with_role(community_id: int, role: Role) -> list[int]:
    """The ids of the community's active accounts with this role, in a stable order."""
    return list(
        db.session.execute(
            sa.select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                UserRole.role == role,
                User.active.is_(True),
                User.community_id == community_id,
            )
            .order_by(User.id)
        ).scalars()
    )
