"""The booking state machine: who may move a booking, from which state, to which state, and
every other condition on a move (the dispute window, something due before `paid`, the no-show
date, an answered follow-up, a fair seat that cannot move, ...).

Pure rules with no Flask or database, so the API, the pages and the scheduled jobs all refuse the
same moves with the same answer (404 / 403 / 409), decided before anything is written. How the
caller stands to a booking (the Relation) and the facts of the booking are worked out by
access.py, which sees the data.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from ..places.clock import service_date_of


class BookingStatus(enum.StrEnum):
    """Where a booking stands; the values are what is stored and shown in the API."""

    requested = "requested"
    accepted = "accepted"
    in_progress = "in_progress"
    completed = "completed"
    confirmed = "confirmed"
    disputed = "disputed"
    cancelled = "cancelled"


class Action(enum.StrEnum):
    """Something a person can do to a booking; one per button and per API verb."""

    accept = "accept"
    decline = "decline"
    start = "start"
    complete = "complete"
    confirm = "confirm"
    dispute = "dispute"
    resolve_confirm = "resolve_confirm"
    resolve_reopen = "resolve_reopen"
    cancel = "cancel"
    reschedule = "reschedule"
    no_show = "no_show"
    assign = "assign"
    paid = "paid"  # the money was paid at the door: a flag, the state stays
    follow_up = "follow_up"  # the grid's follow-up call (回访), recorded by the followups part


class Relation(enum.StrEnum):
    """How the acting user stands to one booking; worked out by access.py, which sees the data.

    If a user stands in several relations (a volunteer who is also the booker), best_relation()
    picks the one that lets him go furthest with the action; the rules judge one at a time.
    """

    volunteer = "volunteer"  # the booking's named or assigned volunteer
    candidate = "candidate"  # an approved volunteer who may take this open request (skill & grid)
    party = "party"  # the booker, the beneficiary's own account, or one of her managers
    grid_staff = "grid_staff"  # a grid worker of the booking's grid
    office = "office"  # the office of the booking's community
    none = "none"  # may not even see the booking


class Verdict(enum.Enum):
    """The answer to "may this person do this now?"; maps to 200 / 404 / 403 / 409."""

    ALLOWED = "allowed"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"


class Period(enum.StrEnum):
    """The part of the day a resident would like the visit."""

    morning = "morning"
    afternoon = "afternoon"
    evening = "evening"


# (state, action) -> next state. A move missing here is refused with 409.
TRANSITIONS: dict[tuple[BookingStatus, Action], BookingStatus] = {
    (BookingStatus.requested, Action.accept): BookingStatus.accepted,
    # A named request declined by its volunteer opens again; moving._decline un-names it.
    (BookingStatus.requested, Action.decline): BookingStatus.requested,
    (BookingStatus.accepted, Action.decline): BookingStatus.requested,
    (BookingStatus.accepted, Action.start): BookingStatus.in_progress,
    (BookingStatus.in_progress, Action.complete): BookingStatus.completed,
    (BookingStatus.completed, Action.confirm): BookingStatus.confirmed,
    # The 7-day window is checked by can_dispute_at, not here.
    (BookingStatus.completed, Action.dispute): BookingStatus.disputed,
    (BookingStatus.disputed, Action.resolve_confirm): BookingStatus.confirmed,
    # Resolved against the volunteer: the same booking is open again for another volunteer.
    (BookingStatus.disputed, Action.resolve_reopen): BookingStatus.requested,
    (BookingStatus.requested, Action.cancel): BookingStatus.cancelled,
    (BookingStatus.accepted, Action.cancel): BookingStatus.cancelled,
    (BookingStatus.requested, Action.reschedule): BookingStatus.requested,
    (BookingStatus.accepted, Action.reschedule): BookingStatus.accepted,
    # "The volunteer did not come" raises the escalation flag; the state stays.
    (BookingStatus.accepted, Action.no_show): BookingStatus.accepted,
    # Hand-over (交): staff name a volunteer on a request; it stays requested.
    (BookingStatus.requested, Action.assign): BookingStatus.requested,
    # Marked paid once the job is done; the state stays (moving.transition skips a repeat).
    (BookingStatus.completed, Action.paid): BookingStatus.completed,
    (BookingStatus.confirmed, Action.paid): BookingStatus.confirmed,
    (BookingStatus.disputed, Action.paid): BookingStatus.disputed,
    # The follow-up call once the job is done; its record may lead to a confirm (followups).
    (BookingStatus.completed, Action.follow_up): BookingStatus.completed,
    (BookingStatus.confirmed, Action.follow_up): BookingStatus.confirmed,
    (BookingStatus.disputed, Action.follow_up): BookingStatus.disputed,
}

_STAFF = frozenset({Relation.grid_staff, Relation.office})
_VOLUNTEER = frozenset({Relation.volunteer}) | _STAFF
_PARTY = frozenset({Relation.party}) | _STAFF

# Which relations may ever do an action, whatever the state. Staff may act for anyone without a
# smartphone, so they may do everything; only staff resolve disputes and hand requests over.
ACTORS: dict[Action, frozenset[Relation]] = {
    Action.accept: _VOLUNTEER | {Relation.candidate},
    Action.decline: _VOLUNTEER,
    Action.start: _VOLUNTEER,
    Action.complete: _VOLUNTEER,
    Action.confirm: _PARTY,
    Action.dispute: _PARTY,
    Action.resolve_confirm: _STAFF,
    Action.resolve_reopen: _STAFF,
    Action.cancel: _PARTY,
    Action.reschedule: _PARTY,
    Action.no_show: _PARTY,
    Action.assign: _STAFF,
    Action.paid: _VOLUNTEER | _PARTY,
    Action.follow_up: _STAFF,
}

# The last segment of each move's path, POST /api/v1/bookings/{id}/<segment>, which is how the
# API's `actions` spells it (API.md). Both ways of settling a dispute are `resolve` (its body
# says which); a move not listed is spelled as its value.
PATH_SEGMENTS: dict[Action, str] = {
    Action.resolve_confirm: "resolve",
    Action.resolve_reopen: "resolve",
    Action.no_show: "no-show",
    Action.follow_up: "follow-up",
}

FINAL_STATUSES = frozenset({BookingStatus.confirmed, BookingStatus.cancelled})
# Moves that only record something (the money paid, the follow-up call): they keep the state, and
# they are the only moves a final state allows.
RECORDS = frozenset({Action.paid, Action.follow_up})

DISPUTE_WINDOW = timedelta(days=7)
AUTO_CONFIRM_AFTER = timedelta(days=7)
ESCALATE_AFTER = timedelta(hours=24)

# Minutes a volunteer may record when completing a job, inclusive.
MINUTES_RANGE = (1, 720)


@functools.cache
def decide(action: Action, status: BookingStatus, relation: Relation) -> Verdict:
    """Judge one attempted move; checked in the order 404, 403, 409 so nobody learns more than
    their relation entitles them to. (The table never changes, so each answer is kept: a list
    of bookings asks it for every move of every booking.)"""
    action, status, relation = Action(action), BookingStatus(status), Relation(relation)
    if relation is Relation.none:
        return Verdict.NOT_FOUND
    if relation not in ACTORS[action]:
        return Verdict.FORBIDDEN
    if (status, action) not in TRANSITIONS:
        return Verdict.CONFLICT
    return Verdict.ALLOWED


def next_status(status: BookingStatus, action: Action) -> BookingStatus:
    """The state after a move; raises KeyError for a move the state forbids (and ValueError for
    an unknown status or action), so a caller that skipped decide() cannot write a bad state."""
    return TRANSITIONS[(BookingStatus(status), Action(action))]


def status_after(status: BookingStatus, action: Action, *, fair: bool) -> BookingStatus:
    """The state after a move for a booking of this mode: a fair booking never becomes an open
    request, so declined (its stall withdrawn, its fair day cancelled, its volunteer suspended)
    it is cancelled."""
    after = next_status(status, action)
    if fair and Action(action) is Action.decline:
        return BookingStatus.cancelled
    return after


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the conditions beyond the table read of one booking and of the person acting on it,
    as plain values (access.facts_of() reads them)."""

    mode: str = "home"  # "home" or "fair"
    volunteer_named: bool = False  # a volunteer is named on it, or has it
    completed_at: datetime | None = None
    paid: bool = False
    amount_due_fen: int = 0
    service_date: date | None = None
    no_show: bool = False  # "the volunteer did not come" already reported
    followed_up: bool = False  # a follow-up call was answered
    volunteer_approved: bool = True  # the acting volunteer is approved
    staff_there: bool = False  # the acting volunteer is staff where the work is
    ruled_out: bool = False  # the acting volunteer's work on it was ruled not done


