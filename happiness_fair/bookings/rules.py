"""The booking state machine: who may move a booking, from which state, to which state.

Pure rules with no Flask or database, so the API, the pages and the scheduled jobs all refuse the
same moves with the same answer (404 / 403 / 409).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta


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

    A user may stand in several relations (a volunteer who is also the booker): access.py
    works them all out (relations()) and judge() keeps whichever lets them go furthest; these
    rules judge one relation at a time.
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
    # A named request declined by its volunteer becomes an open request; the service un-names it.
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
    # Marking the money paid, once the job is done; the state stays (the service skips a repeat).
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


def decide(action: Action | str, status: BookingStatus | str, relation: Relation | str) -> Verdict:
    """Judge one attempted move; checked in the order 404, 403, 409 so nobody learns more than
    their relation entitles them to."""
    action, status, relation = Action(action), BookingStatus(status), Relation(relation)
    if relation is Relation.none:
        return Verdict.NOT_FOUND
    if relation not in ACTORS[action]:
        return Verdict.FORBIDDEN
    if (status, action) not in TRANSITIONS:
        return Verdict.CONFLICT
    return Verdict.ALLOWED


def next_status(status: BookingStatus | str, action: Action | str) -> BookingStatus:
    """The state after a move; raises KeyError for a move the state forbids (and ValueError for
    an unknown status or action), so a caller that skipped decide() cannot write a bad state."""
    return TRANSITIONS[(BookingStatus(status), Action(action))]


def status_after(status: BookingStatus | str, action: Action | str, *, fair: bool) -> BookingStatus:
    """The state after a move for a booking of this mode: a fair booking never becomes an open
    request, so declined (its stall withdrawn, its fair day cancelled, its volunteer suspended)
    it is cancelled."""
    after = next_status(status, action)
    if fair and Action(action) is Action.decline:
        return BookingStatus.cancelled
    return after


def allowed_actions(status: BookingStatus | str, relation: Relation | str) -> list[Action]:
    """The buttons to show this person on this booking, in a stable order."""
    return [a for a in Action if decide(a, status, relation) is Verdict.ALLOWED]


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
