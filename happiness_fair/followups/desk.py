"""What the grid worker's pages need to read besides the board: the buildings of his grids,
the volunteers he can hand a request to, and the resident or booking he acts on — each only
inside his grids (the office: its community). Reading only; the acts are the services'."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts import access as account_access
from ..accounts.models import Resident, User
from ..bookings import access as booking_access
from ..bookings.models import Booking
from ..catalogue import service as catalogue_service
from ..catalogue.models import Volunteer, VolunteerStatus, volunteer_categories, volunteer_grids
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..places import service as places
from ..places.models import Building, Compound


def require_staff(user: User) -> None:
    if not user.is_staff:
        raise Forbidden(_l("This is for grid workers and the community office."))


def buildings_for(user: User) -> list[Building]:
    """The buildings of the caller's grids, by compound and name, for the address fields."""
    require_staff(user)
    stmt = (
        sa.select(Building)
        .join(Compound, Compound.id == Building.compound_id)
        .where(Building.community_id == user.community_id)
        .order_by(Compound.name, Building.name, Building.id)
    )
    if not user.is_office:
        stmt = stmt.where(Building.grid_id.in_(user.grid_ids))
    return places.in_natural_order(db.session.scalars(stmt).all())


def resident_for(user: User, resident_id: int) -> Resident:
    """A resident of the caller's grids, or 404 (the same answer as for nobody at all)."""
    require_staff(user)
    resident = db.session.get(Resident, resident_id)
    if resident is None or not account_access.is_staff_for(
        user, resident.community_id, resident.grid_id
    ):
        raise NotFound()
    return resident


def open_bookings_of(resident: Resident) -> int:
    """How many of her bookings closing her record would cancel (bookings.people.OPEN), for the
    page that asks staff to confirm."""
    from ..bookings.people import OPEN

    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Booking)
        .where(Booking.beneficiary_id == resident.id, Booking.status.in_(OPEN))
    ).scalar_one()


def booking_in_scope(user: User, booking: Booking) -> bool:
    return account_access.is_staff_for(user, booking.community_id, booking.grid_id)


def hand_over_choices(booking: Booking, q: str | None = None) -> list[Volunteer]:
    """Approved volunteers of the booking's community with its skill (only they may receive
    it), those serving its grid first; `q` finds them by part of the name. The service still
    judges the one chosen."""
    stmt = (
        sa.select(Volunteer)
        .join(Volunteer.user)
        .join(volunteer_categories, volunteer_categories.c.volunteer_id == Volunteer.id)
        .where(
            Volunteer.community_id == booking.community_id,
            Volunteer.status == VolunteerStatus.approved,
            volunteer_categories.c.category_id == booking.category_id,
        )
        .order_by(Volunteer.id)
    )
    if q:
        stmt = stmt.where(sa.func.lower(User.name).contains(q.strip().lower(), autoescape=True))
    ruled_out = booking_access.ruled_out_ids(booking)
    volunteers = [
        v
        for v in db.session.execute(stmt).scalars().all()
        if not catalogue_service.is_staff_there(v, booking.community_id, booking.grid_id)
        and v.id not in ruled_out
    ]
    in_grid = set(
        db.session.execute(
            sa.select(volunteer_grids.c.volunteer_id).where(
                volunteer_grids.c.grid_id == booking.grid_id
            )
        ).scalars()
    )

    def rank(v: Volunteer) -> tuple:
        return (v.id not in in_grid, v.name, v.id)

    return sorted(volunteers, key=rank)
