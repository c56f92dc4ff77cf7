"""Who may see and do what to a booking: how a person stands to it (their Relation), and the
verdict of rules.decide() for that relation. One place, for the API, the pages and the buttons.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, lazyload

from .. import versions
from ..accounts import access as account_access
from ..accounts.models import Resident, ResidentManager, User
from ..catalogue.models import Volunteer, VolunteerStatus
from ..database import utcnow
from ..errors import Conflict, DomainError, Forbidden, NotFound
from ..extensions import db
from . import rules
from .models import Booking
from .rules import Action, BookingStatus, Relation, Verdict

PAID = "paid"  # marking the money received is not a move of state, so rules.py does not list it
PAID_ACTORS = frozenset({Relation.volunteer, Relation.party, Relation.grid_staff, Relation.office})
PAID_STATUSES = frozenset(
    {BookingStatus.completed, BookingStatus.confirmed, BookingStatus.disputed}
)
# From acceptance on, the volunteer needs the address and the phone number.
WORK_STATUSES = frozenset(
    {
        BookingStatus.accepted,
        BookingStatus.in_progress,
        BookingStatus.completed,
        BookingStatus.confirmed,
        BookingStatus.disputed,
    }
)
PHOTO_STATUSES = frozenset({BookingStatus.requested, BookingStatus.accepted})
PEOPLE = frozenset({Relation.party, Relation.grid_staff, Relation.office})

STATUS_NAMES = {
    BookingStatus.requested: _l("requested"),
    BookingStatus.accepted: _l("accepted"),
    BookingStatus.in_progress: _l("in progress"),
    BookingStatus.completed: _l("completed"),
    BookingStatus.confirmed: _l("confirmed"),
    BookingStatus.disputed: _l("disputed"),
    BookingStatus.cancelled: _l("cancelled"),
}

_VERDICT_ORDER = (Verdict.ALLOWED, Verdict.CONFLICT, Verdict.FORBIDDEN, Verdict.NOT_FOUND)


# --- who is looking -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Viewer:
    """What decides how a person stands to any booking, loaded once per request."""

    user: User
    volunteer: Volunteer | None
    resident_ids: frozenset[int]  # her own resident record and the people she manages

    @property
    def id(self) -> int:
        return self.user.id


# What a viewer is made of: a change to any of these in the request reads him again.
_VIEWER_TABLES = frozenset(
    {"volunteers", "volunteer_categories", "volunteer_grids", "residents", "resident_managers"}
)


def viewer_of(user: User) -> Viewer:
    """Who the person is to the bookings, read once per request (several steps ask)."""
    return versions.memo(("viewer", user.id), _VIEWER_TABLES, lambda: _read_viewer(user))


def _read_viewer(user: User) -> Viewer:
    """His volunteer record (if any) with its skills and grids, and the residents he is or
    manages, in one statement: one row per resident id (or one row with none)."""
    me = sa.select(sa.literal(user.id, sa.Integer).label("uid")).subquery()
    own = sa.select(Resident.id).where(Resident.user_id == user.id)
    managed = sa.select(ResidentManager.resident_id).where(ResidentManager.user_id == user.id)
    ids = sa.union(own, managed).subquery()
    rows = (
        db.session.execute(
            sa.select(Volunteer, ids.c.id)
            .select_from(me)
            .outerjoin(Volunteer, Volunteer.user_id == me.c.uid)
            .outerjoin(ids, sa.true())
            # His account is already loaded (it is the caller): no join; tags only if asked for.
            .options(
                lazyload(Volunteer.user),
                lazyload(Volunteer.tags),
                joinedload(Volunteer.categories),
                joinedload(Volunteer.grids),
            )
        )
        .unique()
        .all()
    )
    volunteer = rows[0][0] if rows else None
    resident_ids = frozenset(row[1] for row in rows if row[1] is not None)
    return Viewer(user=user, volunteer=volunteer, resident_ids=resident_ids)


def _qualifies(volunteer: Volunteer, booking: Booking) -> bool:
    """An approved volunteer with the skill who serves the booking's grid."""
    return (
        volunteer.status == VolunteerStatus.approved
        and volunteer.community_id == booking.community_id
        and booking.category_id in volunteer.category_ids
        and booking.grid_id in volunteer.grid_ids
    )


def relations(viewer: Viewer, booking: Booking) -> set[Relation]:
    """Every way this person stands to the booking. A candidate is anyone who could take it,
    whatever its state (so a volunteer a moment too late hears 409, not 404)."""
    user = viewer.user
    held: set[Relation] = set()
    if booking.booker_id == user.id or booking.beneficiary_id in viewer.resident_ids:
        held.add(Relation.party)
    if user.community_id == booking.community_id:
        if user.is_office:
            held.add(Relation.office)
        if user.is_grid_worker and booking.grid_id in user.grid_ids:
            held.add(Relation.grid_staff)
    volunteer = viewer.volunteer
    if volunteer is not None and volunteer.community_id == booking.community_id:
        if booking.volunteer_id == volunteer.id:
            held.add(Relation.volunteer)
        elif Relation.party not in held and _qualifies(volunteer, booking):
            held.add(Relation.candidate)
    return held


