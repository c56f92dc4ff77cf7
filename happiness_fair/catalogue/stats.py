"""A volunteer's standing on his own row: verified minutes, jobs done and ratings, and the
service-hours star level read from them.

The parts that change them (hours when minutes are verified or corrected, bookings when a job
is confirmed) call the functions here in their own transaction, so the catalogue shows his
standing without ever reading those parts, and no page counts rows per request.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from . import rules
from .models import Volunteer


def star_thresholds() -> tuple[int, ...]:
    """Hours for one to five stars: configuration (STAR_THRESHOLDS_HOURS), national by default."""
    return tuple(
        current_app.config.get("STAR_THRESHOLDS_HOURS") or rules.DEFAULT_STAR_THRESHOLDS_HOURS
    )


def stars_for(verified_minutes: int) -> int:
    """The service-hours star level (0-5) for these verified minutes, by the configured rule."""
    return rules.star_level(verified_minutes, star_thresholds())


def _update(volunteer_id: int, values: dict[str, Any]) -> None:
    db.session.execute(
        sa.update(Volunteer)
        .where(Volunteer.id == volunteer_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def add_verified_minutes(volunteer_id: int, minutes: int) -> None:
    """Minutes verified (or, negative, taken back by a rejection or correction)."""
    _update(volunteer_id, {"verified_minutes": Volunteer.verified_minutes + minutes})


def count_job_done(volunteer_id: int, rating: int | None) -> None:
    """One more job confirmed as done, with the resident's stars if she gave any."""
    values: dict[str, Any] = {"completed_count": Volunteer.completed_count + 1}
    if rating is not None:
        values["rating_sum"] = Volunteer.rating_sum + rating
        values["rating_count"] = Volunteer.rating_count + 1
    _update(volunteer_id, values)
