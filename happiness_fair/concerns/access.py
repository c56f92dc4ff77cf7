"""Who may see and do what to a concern: how a person stands to it (their Relation) and the
verdict of rules.decide() for that relation. One place for the API, the pages and the buttons.

- A private concern (her flat): her people (who raised it, she, her managers) and the staff of
  its grid or community, no one else.
- A public concern (a shared place): also the residents of its compound, and the micro-grid
  helper of its building. Being a volunteer grants nothing.
- Another community sees nothing.
"""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import Resident, ResidentManager, User
from ..errors import Conflict, DomainError, Forbidden, NotFound
from ..extensions import db
from ..places.models import Building
from . import rules
from .models import Concern, MicroGridBuilding
from .rules import Action, ConcernStatus, Relation, Verdict

STAFF = frozenset({Relation.grid_staff, Relation.office})
PEOPLE = frozenset({Relation.party}) | STAFF

STATUS_NAMES = {
    ConcernStatus.raised: _l("raised"),
    ConcernStatus.accepted: _l("accepted by the grid"),
    ConcernStatus.handed_over: _l("handed over"),
    ConcernStatus.in_hand: _l("in hand"),
    ConcernStatus.done: _l("done"),
    ConcernStatus.reported_back: _l("reported back"),
    ConcernStatus.closed: _l("closed"),
}

_VERDICT_ORDER = (Verdict.ALLOWED, Verdict.CONFLICT, Verdict.FORBIDDEN, Verdict.NOT_FOUND)


@dataclasses.dataclass(frozen=True)
class Viewer:
    """What decides how a person stands to any concern, loaded once per request."""

    user: User
    resident_ids: frozenset[int]  # her own record and the people she manages
    compound_ids: frozenset[int]  # where she, or people with accounts she manages, live
    helper_building_ids: frozenset[int]  # buildings she serves as a micro-grid helper

    @property
    def id(self) -> int:
        return self.user.id


def helper_buildings(user_id: int) -> list[int]:
    """The buildings he serves as a micro-grid helper, while his own resident record is open
    (closing it ends the appointment; this holds for any row left from before it did)."""
    return sorted(
        db.session.execute(
            sa.select(MicroGridBuilding.building_id)
            .join(Resident, Resident.user_id == MicroGridBuilding.user_id)
            .where(MicroGridBuilding.user_id == user_id, Resident.active.is_(True))
        ).scalars()
    )


def viewer_of(user: User) -> Viewer:
    own = sa.select(Resident.id).where(Resident.user_id == user.id)
    managed = sa.select(ResidentManager.resident_id).where(ResidentManager.user_id == user.id)
    ids = frozenset(db.session.execute(sa.union(own, managed)).scalars())
    # Neighbours by verified facts (review B #7): her own record, and the people she manages who
    # have their own account (they declared their address and invited her). A household member
    # she added herself (no account) is self-declared, any building: it makes her no neighbour.
    compounds = frozenset(
        db.session.execute(
            sa.select(Building.compound_id)
            .join(Resident, Resident.building_id == Building.id)
            .where(
                Resident.id.in_(ids or [0]),
                Resident.active.is_(True),
                Resident.user_id.is_not(None),  # hers, or an account's that invited her
            )
        ).scalars()
    )
    return Viewer(
        user=user,
        resident_ids=ids,
        compound_ids=compounds,
        helper_building_ids=frozenset(helper_buildings(user.id)),
    )


def relations(viewer: Viewer, concern: Concern) -> set[Relation]:
    user = viewer.user
    held: set[Relation] = set()
    if user.community_id != concern.community_id:
        return held
    if concern.raised_by_id == user.id or concern.resident_id in viewer.resident_ids:
        held.add(Relation.party)
    if user.is_office:
        held.add(Relation.office)
    if user.is_grid_worker and concern.grid_id in user.grid_ids:
        held.add(Relation.grid_staff)
    if not concern.private:
        if concern.compound_id in viewer.compound_ids:
            held.add(Relation.neighbour)
        if concern.building_id is not None and concern.building_id in viewer.helper_building_ids:
            held.add(Relation.helper)
    return held


