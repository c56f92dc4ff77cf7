"""Who the caller is to a booking: how a person stands to it (their Relation), what he may see
of it, and the facts of the booking the rules read. Whether a move is allowed is decided by
rules.py alone; this module turns its answer into the error to raise (404 / 403 / 409) and the
buttons to offer. One place, for the API, the pages and the buttons.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import versions
from ..accounts import security
from ..accounts.models import Resident, ResidentManager, User
from ..catalogue import service as catalogue_service
from ..catalogue.models import Volunteer, VolunteerStatus, volunteer_categories, volunteer_grids
from ..database import prebuilt, utcnow
from ..errors import Conflict, DomainError, Forbidden, NotFound
from ..extensions import db
from . import rules
from .models import Booking, BookingEvent
from .rules import Action, BookingStatus, Relation, Verdict


class Change(enum.StrEnum):
    """Fixing what was typed (PATCH /bookings/{id}): the contact phone and the door note, by
    the booking's people (and staff acting for them), until the volunteer starts. Not a move of
    state, so the rules' table does not list it."""

    edit = "edit"


EDIT = Change.edit
Move = Action | Change  # what the functions below judge
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
# The accepted volunteer knows whom he serves from acceptance until the booking is confirmed or
# 7 days after its completion (PRODUCT.md "Bookings"); then he no longer needs it.
VOLUNTEER_WINDOW_STATUSES = frozenset(
    {
        BookingStatus.accepted,
        BookingStatus.in_progress,
        BookingStatus.completed,
        BookingStatus.disputed,
    }
)
VOLUNTEER_WINDOW_AFTER_COMPLETION = timedelta(days=7)
QUOTE_FIELDS = (
    "labour_fee_fen",
    "waived_fen",
    "materials_fen",
    "amount_due_fen",
    "waiver_rule",
    "waiver_pending_verification",
)

STATUS_NAMES = {
    BookingStatus.requested: _l("requested"),
    BookingStatus.accepted: _l("accepted"),
    BookingStatus.in_progress: _l("in progress"),
    BookingStatus.completed: _l("completed"),
    BookingStatus.confirmed: _l("confirmed"),
    BookingStatus.disputed: _l("disputed"),
    BookingStatus.cancelled: _l("cancelled"),
}

FOLLOW_UP_STAFF = _l("Follow-up calls are made by grid workers and the community office.")
STAFF_THERE = _l("Staff earn no volunteer hours in the grids they serve as staff.")
RULED_OUT = _l(
    "Your work on this job was found not done, so it is open for another volunteer, not for you."
)
RULED_OUT_HAND_OVER = _l("His work on this job was found not done: hand it to another volunteer.")

# --- who is looking -----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Volunteering:
    """What the bookings read of a person's volunteer record: his standing, skills and grids
    (ids alone: no record and collections to build on every signed-in request)."""

    id: int
    community_id: int
    status: VolunteerStatus
    category_ids: frozenset[int]
    grid_ids: frozenset[int]
    user: User  # whether he is staff where a job is (catalogue_service.is_staff_there)

    @property
    def is_approved(self) -> bool:
        return self.status == VolunteerStatus.approved


@dataclasses.dataclass(frozen=True)
class Viewer:
    """What decides how a person stands to any booking: a snapshot, read once per request and
    again after the request changes what it is made of, so ask viewer_of() rather than keep one
    across a change."""

    user: User
    volunteer: Volunteering | None
    resident_ids: frozenset[int]  # her own resident record and the people she manages

    @property
    def id(self) -> int:
        return self.user.id


# What a viewer is made of: a change to any of these in the request reads him again.
_VIEWER_TABLES = frozenset(
    {"volunteers", "volunteer_categories", "volunteer_grids", "residents", "resident_managers"}
)


def viewer_of(user: User) -> Viewer:
    """Who the person is to the bookings, read once per request (several steps ask): with the
    sign-in (_keep_from_account), or again after a change to what he is made of."""
    return versions.memo(("viewer", user.id), _VIEWER_TABLES, lambda: _read_viewer(user))


def _ids_of(column, *where):
    """The ids in `column` of the rows that `where` picks for the account (correlated to
    users), as one comma-separated value."""
    return (
        sa.select(sa.func.aggregate_strings(sa.cast(column, sa.String), ","))
        .where(*where)
        .correlate(User)
        .scalar_subquery()
    )


def _of_volunteer(column):
    return sa.select(column).where(Volunteer.user_id == User.id).correlate(User).scalar_subquery()


def _of_his_record(link, column):
    """The ids in `column` of `link`'s rows for his volunteer record (skills, grids)."""
    return _ids_of(column, link.c.volunteer_id == Volunteer.id, Volunteer.user_id == User.id)


