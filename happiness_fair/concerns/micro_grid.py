"""Micro-grid helpers (微网格员): residents the office appoints for some buildings, who raise
concerns for their neighbours there."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from .. import audit
from ..accounts import access as account_access
from ..accounts.events import resident_closing, resident_deactivated
from ..accounts.models import Resident, Role, User, UserRole
from ..errors import Conflict, Forbidden, invalid
from ..extensions import db
from ..places.models import Building
from ..places.service import in_natural_order
from ..validation import MAX_ID
from .models import (
    MicroGridBuilding,
)


def appoint_micro_grid_helper(user: User, resident_id: int, building_ids: list[int]) -> list[int]:
    """(Office) a resident with an account serves these buildings; an empty list ends it."""
    resident = account_access.visible_resident(user, resident_id)
    if not user.is_office:
        raise Forbidden(_l("Only the office appoints micro-grid helpers."))
    if resident.user_id is None:
        raise Conflict(_l("A micro-grid helper needs an account of her own."))
    if building_ids and not resident.active:
        raise Conflict(_l("This resident's record is closed: reopen it first."))
    wanted = sorted(set(building_ids))
    found = set(
        db.session.execute(
            sa.select(Building.id).where(
                Building.id.in_([b for b in wanted if b <= MAX_ID] or [0]),
                Building.community_id == user.community_id,
            )
        ).scalars()
    )
    if set(wanted) - found:
        raise invalid("building_ids", _l("There is no such building here."))
    return _serve(user, resident, wanted)


def _building_names(building_ids) -> list[str]:
    """Buildings as the audit log names them: "虹桥东村 152幢", in the order of the pages."""
    if not building_ids:
        return []
    buildings = db.session.scalars(
        sa.select(Building)
        .where(Building.id.in_(list(building_ids)))
        .options(joinedload(Building.compound))
    ).all()
    return [f"{b.compound.name} {b.name}" for b in in_natural_order(buildings)]


def _served_by(user_id: int) -> list[int]:
    return sorted(
        db.session.execute(
            sa.select(MicroGridBuilding.building_id).where(MicroGridBuilding.user_id == user_id)
        ).scalars()
    )


def _serve(actor: User, resident: Resident, wanted: list[int], **detail) -> list[int]:
    """The one writer of an appointment: he serves `wanted` from now (none: it ends), audited
    with the buildings in words, before and after."""
    before = _served_by(resident.user_id)
    if before == wanted:
        return wanted  # nothing changes: nothing to write, nothing to audit
    db.session.execute(
        sa.delete(MicroGridBuilding).where(MicroGridBuilding.user_id == resident.user_id)
    )
    for building_id in wanted:
        db.session.add(MicroGridBuilding(user_id=resident.user_id, building_id=building_id))
    has_role = db.session.execute(
        sa.select(UserRole).where(
            UserRole.user_id == resident.user_id, UserRole.role == Role.micro_grid_helper
        )
    ).scalar_one_or_none()
    if wanted and has_role is None:
        db.session.add(UserRole(user_id=resident.user_id, role=Role.micro_grid_helper))
    elif not wanted and has_role is not None:
        db.session.delete(has_role)
    db.session.flush()
    if wanted:
        detail["buildings"] = _building_names(wanted)
    if before:
        detail["before"] = _building_names(before)
    audit.record_by(
        actor,
        "micro_grid.appoint" if wanted else "micro_grid.end",
        "resident",
        resident.id,
        **detail,
    )
    return wanted


def end_with_closed_record(resident: Resident, *, actor: User, reason: str, **_details) -> None:
    """A closed record (moved away, passed away) serves no buildings: his appointment ends with
    it, audited as done by the staff member who closed the record, with the reason."""
    if resident.user_id is not None:  # _serve() writes nothing for one who served nothing
        _serve(actor, resident, [], reason=reason or "other")


def what_closing_ends(resident: Resident) -> str | None:
    """For the page that asks before a record is closed: the appointment that would end."""
    served = _served_by(resident.user_id) if resident.user_id is not None else []
    if not served:
        return None
    return _("The micro-grid appointment ends: %(buildings)s.", buildings="、".join(
        _building_names(served)
    ))  # fmt: skip


def init_app(app) -> None:
    resident_deactivated.connect(end_with_closed_record)
    resident_closing.connect(what_closing_ends)


def micro_grid_helpers(user: User) -> list[tuple[Resident, list[Building]]]:
    """(Office) the community's micro-grid helpers, each with the buildings he serves."""
    if not user.is_office:
        raise Forbidden(_l("Only the office appoints micro-grid helpers."))
    rows = db.session.execute(
        sa.select(Resident, Building)
        .join(MicroGridBuilding, MicroGridBuilding.user_id == Resident.user_id)
        .join(Building, Building.id == MicroGridBuilding.building_id)
        .where(Resident.community_id == user.community_id)
        .order_by(Resident.name, Resident.id, Building.compound_id, Building.id)
    ).all()
    helpers: dict[int, tuple[Resident, list[Building]]] = {}
    for resident, building in rows:
        helpers.setdefault(resident.id, (resident, []))[1].append(building)
    return list(helpers.values())


def resident_with_account(user: User, phone: str) -> Resident:
    """(Office) the resident of the community whose own account has this phone number (a
    closed record too: appointing him then says to reopen it first)."""
    resident = db.session.execute(
        sa.select(Resident)
        .join(User, User.id == Resident.user_id)
        .where(User.phone == phone, Resident.community_id == user.community_id)
    ).scalar_one_or_none()
    if resident is None:
        raise invalid("phone", _l("No resident of the community has an account with this number."))
    return resident
