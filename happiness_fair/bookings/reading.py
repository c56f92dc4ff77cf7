"""What the booking pages show beside the booking itself, loaded in a few queries for a whole
page: the category, the service's title, the volunteer, the person served, who did each step.

Read-only helpers for the web pages; who may see what is still decided by access.py.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from ..accounts.models import Resident, User
from ..catalogue import service as catalogue
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


def _volunteers(ids: set[int]) -> dict[int, Volunteer]:
    """The volunteers with their accounts (for the name), nothing else of theirs."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Volunteer)
        .where(Volunteer.id.in_(ids))
        .options(
            joinedload(Volunteer.user).options(lazyload(User.roles), lazyload(User.staff_grids)),
            lazyload(Volunteer.categories),
            lazyload(Volunteer.grids),
            lazyload(Volunteer.tags),
        )
    ).scalars()
    return {row.id: row for row in rows}


def _texts(listing_ids: set[int], resident_ids: set[int], user_ids: set[int]) -> dict:
    """Listing titles, residents' and users' names: one statement for the three."""
    parts = []
    for kind, column_id, column_text, ids in (
        ("l", Listing.id, Listing.title, listing_ids),
        ("r", Resident.id, Resident.name, resident_ids),
        ("u", User.id, User.name, user_ids),
    ):
        if ids:
            parts.append(
                sa.select(sa.literal(kind).label("kind"), column_id, column_text).where(
                    column_id.in_(ids)
                )
            )
    texts: dict = {"l": {}, "r": {}, "u": {}}
    if parts:
        stmt = sa.union_all(*parts) if len(parts) > 1 else parts[0]
        for kind, row_id, text in db.session.execute(stmt).all():
            texts[kind][row_id] = text
    return texts


def names_for(bookings: Iterable[Booking], *, with_actors: bool = False, viewer=None) -> Names:
    """The names a page shows. With a viewer, the names of a booking's people (the person
    served, who did each step) only for the bookings where access.sees_private() lets him."""
    bookings = list(bookings)
    named = bookings
    if viewer is not None:
        named = [b for b in bookings if sees_private(viewer, b)]
    categories = {c.id: c for c in catalogue.categories()}
    listing_ids = {b.listing_id for b in bookings if b.listing_id}
    volunteers = _volunteers({b.volunteer_id for b in bookings if b.volunteer_id})
    beneficiary_ids = {b.beneficiary_id for b in named}
    actor_ids: set[int] = set()
    if with_actors:
        actor_ids = {e.actor_id for b in named for e in b.events if e.actor_id}
    texts = _texts(listing_ids, beneficiary_ids, actor_ids)
    return Names(categories, texts["l"], volunteers, texts["r"], texts["u"])
