"""Raising a concern (提): by a resident for herself, a family manager, a micro-grid helper or staff
for someone; where it is (her flat, her building, a public place of her compound) decides its
grid. Idempotent by key."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..accounts import access as account_access
from ..accounts.models import Resident, Role, User
from ..database import utcnow
from ..errors import Conflict, invalid
from ..extensions import db
from ..places.models import Building, Compound
from ..validation import MAX_ID
from . import access
from .categories import category_by_code
from .models import (
    Concern,
    record_event,
)
from .rules import ConcernStatus


def _own_resident(user: User) -> Resident | None:
    return db.session.execute(
        sa.select(Resident).where(Resident.user_id == user.id)
    ).scalar_one_or_none()


def concern_by_key(user_id: int, key: str) -> Concern | None:
    return db.session.execute(
        sa.select(Concern).where(Concern.raised_by_id == user_id, Concern.idempotency_key == key)
    ).scalar_one_or_none()


def _building(user: User, building_id: int) -> Building:
    building = db.session.get(Building, building_id) if building_id <= MAX_ID else None
    if building is None or building.community_id != user.community_id:
        raise invalid("building_id", _l("There is no such building here."))
    return building


def _grid_of_compound(compound_id: int) -> int:
    """A concern about a shared place with no building goes to the grid of the compound's
    first building."""
    grid_id = db.session.execute(
        sa.select(Building.grid_id)
        .where(Building.compound_id == compound_id)
        .order_by(Building.id)
        .limit(1)
    ).scalar_one_or_none()
    if grid_id is None:
        raise invalid("compound_id", _l("This compound has no buildings yet."))
    return grid_id


@dataclasses.dataclass
class _Place:
    building: Building | None
    compound_id: int
    grid_id: int
    unit: str
    room: str


def _place(user: User, data: dict, resident: Resident | None) -> _Place:
    """Where the concern is: the building given, or a compound's public area, or else the flat
    of the resident it is about."""
    public_area = data.get("public_area", False)
    unit, room = data.get("unit") or "", data.get("room") or ""
    if data.get("building_id") is not None:
        building = _building(user, data["building_id"])
        if public_area:
            unit, room = "", ""
        elif resident is not None and building.id == resident.building_id and not (unit or room):
            unit, room = resident.unit, resident.room
        return _Place(building, building.compound_id, building.grid_id, unit, room)
    if data.get("compound_id") is not None:
        compound = (
            db.session.get(Compound, data["compound_id"]) if data["compound_id"] <= MAX_ID else None
        )
        if compound is None or compound.community_id != user.community_id:
            raise invalid("compound_id", _l("There is no such compound here."))
        if not public_area or not (data.get("location_note") or "").strip():
            raise invalid(
                "location_note", _l("Say where in the compound (a public area needs a place).")
            )
        return _Place(None, compound.id, _grid_of_compound(compound.id), "", "")
    if resident is None:
        raise invalid("building_id", _l("Choose the building, or the compound and the place."))
    building = resident.building
    if public_area:
        return _Place(building, building.compound_id, building.grid_id, "", "")
    return _Place(building, building.compound_id, building.grid_id, resident.unit, resident.room)


def _who_and_where(user: User, data: dict) -> tuple[Resident | None, _Place, str]:
    """The resident the concern is about (None for a patrol finding or a helper's report by
    address), its place, and where it came from; refuses what this raiser may not raise."""
    viewer = access.viewer_of(user)
    resident = None
    if data.get("on_behalf_of_resident_id") is not None:
        rid = data["on_behalf_of_resident_id"]
        resident = db.session.get(Resident, rid) if rid <= MAX_ID else None
        if (
            resident is None
            or resident.community_id != user.community_id
            or not (
                account_access.is_self_or_manager(user, resident)
                or account_access.is_staff_for(user, resident.community_id, resident.grid_id)
            )
        ):
            raise invalid(
                "on_behalf_of_resident_id", _l("You cannot raise a concern for this person.")
            )
        if not resident.active:
            raise invalid("on_behalf_of_resident_id", _l("This person's record is closed."))
        staff_for_her = not account_access.is_self_or_manager(user, resident)
        source = "staff" if staff_for_her else "resident"
        place = _place(user, data, resident)
        if place.compound_id != resident.building.compound_id and not staff_for_her:
            raise invalid("building_id", _l("Choose a place in her compound."))
        return resident, place, source

    if user.is_staff:
        place = _place(user, data, None)
        if not account_access.is_staff_for(user, user.community_id, place.grid_id):
            raise invalid("building_id", _l("This place is not in your grids."))
        return None, place, "patrol"

    own = _own_resident(user)
    helper = user.has_role(Role.micro_grid_helper)
    place = _place(user, data, own)
    if own is not None and own.active:
        flat_is_hers = (
            place.building is not None
            and place.building.id == own.building_id
            and (data.get("public_area") or (place.unit, place.room) == (own.unit, own.room))
        )
        if flat_is_hers or (data.get("public_area") and place.compound_id in viewer.compound_ids):
            return own, place, "resident"
    if helper and place.building is not None and place.building.id in viewer.helper_building_ids:
        return None, place, "micro_grid"
    if own is not None and not own.active:
        raise invalid(
            "building_id",
            _l("Your resident record is closed: ask your grid worker to raise it for you."),
        )
    raise invalid(
        "building_id",
        _l("You can raise concerns about your own home or the shared places of your compound."),
    )


def raise_concern(user: User, data: dict, idempotency_key: str | None = None) -> Concern:
    """提: a resident for herself or family, a micro-grid helper for his buildings, or staff on
    someone's behalf or from a patrol. With an Idempotency-Key a retry returns the first one."""
    if idempotency_key:
        existing = concern_by_key(user.id, idempotency_key)
        if existing is not None:
            return existing
    category = category_by_code(user.community_id, data["category"])
    if category is None or not category.active:
        raise invalid("category", _l("Choose a kind of concern."))
    if data.get("private", True) and data.get("public_area", False):
        raise invalid("private", _l("A shared place is public, not private."))
    resident, place, source = _who_and_where(user, data)
    now = utcnow()
    concern = Concern(
        status=ConcernStatus.raised,
        community_id=user.community_id,
        grid_id=place.grid_id,
        category_id=category.id,
        description=data["description"],
        building_id=place.building.id if place.building else None,
        compound_id=place.compound_id,
        unit=place.unit,
        room=place.room,
        location_note=data.get("location_note") or "",
        public_area=data.get("public_area", False),
        private=data.get("private", True),
        source=source,
        raised_by_id=user.id,
        resident_id=resident.id if resident else None,
        raised_clock_at=now,
        created_at=now,
        idempotency_key=idempotency_key,
    )
    db.session.add(concern)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        existing = concern_by_key(user.id, idempotency_key) if idempotency_key else None
        if existing is not None:
            return existing
        if idempotency_key:
            # The first request with this key is still being saved (not committed yet).
            raise Conflict(
                _l("This concern is still being sent. Wait a moment and look at your concerns.")
            ) from exc
        raise
    record_event(concern.id, "raise", ConcernStatus.raised, actor_id=user.id, at=now)
    return concern