class Why(enum.StrEnum):
    """Why a move the table allows is refused all the same (each has its message in access.py)."""

    not_approved = "not_approved"  # 403
    staff_there = "staff_there"  # 403
    ruled_out = "ruled_out"  # 403: his work on it was ruled not done; it is for another volunteer
    handed_to_another = "handed_to_another"  # 409 ...
    hand_over_first = "hand_over_first"
    nobody_to_decline = "nobody_to_decline"
    fair_seat_fixed = "fair_seat_fixed"
    dispute_window_over = "dispute_window_over"
    nothing_due = "nothing_due"
    no_show_reported = "no_show_reported"
    no_show_too_early = "no_show_too_early"
    followed_up = "followed_up"
    already_paid = "already_paid"  # not offered (a repeat changes nothing), but not refused


FORBIDDING = frozenset({Why.not_approved, Why.staff_there, Why.ruled_out})
_STAFF_RELATIONS = frozenset({Relation.grid_staff, Relation.office})


def why_not(action: Action, relation: Relation, facts: Facts, now: datetime) -> Why | None:
    """The conditions on a move beyond the table (which must already allow it); `now` is the
    aware moment of the attempt, its service day worked out by the caller into facts."""
    if action is Action.accept:
        if relation is Relation.volunteer and not facts.volunteer_approved:
            return Why.not_approved
        if relation is Relation.volunteer and facts.staff_there:
            return Why.staff_there
        # A dispute settled against him reopens the request "for another volunteer" (PRODUCT.md).
        if relation in (Relation.volunteer, Relation.candidate) and facts.ruled_out:
            return Why.ruled_out
        if relation is Relation.candidate and facts.volunteer_named:
            return Why.handed_to_another
        if relation in _STAFF_RELATIONS and not facts.volunteer_named:
            return Why.hand_over_first
    if action is Action.reschedule and facts.mode == "fair":
        return Why.fair_seat_fixed
    if action is Action.decline and not facts.volunteer_named:
        return Why.nobody_to_decline
    if action is Action.dispute and not (
        facts.completed_at and can_dispute_at(facts.completed_at, now)
    ):
        return Why.dispute_window_over
    if action is Action.paid and not facts.paid and facts.amount_due_fen <= 0:
        return Why.nothing_due
    if action is Action.no_show:
        if facts.no_show:
            return Why.no_show_reported
        if facts.service_date is None or not can_report_no_show(
            facts.service_date, service_date_of(now), facts.no_show
        ):
            return Why.no_show_too_early
    if action is Action.follow_up and facts.followed_up:
        return Why.followed_up
    return None