def _with_account() -> list:
    """What a viewer is made of, as scalar subqueries over the account: his volunteer record's
    id, community and standing, its skills and grids, and the residents he is or manages."""
    return [
        _of_volunteer(Volunteer.id),
        _of_volunteer(Volunteer.community_id),
        _of_volunteer(Volunteer.status),
        _of_his_record(volunteer_categories, volunteer_categories.c.category_id),
        _of_his_record(volunteer_grids, volunteer_grids.c.grid_id),
        _ids_of(Resident.id, Resident.user_id == User.id),
        _ids_of(ResidentManager.resident_id, ResidentManager.user_id == User.id),
    ]


def _split(ids: str | None) -> frozenset[int]:
    return frozenset(int(i) for i in ids.split(",")) if ids else frozenset()


def _viewer_from(user: User, values) -> Viewer:
    """The viewer from _with_account()'s values; no values (an account with no row): nobody."""
    if values is None:
        return Viewer(user=user, volunteer=None, resident_ids=frozenset())
    volunteer_id, community_id, status, categories, grids, own, managed = values
    volunteer = None
    if volunteer_id is not None:
        volunteer = Volunteering(
            id=volunteer_id,
            community_id=community_id,
            status=VolunteerStatus(status),
            category_ids=_split(categories),
            grid_ids=_split(grids),
            user=user,
        )
    return Viewer(user=user, volunteer=volunteer, resident_ids=_split(own) | _split(managed))


def _keep_from_account(user: User, values) -> None:
    """Who the person is to the bookings is all in the sign-in's values: no statement of its own."""
    viewer = _viewer_from(user, values)
    versions.memo(("viewer", user.id), _VIEWER_TABLES, lambda: viewer)


def init_app(app) -> None:
    security.read_with_account(app, "booking_viewer", _with_account, _keep_from_account)


def _read_viewer(user: User) -> Viewer:
    """The same values read alone (after a change in the request, or for another account)."""
    stmt = prebuilt(
        "access.read_viewer",
        lambda: sa.select(*_with_account()).where(User.id == sa.bindparam("uid", type_=sa.Integer)),
    )
    return _viewer_from(user, db.session.execute(stmt, {"uid": user.id}).one_or_none())


def _qualifies(volunteer: Volunteer, booking: Booking) -> bool:
    """An approved volunteer with the skill who serves the booking's grid (and is not staff
    there: staff earn no volunteer hours in their own grids)."""
    return (
        volunteer.status == VolunteerStatus.approved
        and volunteer.community_id == booking.community_id
        and booking.category_id in volunteer.category_ids
        and booking.grid_id in volunteer.grid_ids
        and not catalogue_service.is_staff_there(volunteer, booking.community_id, booking.grid_id)
    )


# What relations() reads besides the booking: the viewer and his account's roles and grids.
_HELD_TABLES = _VIEWER_TABLES | {"users", "user_roles", "staff_grids"}


def relations(viewer: Viewer, booking: Booking) -> frozenset[Relation]:
    """Every way this person stands to the booking. A candidate is anyone who could take it,
    whatever its state (so a volunteer a moment too late hears 409, not 404).

    Worked out once per transaction for this viewer and the booking's facts it reads (a booking
    in a list is asked some eight times: what it shows, its quote, its contact, its actions).
    A change to his roles, grids, skills or residents counts once the session has flushed it,
    which every writer does before anything asks again."""
    key = (
        "held",
        id(viewer),  # a snapshot the entry holds, so no other can take its id while it lives
        viewer.user.community_id,
        booking.booker_id,
        booking.beneficiary_id,
        booking.community_id,
        booking.grid_id,
        booking.volunteer_id,
        booking.category_id,
    )
    return versions.memo(key, _HELD_TABLES, lambda: (viewer, _relations(viewer, booking)))[1]


def _relations(viewer: Viewer, booking: Booking) -> frozenset[Relation]:
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
    return frozenset(held)


def held_by(
    viewer: Viewer, booking: Booking, held: frozenset[Relation] | None
) -> frozenset[Relation]:
    """`held` when the caller has worked relations(viewer, booking) out already (a booking's
    view asks every question below and works them out once), else relations() itself."""
    return relations(viewer, booking) if held is None else held


def can_see(viewer: Viewer, booking: Booking, held: frozenset[Relation] | None = None) -> bool:
    held = held_by(viewer, booking, held)
    return bool(held - {Relation.candidate}) or (
        Relation.candidate in held and _open_to_candidate(viewer, booking)
    )


