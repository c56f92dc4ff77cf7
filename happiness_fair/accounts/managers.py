"""Who manages a resident: the accounts that may book for her (a son, a daughter)."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Resident, ResidentManager, User


def managers_of(resident: Resident) -> list[User]:
    """The accounts that manage her, oldest first; for her own family page."""
    return db.session.scalars(
        sa.select(User)
        .join(ResidentManager, ResidentManager.user_id == User.id)
        .where(ResidentManager.resident_id == resident.id)
        .order_by(ResidentManager.created_at, User.id)
    ).all()
