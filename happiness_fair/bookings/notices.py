"""Who hears of a booking's steps: its booker, its volunteer, the grid's workers (or the office
when the grid has none). Nobody is told of their own step."""

from __future__ import annotations

from ..accounts import staffing
from ..accounts.models import User
from ..catalogue.models import Volunteer
from ..extensions import db
from ..notifications.service import notify
from .models import Booking


def tell_booker(booking: Booking, kind: str, actor: User | None, **params) -> None:
    if actor is None or booking.booker_id != actor.id:
        notify(booking.booker_id, kind, booking, **params)


def tell_volunteer(
    booking: Booking, volunteer_id: int, kind: str, actor: User | None, **params
) -> None:
    # His account's id is on the volunteer row (usually already in the session): no more reads.
    user_id = db.session.get(Volunteer, volunteer_id).user_id
    if actor is None or user_id != actor.id:
        notify(user_id, kind, booking, **params)


def tell_grid(booking: Booking, kind: str, **params) -> None:
    for user_id in staffing.grid_watchers(booking.community_id, booking.grid_id):
        notify(user_id, kind, booking, **params)
