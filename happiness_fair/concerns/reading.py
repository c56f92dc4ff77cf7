"""Reading concerns: one with its timeline, one the caller may see, the lists by viewer, and
where a concern is, in words."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..database import page_of
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..places.models import Building, Compound
from ..validation import MAX_ID
from . import access
from .categories import category_by_code
from .models import (
    Concern,
)
from .rules import ConcernStatus


def with_timeline(stmt):
    return stmt.options(selectinload(Concern.events), selectinload(Concern.photos))


def load_concern(concern_id: int) -> Concern | None:
    if concern_id > MAX_ID:
        return None
    return db.session.execute(
        with_timeline(sa.select(Concern).where(Concern.id == concern_id))
    ).scalar_one_or_none()


def visible_concern(user: User, concern_id: int, viewer: access.Viewer | None = None) -> Concern:
    concern = load_concern(concern_id)
    viewer = viewer or access.viewer_of(user)
    if concern is None or not access.can_see(viewer, concern):
        raise NotFound()
    return concern


def concerns_for(
    viewer: access.Viewer,
    *,
    scope: str | None,
    status: str | None,
    grid_id: int | None,
    category: str | None,
    page: int,
    per_page: int,
) -> tuple[list[Concern], int]:
    """The concerns the caller may see, newest first; `scope` narrows to hers (mine), her
    grids' (grid, staff only) or the public ones near her (public)."""
    user = viewer.user
    where = [access.visible_clause(viewer)]
    if scope == "mine":
        ids = list(viewer.resident_ids) or [0]
        where.append(sa.or_(Concern.raised_by_id == user.id, Concern.resident_id.in_(ids)))
    elif scope == "grid":
        if not user.is_staff:
            raise Forbidden(_l("Only grid workers and the office see a grid's concerns."))
        if not user.is_office:
            where.append(Concern.grid_id.in_(user.grid_ids or [0]))
    elif scope == "public":
        where.append(access.public_clause(viewer))
    if status:
        where.append(Concern.status == ConcernStatus(status))
    if grid_id is not None:
        where.append(Concern.grid_id == grid_id)
    if category:
        found = category_by_code(user.community_id, category)
        where.append(Concern.category_id == (found.id if found else 0))
    stmt = with_timeline(
        sa.select(Concern).where(*where).order_by(Concern.created_at.desc(), Concern.id.desc())
    )
    return page_of(stmt, page, per_page)


def place_of(concern: Concern, with_flat: bool) -> str:
    """Where it is, in words: compound, building, and the flat or the public place."""
    parts = [db.session.get(Compound, concern.compound_id).name]
    if concern.building_id is not None:
        parts.append(db.session.get(Building, concern.building_id).name)
    if with_flat and concern.unit and concern.room:
        parts.append(_("unit %(unit)s, room %(room)s", unit=concern.unit, room=concern.room))
    if concern.location_note:
        parts.append(concern.location_note)
    elif concern.public_area:
        parts.append(_("public area"))
    return " ".join(parts)