def judge(
    action: Action, status: BookingStatus, relation: Relation, facts: Facts, now: datetime
) -> tuple[Verdict, Why | None]:
    """The whole answer to one attempted move: the table first (404, 403, 409 in that order),
    then the conditions."""
    verdict = decide(action, status, relation)
    if verdict is not Verdict.ALLOWED:
        return verdict, None
    why = why_not(action, relation, facts, now)
    if why is None:
        return Verdict.ALLOWED, None
    return (Verdict.FORBIDDEN if why in FORBIDDING else Verdict.CONFLICT), why


_VERDICT_ORDER = (Verdict.ALLOWED, Verdict.CONFLICT, Verdict.FORBIDDEN, Verdict.NOT_FOUND)


def best_relation(
    verdict_of: Callable[[Relation], Verdict], held: Iterable[Relation]
) -> tuple[Verdict, Relation]:
    """Of the relations a person holds to a booking, the one that lets him go furthest by
    `verdict_of` (ALLOWED before CONFLICT before FORBIDDEN), and its verdict."""
    best = (Verdict.NOT_FOUND, Relation.none)
    for relation in sorted(held):
        verdict = verdict_of(relation)
        if _VERDICT_ORDER.index(verdict) < _VERDICT_ORDER.index(best[0]):
            best = (verdict, relation)
    return best


def relation_for(
    action: Action, status: BookingStatus, held: Iterable[Relation], *, visible: bool
) -> Relation:
    """The relation a person acts in: the best of those he holds; for one who may not see the
    booking, none, except a candidate a moment too late to accept it (he hears 409, not 404)."""
    held = frozenset(r if type(r) is Relation else Relation(r) for r in held)
    return _relation_for(Action(action), BookingStatus(status), held, visible)


