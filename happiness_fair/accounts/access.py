"""Who may see and change a resident. One place, used by the API, the pages and the CLI."""

from __future__ import annotations

import sqlalchemy as sa

from ..errors import Forbidden, NotFound
from ..extensions import db
from .models import Resident, ResidentManager, User


def is_staff_for(user: User, community_id: int, grid_id: int | None) -> bool:
    """The office of the community, or a grid worker of that grid."""
    if user.community_id != community_id:
        return False
    if user.is_office:
        return True
    return user.is_grid_worker and grid_id is not None and grid_id in user.grid_ids


def manages(user: User, resident: Resident) -> bool:
    return (
        db.session.execute(
            sa.select(ResidentManager.user_id).where(
                ResidentManager.resident_id == resident.id, ResidentManager.user_id == user.id
            )
        ).first()
        is not None
    )


def is_self_or_manager(user: User, resident: Resident) -> bool:
    return resident.user_id == user.id or manages(user, resident)


def may_book_for(user: User, resident: Resident) -> bool:
    """Who may raise a request for her: herself, her managers, and on her behalf staff of her
    grid or her community's office (the one rule for the form's choices and the booking)."""
    if user.community_id != resident.community_id:
        return False
    return is_staff_for(user, resident.community_id, resident.grid_id) or is_self_or_manager(
        user, resident
    )


def can_see(user: User, resident: Resident) -> bool:
    """Herself, her managers, staff of her grid and the office. A volunteer never: he sees of
    her only what a booking shows him (bookings/access.py), never her birth date or flags."""
    if user.community_id != resident.community_id:
        return False
    return can_see_flags(user, resident)


def can_see_flags(user: User, resident: Resident) -> bool:
    # Staff first: known from the sign-in, while a manager is asked of the database (a list of
    # residents asked it twice a row for the office).
    return is_staff_for(user, resident.community_id, resident.grid_id) or is_self_or_manager(
        user, resident
    )


def visible_resident(user: User, resident_id: int) -> Resident:
    """The resident, or 404 when there is none or the caller may not see her."""
    resident = db.session.get(Resident, resident_id)
    if resident is None or not can_see(user, resident):
        raise NotFound()
    return resident


def require_staff_for(user: User, resident: Resident) -> None:
    if not is_staff_for(user, resident.community_id, resident.grid_id):
        raise Forbidden()