def _open_to_candidate(viewer: Viewer, booking: Booking) -> bool:
    """An open request he could take: not one a settled dispute found he had not done (it is
    open again for another volunteer, so he no longer sees it or its photos)."""
    return booking.is_open_request and viewer.volunteer.id not in ruled_out_ids(booking)


def volunteer_window_open(booking: Booking, now: datetime | None = None) -> bool:
    """From acceptance until confirmation, or 7 days after completion, whichever is first."""
    if booking.status not in VOLUNTEER_WINDOW_STATUSES:
        return False
    if booking.completed_at is None:
        return True
    return (now or utcnow()) < booking.completed_at + VOLUNTEER_WINDOW_AFTER_COMPLETION


def sees_private(
    viewer: Viewer,
    booking: Booking,
    now: datetime | None = None,
    held: frozenset[Relation] | None = None,
) -> bool:
    """The names of the booking's people and the contact phone: the people and staff; the
    accepted volunteer (home visit or fair stall) within his window. Everything a volunteer is
    shown of a booking (API, pages, export) asks this."""
    held = held_by(viewer, booking, held)
    if held & PEOPLE:
        return True
    return Relation.volunteer in held and _in_his_window(viewer, booking, now)


def _in_his_window(viewer: Viewer, booking: Booking, now: datetime | None) -> bool:
    """His job's window is open, and he is still trusted to enter homes: a suspended volunteer
    sees nothing private of any job, even one he finished (he no longer needs it)."""
    return viewer.volunteer.status != VolunteerStatus.suspended and volunteer_window_open(
        booking, now
    )


def sees_address(
    viewer: Viewer,
    booking: Booking,
    now: datetime | None = None,
    held: frozenset[Relation] | None = None,
) -> bool:
    """Address and door note: as sees_private, and to a volunteer for home visits only (a fair
    booking happens at his stall)."""
    held = held_by(viewer, booking, held)
    if held & PEOPLE:
        return True
    return booking.mode == "home" and sees_private(viewer, booking, now, held)


def sees_photos(
    viewer: Viewer,
    booking: Booking,
    now: datetime | None = None,
    held: frozenset[Relation] | None = None,
) -> bool:
    """Photos: the candidates of an open request and the named volunteer while it is requested,
    so they can judge whether they can do it; then the accepted volunteer within his window."""
    held = held_by(viewer, booking, held)
    if held & PEOPLE:
        return True
    if Relation.candidate in held and _open_to_candidate(viewer, booking):
        return True
    if Relation.volunteer in held and booking.status == BookingStatus.requested:
        return True
    return Relation.volunteer in held and _in_his_window(viewer, booking, now)


def sees_waiver_reason(
    viewer: Viewer, booking: Booking, held: frozenset[Relation] | None = None
) -> bool:
    """Which rule waived the fee can reveal a resident flag (低保, disability, living alone),
    and flags are never shown to volunteers."""
    return bool(held_by(viewer, booking, held) & PEOPLE)


def quote_for(viewer: Viewer, booking: Booking, held: frozenset[Relation] | None = None) -> dict:
    """The quote as this person may see it: a volunteer (or a candidate) sees only what to
    collect, since the labour fee, the waiver and its rule together can reveal a flag (低保)."""
    quote = dict(booking.quote)
    if sees_waiver_reason(viewer, booking, held):
        return quote
    return {
        **{name: None for name in QUOTE_FIELDS},
        "amount_due_fen": quote.get("amount_due_fen"),
    }


def relation_to(viewer: Viewer, booking: Booking, action: Move) -> Relation:
    """The relation this person acts in for this move (rules.relation_for over all he holds)."""
    held = relations(viewer, booking)
    visible = can_see(viewer, booking)
    if action == EDIT:
        if not visible:
            return Relation.none
        return rules.best_relation(lambda r: rules.decide_edit(booking.status, r), held)[1]
    return rules.relation_for(action, booking.status, held, visible=visible)


def ruled_out_ids(booking: Booking) -> frozenset[int]:
    """The volunteers whose work on this booking a settled dispute found not done: it is never
    theirs again. Read from its timeline when loaded (every page and list loads it)."""
    if "events" in booking.__dict__:
        return frozenset(
            e.ruled_out_volunteer_id for e in booking.events if e.ruled_out_volunteer_id
        )
    return frozenset(
        db.session.execute(
            sa.select(BookingEvent.ruled_out_volunteer_id).where(
                BookingEvent.booking_id == booking.id,
                BookingEvent.ruled_out_volunteer_id.is_not(None),
            )
        ).scalars()
    )


