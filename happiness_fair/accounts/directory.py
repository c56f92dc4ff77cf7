"""Finding a resident: a grid worker looks someone up by name, building and room before booking
or acting for her (PRODUCT.md "Who uses it")."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..database import page_of
from ..errors import Forbidden
from ..places.models import Building
from .models import Resident, User


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_residents(
    user: User,
    *,
    q: str | None,
    building_id: int | None,
    room: str | None,
    page: int,
    per_page: int,
    closed: bool = False,
):
    """Residents of the caller's grids (the office: its community) matching the name, building
    and room given; by name. Only active ones, unless `closed` asks for the closed records
    (moved away, passed away), whose history stays."""
    if not user.is_staff:
        raise Forbidden(_l("Only grid workers and the community office look people up."))
    stmt = sa.select(Resident).where(
        Resident.community_id == user.community_id, Resident.active.is_(not closed)
    )
    if not user.is_office:
        stmt = stmt.join(Building, Building.id == Resident.building_id).where(
            Building.grid_id.in_(user.grid_ids)
        )
    if q:
        stmt = stmt.where(Resident.name.like(f"%{_escaped(q)}%", escape="\\"))
    if building_id is not None:
        stmt = stmt.where(Resident.building_id == building_id)
    if room:
        stmt = stmt.where(Resident.room == room)
    return page_of(stmt.order_by(Resident.name, Resident.id), page, per_page)
