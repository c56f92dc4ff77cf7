"""What the office's pages read beside what their services return: names and places to show."""

from __future__ import annotations

from ..accounts.models import User
from ..catalogue.models import Volunteer
from ..extensions import db


def volunteer_names(volunteer_ids) -> dict[int, str]:
    """Volunteer id -> name, for a list (certificate requests, corrections, hours given by
    hand), in one statement."""
    ids = set(volunteer_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Volunteer.id, User.name)
        .join(User, User.id == Volunteer.user_id)
        .where(Volunteer.id.in_(ids))
    )
    return {volunteer_id: name for volunteer_id, name in rows}
