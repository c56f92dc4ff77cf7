"""What the office's pages read beside what their services return: names and places to show."""

from __future__ import annotations

from ..catalogue.models import Volunteer
from ..extensions import db


def volunteer_names(volunteer_ids) -> dict[int, str]:
    """Volunteer id -> name, for a list of certificate requests, in one statement."""
    volunteers = db.session.execute(
        db.select(Volunteer).where(Volunteer.id.in_(set(volunteer_ids)))
    ).scalars()
    return {v.id: v.name for v in volunteers}