def can_see(viewer: Viewer, concern: Concern) -> bool:
    return bool(relations(viewer, concern))


def sees_people(viewer: Viewer, concern: Concern) -> bool:
    """Who raised it, for whom, and the flat: her people and staff only."""
    return bool(relations(viewer, concern) & PEOPLE)


def judge(viewer: Viewer, concern: Concern, action: Action | str) -> tuple[Verdict, Relation]:
    """The verdict for this person, using whichever relation lets them go furthest."""
    held = relations(viewer, concern)
    best = (Verdict.NOT_FOUND, Relation.none)
    for relation in sorted(held):
        verdict = rules.decide(action, concern.status, relation)
        if _VERDICT_ORDER.index(verdict) < _VERDICT_ORDER.index(best[0]):
            best = (verdict, relation)
    return best


def state_conflict(concern: Concern) -> Conflict:
    return Conflict(
        _l(
            "This cannot be done while the concern is %(status)s.",
            status=STATUS_NAMES[concern.status],
        )
    )


def refusal(viewer: Viewer, concern: Concern, action: Action | str) -> DomainError | None:
    """Why this person may not do this now (an error to raise), or None when they may."""
    verdict, _relation = judge(viewer, concern, action)
    if verdict is Verdict.NOT_FOUND:
        return NotFound()
    if verdict is Verdict.FORBIDDEN:
        return Forbidden(_l("Your role cannot do this to a concern."))
    if verdict is Verdict.CONFLICT:
        return state_conflict(concern)
    if action == Action.to_booking:
        if concern.resident_id is None:
            return Conflict(_l("A volunteer booking needs a resident; this concern has none."))
        if concern.public_area:
            # A booking is always at a resident's home, with her phone and her waiver: a shared
            # place's problem would send the volunteer to her flat. Hand it over instead.
            return Conflict(
                _l(
                    "A problem in a shared place cannot become a volunteer booking: a booking "
                    "goes to a resident's home. Hand it to a handler or do it yourself."
                )
            )
        if concern.booking_id is not None:
            return Conflict(_l("This concern already has a volunteer booking."))
    if action == Action.done and concern.booking_id is not None:
        return Conflict(_l("The volunteer booking will mark this concern done when confirmed."))
    return None


def allowed_actions(viewer: Viewer, concern: Concern) -> list[str]:
    """The API path segments of the moves this person may make now, in a stable order."""
    out: list[str] = []
    for action, path in rules.PATHS.items():
        if path not in out and refusal(viewer, concern, action) is None:
            out.append(path)
    return out


def visible_clause(viewer: Viewer):
    """SQL for "the concerns this person may see" (the same rules as relations())."""
    user = viewer.user
    ids = list(viewer.resident_ids) or [0]
    parts = [Concern.raised_by_id == user.id, Concern.resident_id.in_(ids)]
    if user.is_office:
        parts.append(sa.true())
    elif user.is_grid_worker:
        parts.append(Concern.grid_id.in_(user.grid_ids or [0]))
    public = []
    if viewer.compound_ids:
        public.append(Concern.compound_id.in_(viewer.compound_ids))
    if viewer.helper_building_ids:
        public.append(Concern.building_id.in_(viewer.helper_building_ids))
    if public:
        parts.append(sa.and_(Concern.private.is_(False), sa.or_(*public)))
    return sa.and_(Concern.community_id == user.community_id, sa.or_(*parts))


def public_clause(viewer: Viewer):
    """Public concerns of her compounds and his buildings (staff: of their grids)."""
    user = viewer.user
    places = []
    if viewer.compound_ids:
        places.append(Concern.compound_id.in_(viewer.compound_ids))
    if viewer.helper_building_ids:
        places.append(Concern.building_id.in_(viewer.helper_building_ids))
    if user.is_office:
        places.append(sa.true())
    elif user.is_grid_worker:
        places.append(Concern.grid_id.in_(user.grid_ids or [0]))
    return sa.and_(
        Concern.community_id == user.community_id,
        Concern.private.is_(False),
        sa.or_(*places) if places else sa.false(),
    )
