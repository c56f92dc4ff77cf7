"""What the fair-day pages read beside the fair days themselves (service.py holds those)."""

from __future__ import annotations

import sqlalchemy as sa

from ..catalogue.models import Listing
from ..extensions import db
from ..places.models import Grid


def grid_of(fair_day) -> Grid | None:
    """The grid the fair day is held in, for its page and poster."""
    return db.session.get(Grid, fair_day.grid_id)


def fair_listings_of(volunteer) -> list[Listing]:
    """The volunteer's active services offered at fairs: what he may sign up a stall for."""
    return db.session.scalars(
        sa.select(Listing)
        .where(
            Listing.volunteer_id == volunteer.id,
            Listing.active.is_(True),
            Listing.fair.is_(True),
        )
        .order_by(Listing.id)
    ).all()