def facts_of(viewer: Viewer, booking: Booking) -> rules.Facts:
    """What the rules' conditions read of this booking and of the person acting on it."""
    volunteer = viewer.volunteer
    acting_volunteer = volunteer is not None and booking.volunteer_id == volunteer.id
    # Only a request can be taken, and only a volunteer may be barred from taking it.
    ruled_out = (
        volunteer is not None
        and booking.status == BookingStatus.requested
        and volunteer.id in ruled_out_ids(booking)
    )
    return rules.Facts(
        mode=booking.mode,
        volunteer_named=booking.volunteer_id is not None,
        completed_at=booking.completed_at,
        paid=booking.paid,
        amount_due_fen=amount_due_fen(booking),
        service_date=booking.date,
        no_show=booking.no_show,
        followed_up=booking.followed_up,
        volunteer_approved=not acting_volunteer or volunteer.is_approved,
        staff_there=acting_volunteer
        and catalogue_service.is_staff_there(volunteer, booking.community_id, booking.grid_id),
        ruled_out=ruled_out,
    )


def state_conflict(booking: Booking, action: Move) -> Conflict:
    if action == Action.accept and booking.status in WORK_STATUSES:
        return Conflict(_l("Another volunteer has already taken this request."))
    if action == Action.follow_up:
        return Conflict(_l("A follow-up call is made once the job is done."))
    return Conflict(
        _l(
            "This cannot be done while the booking is %(status)s.",
            status=STATUS_NAMES[booking.status],
        )
    )


def _why_message(why: rules.Why, booking: Booking):
    if why is rules.Why.no_show_too_early:
        return _l("You can report this from the day of the service on.")
    return {
        rules.Why.not_approved: _l("Only approved volunteers take jobs."),
        rules.Why.staff_there: STAFF_THERE,
        rules.Why.ruled_out: RULED_OUT,
        rules.Why.handed_to_another: _l("This request was handed to another volunteer."),
        rules.Why.hand_over_first: _l("Hand this request to a volunteer first."),
        rules.Why.nobody_to_decline: _l("No volunteer has this request to decline."),
        rules.Why.fair_seat_fixed: _l(
            "A fair-day slot cannot be moved. Cancel it and book another slot."
        ),
        rules.Why.dispute_window_over: _l("The 7 days for a dispute have passed."),
        rules.Why.nothing_due: _l("Nothing is due for this booking."),
        rules.Why.no_show_reported: _l(
            "You have already reported that the volunteer did not come."
        ),
        rules.Why.followed_up: _l("This booking has already been followed up."),
    }[why]


def refusal(
    viewer: Viewer, booking: Booking, action: Move, now: datetime | None = None
) -> tuple[DomainError | None, Relation]:
    """Why this person may not do this now (the rules' answer as an error to raise), or None
    when they may; and the relation they act in."""
    now = now or utcnow()
    relation = relation_to(viewer, booking, action)
    if action == EDIT:
        verdict, why = rules.decide_edit(booking.status, relation), None
    else:
        verdict, why = rules.judge(action, booking.status, relation, facts_of(viewer, booking), now)
    if verdict is Verdict.ALLOWED:
        return None, relation
    if verdict is Verdict.NOT_FOUND:
        return NotFound(), relation
    if verdict is Verdict.FORBIDDEN:
        if why is not None:
            return Forbidden(_why_message(why, booking)), relation
        if action == Action.follow_up:
            return Forbidden(FOLLOW_UP_STAFF), relation
        return Forbidden(_l("Your role cannot do this to a booking.")), relation
    if why is not None:
        return Conflict(_why_message(why, booking)), relation
    return state_conflict(booking, action), relation


def amount_due_fen(booking: Booking) -> int:
    """What the beneficiary owes as the booking's quote stands now."""
    return int((booking.quote or {}).get("amount_due_fen") or 0)


def can(action: Move, user: User, booking: Booking, viewer: Viewer | None = None) -> bool:
    """May this person do this to this booking now? For the buttons: the rules' answer, less a
    repeat that would change nothing (marking paid what is already marked paid)."""
    viewer = viewer or viewer_of(user)
    if action == EDIT:
        return refusal(viewer, booking, action)[0] is None
    relation = relation_to(viewer, booking, action)
    return rules.offered(action, booking.status, relation, facts_of(viewer, booking), utcnow())


def api_actions(
    viewer: Viewer,
    booking: Booking,
    now: datetime | None = None,
    held: frozenset[Relation] | None = None,
) -> list[str]:
    """A booking's `actions` in the API: each move the rules offer, spelled as its path segment."""
    held = held_by(viewer, booking, held)
    moves = rules.allowed_actions(
        booking.status,
        held,
        facts_of(viewer, booking),
        now or utcnow(),
        visible=can_see(viewer, booking, held),
    )
    return rules.path_segments(moves)