def can_see(viewer: Viewer, booking: Booking) -> bool:
    held = relations(viewer, booking)
    return bool(held - {Relation.candidate}) or (
        Relation.candidate in held and booking.is_open_request
    )


def sees_private(viewer: Viewer, booking: Booking) -> bool:
    """Address, contact phone and door note: the people and staff; the volunteer once he has
    accepted."""
    held = relations(viewer, booking)
    return bool(held & PEOPLE) or (Relation.volunteer in held and booking.status in WORK_STATUSES)


def sees_photos(viewer: Viewer, booking: Booking) -> bool:
    """Photos also go to the volunteers who may take the request, so they know what to bring."""
    held = relations(viewer, booking)
    return (
        bool(held & PEOPLE)
        or (Relation.volunteer in held and booking.status != BookingStatus.cancelled)
        or (Relation.candidate in held and booking.is_open_request)
    )


def sees_waiver_reason(viewer: Viewer, booking: Booking) -> bool:
    """Which rule waived the fee can reveal a resident flag (低保, disability, living alone),
    and flags are never shown to volunteers."""
    return bool(relations(viewer, booking) & PEOPLE)


def judge(viewer: Viewer, booking: Booking, action: Action | str) -> tuple[Verdict, Relation]:
    """The verdict for this person, using whichever of their relations lets them go furthest."""
    held = relations(viewer, booking)
    if not can_see(viewer, booking):
        if action == Action.accept and Relation.candidate in held:
            return rules.decide(action, booking.status, Relation.candidate), Relation.candidate
        return Verdict.NOT_FOUND, Relation.none
    best = (Verdict.NOT_FOUND, Relation.none)
    for relation in sorted(held):
        verdict = _decide(action, booking.status, relation)
        if _VERDICT_ORDER.index(verdict) < _VERDICT_ORDER.index(best[0]):
            best = (verdict, relation)
    return best


def _decide(action: Action | str, status: BookingStatus, relation: Relation) -> Verdict:
    if action != PAID:
        return rules.decide(action, status, relation)
    if relation not in PAID_ACTORS:
        return Verdict.FORBIDDEN
    return Verdict.ALLOWED if status in PAID_STATUSES else Verdict.CONFLICT


def state_conflict(booking: Booking, action: Action | str) -> Conflict:
    if action == Action.accept and booking.status in WORK_STATUSES:
        return Conflict(_l("Another volunteer has already taken this request."))
    return Conflict(
        _l(
            "This cannot be done while the booking is %(status)s.",
            status=STATUS_NAMES[booking.status],
        )
    )


def refusal(
    viewer: Viewer, booking: Booking, action: Action | str, now: datetime | None = None
) -> tuple[DomainError | None, Relation]:
    """Why this person may not do this now (an error to raise), or None when they may."""
    now = now or utcnow()
    verdict, relation = judge(viewer, booking, action)
    if verdict is Verdict.NOT_FOUND:
        return NotFound(), relation
    if verdict is Verdict.FORBIDDEN:
        return Forbidden(_l("Your role cannot do this to a booking.")), relation
    if verdict is Verdict.CONFLICT:
        return state_conflict(booking, action), relation
    staff = relation in (Relation.grid_staff, Relation.office)
    if action == Action.accept:
        if relation is Relation.volunteer and not viewer.volunteer.is_approved:
            return Forbidden(_l("Only approved volunteers take jobs.")), relation
        if relation is Relation.candidate and booking.volunteer_id is not None:
            return Conflict(_l("This request was handed to another volunteer.")), relation
        if staff and booking.volunteer_id is None:
            return Conflict(_l("Hand this request to a volunteer first.")), relation
    if action == Action.decline and booking.volunteer_id is None:
        return Conflict(_l("No volunteer has this request to decline.")), relation
    if action == Action.dispute and not (
        booking.completed_at and rules.can_dispute_at(booking.completed_at, now)
    ):
        return Conflict(_l("The 7 days for a dispute have passed.")), relation
    return None, relation


def can(action: Action | str, user: User, booking: Booking, viewer: Viewer | None = None) -> bool:
    """May this person do this to this booking now? For the buttons and for the request."""
    viewer = viewer or viewer_of(user)
    return refusal(viewer, booking, action)[0] is None


def allowed_actions(viewer: Viewer, booking: Booking) -> list[str]:
    """The buttons to show, in a stable order (with `paid` last)."""
    now = utcnow()
    candidates = [a.value for a in Action] + [PAID]
    if booking.paid:
        candidates.remove(PAID)
    return [a for a in candidates if refusal(viewer, booking, a, now)[0] is None]


# --- others' reasons to look at a resident ------------------------------------------------


def volunteer_sees_beneficiary(user: User, resident: Resident) -> bool:
    """The volunteer of an accepted (or later) booking for her may see her resident record."""
    return (
        db.session.execute(
            sa.select(Booking.id)
            .join(Volunteer, Volunteer.id == Booking.volunteer_id)
            .where(
                Booking.beneficiary_id == resident.id,
                Volunteer.user_id == user.id,
                Booking.status.in_(WORK_STATUSES),
            )
            .limit(1)
        ).first()
        is not None
    )


if volunteer_sees_beneficiary not in account_access.extra_viewers:
    account_access.extra_viewers.append(volunteer_sees_beneficiary)
