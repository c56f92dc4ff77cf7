"""What the booking pages show beside the booking itself, loaded in a few queries for a whole
page: the category, the service's title, the volunteer, the person served, who did each step.

Read-only helpers for the web pages; who may see what is still decided by access.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import sqlalchemy as sa

from ..accounts.models import Resident, User
from ..catalogue.models import Category, Listing, Volunteer
from ..extensions import db
from .access import sees_private
from .models import Booking


@dataclasses.dataclass
class Names:
    """Everything a list of bookings names, by id."""

    categories: dict[int, Category]
    listings: dict[int, str]
    volunteers: dict[int, Volunteer]
    beneficiaries: dict[int, str]
    actors: dict[int, str]


def _by_id(model, ids: set[int]) -> dict:
    if not ids:
        return {}
    return {
        row.id: row
        for row in db.session.execute(sa.select(model).where(model.id.in_(ids))).scalars()
    }


def names_for(bookings: Iterable[Booking], *, with_actors: bool = False, viewer=None) -> Names:
    """The names a page shows. With a viewer, the names of a booking's people (the person
    served, who did each step) only for the bookings where access.sees_private() lets him."""
    bookings = list(bookings)
    named = bookings
    if viewer is not None:
        named = [b for b in bookings if sees_private(viewer, b)]
    categories = {c.id: c for c in db.session.execute(sa.select(Category)).scalars()}
    listing_ids = {b.listing_id for b in bookings if b.listing_id}
    listings = (
        dict(
            db.session.execute(
                sa.select(Listing.id, Listing.title).where(Listing.id.in_(listing_ids))
            ).all()
        )
        if listing_ids
        else {}
    )
    volunteers = _by_id(Volunteer, {b.volunteer_id for b in bookings if b.volunteer_id})
    beneficiary_ids = {b.beneficiary_id for b in named}
    beneficiaries = (
        dict(
            db.session.execute(
                sa.select(Resident.id, Resident.name).where(Resident.id.in_(beneficiary_ids))
            ).all()
        )
        if beneficiary_ids
        else {}
    )
    actors: dict[int, str] = {}
    if with_actors:
        actor_ids = {e.actor_id for b in named for e in b.events if e.actor_id}
        if actor_ids:
            actors = dict(
                db.session.execute(
                    sa.select(User.id, User.name).where(User.id.in_(actor_ids))
                ).all()
            )
    return Names(categories, listings, volunteers, beneficiaries, actors)