@functools.cache
def _relation_for(
    action: Action, status: BookingStatus, held: frozenset[Relation], visible: bool
) -> Relation:
    if not visible:
        if action is Action.accept and Relation.candidate in held:
            return Relation.candidate
        return Relation.none
    return best_relation(lambda relation: decide(action, status, relation), held)[1]


def offered(
    action: Action, status: BookingStatus, relation: Relation, facts: Facts, now: datetime
) -> bool:
    """Whether to offer this move, as a button and in the API's `actions`: allowed, and not a
    repeat that would change nothing (marking paid what is already marked paid)."""
    if action is Action.paid and facts.paid:
        return False
    return judge(action, status, relation, facts, now)[0] is Verdict.ALLOWED


def allowed_actions(
    status: BookingStatus,
    held: Relation | Iterable[Relation],
    facts: Facts | None = None,
    now: datetime | None = None,
    *,
    visible: bool = True,
) -> list[Action]:
    """The moves to offer a person who holds these relations to a booking, in a stable order:
    by the table alone, or, given the booking's facts and the moment, with every condition as
    well (what the API's `actions` and the pages' buttons show)."""
    status = BookingStatus(status)
    held = frozenset({Relation(held)} if isinstance(held, str) else {Relation(r) for r in held})
    moves = _table_moves(status, held, visible)
    if facts is None or now is None:
        return [action for action, _relation in moves]
    return [action for action, relation in moves if offered(action, status, relation, facts, now)]


@functools.cache
def _table_moves(
    status: BookingStatus, held: frozenset[Relation], visible: bool
) -> tuple[tuple[Action, Relation], ...]:
    """The moves the table alone allows, in a stable order, each with the relation it is made
    in; only these are then judged by their conditions (a list asks this of every booking)."""
    moves = []
    for action in Action:
        relation = _relation_for(action, status, held, visible)
        if decide(action, status, relation) is Verdict.ALLOWED:
            moves.append((action, relation))
    return tuple(moves)


# Fixing what was typed (PATCH /bookings/{id}: the contact phone and the door note) is not a
# move of state, so the table does not list it: the booking's people and staff acting for them,
# until the volunteer starts.
EDIT_ACTORS = frozenset({Relation.party, Relation.grid_staff, Relation.office})
EDIT_STATUSES = frozenset({BookingStatus.requested, BookingStatus.accepted})


def decide_edit(status: BookingStatus, relation: Relation) -> Verdict:
    if relation is Relation.none:
        return Verdict.NOT_FOUND
    if relation not in EDIT_ACTORS:
        return Verdict.FORBIDDEN
    return Verdict.ALLOWED if status in EDIT_STATUSES else Verdict.CONFLICT


def path_segments(actions: list[Action]) -> list[str]:
    """The moves as the API spells them, in the same order, each once."""
    return list(dict.fromkeys(PATH_SEGMENTS.get(a, a.value) for a in actions))


def can_dispute_at(completed_at: datetime, now: datetime) -> bool:
    """A dispute is possible until (not including) 7 days after completion.

    Exactly at the 7-day mark auto-confirmation takes over, so the two never overlap.
    Both datetimes must be aware (or both naive on the same clock).
    """
    return now < completed_at + DISPUTE_WINDOW


def can_report_no_show(service_date: date, today: date, already_reported: bool) -> bool:
    """ "The volunteer did not come" can be said only on or after the service date (today in
    Asia/Shanghai, which the caller works out) and only once per booking: the grid worker is told
    once, not again on every press."""
    return not already_reported and today >= service_date


def is_due_for_auto_confirm(completed_at: datetime, now: datetime) -> bool:
    """A completed booking nobody disputed for 7 days is confirmed by the scheduler."""
    return now >= completed_at + AUTO_CONFIRM_AFTER


def is_due_for_escalation(requested_clock_started_at: datetime, now: datetime) -> bool:
    """A request nobody accepted for 24 hours goes to the grid workers; a decline restarts the
    clock, so the caller passes when the clock last started."""
    return now >= requested_clock_started_at + ESCALATE_AFTER


def minutes_are_valid(minutes: int) -> bool:
    """Minutes recorded at completion must lie in MINUTES_RANGE (1 to 720, a long day)."""
    low, high = MINUTES_RANGE
    return not isinstance(minutes, bool) and isinstance(minutes, int) and low <= minutes <= high


def settled_as(outcome: str) -> Action:
    """Settling a dispute: "confirm" counts the job done; anything else opens the request again."""
    return Action.resolve_confirm if outcome == "confirm" else Action.resolve_reopen
