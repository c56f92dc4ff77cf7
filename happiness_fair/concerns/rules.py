"""The concern state machine (提、交、落、回): who may move a concern, from which state, to which.

Pure rules with no Flask or database, like bookings/rules.py, so the API, the pages and the
scheduled job refuse the same moves with the same answer (404 / 403 / 409).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from .. import statemachine
from ..statemachine import Verdict


class ConcernStatus(enum.StrEnum):
    """Where a concern stands; the values are what is stored and shown in the API."""

    raised = "raised"  # 提
    accepted = "accepted"  # the grid took it
    handed_over = "handed_over"  # 交: to a handler, with a due date
    in_hand = "in_hand"  # the grid does it itself, or a volunteer booking does
    done = "done"  # 落
    reported_back = "reported_back"  # 回: the resident was called
    closed = "closed"


class Action(enum.StrEnum):
    """Something a person (or the system) can do to a concern; one per button and API verb."""

    accept = "accept"
    hand_over = "hand_over"
    in_hand = "in_hand"
    to_booking = "to_booking"
    handler_answer = "handler_answer"
    done = "done"
    report_satisfied = "report_satisfied"
    report_partly = "report_partly"
    report_not_satisfied = "report_not_satisfied"
    report_unreachable = "report_unreachable"
    close = "close"
    me_too = "me_too"
    # Moved by the linked volunteer booking, never by a person directly.
    booking_done = "booking_done"
    booking_cancelled = "booking_cancelled"


class Relation(enum.StrEnum):
    """How the acting user stands to one concern; worked out by access.py, which sees the data."""

    party = "party"  # who raised it, the resident it is about, her managers
    neighbour = "neighbour"  # a resident of the compound (public concerns only)
    helper = "helper"  # the micro-grid helper of its building (public concerns only)
    grid_staff = "grid_staff"  # a grid worker of its grid
    office = "office"  # the office of its community
    system = "system"  # the linked booking moving it
    none = "none"  # may not even see it


class Outcome(enum.StrEnum):
    """What the resident said on the report-back call."""

    satisfied = "satisfied"
    partly = "partly"
    not_satisfied = "not_satisfied"
    unreachable = "unreachable"


REPORT_ACTIONS = {
    Outcome.satisfied: Action.report_satisfied,
    Outcome.partly: Action.report_partly,
    Outcome.not_satisfied: Action.report_not_satisfied,
    Outcome.unreachable: Action.report_unreachable,
}

OPEN_STATUSES = frozenset(
    {
        ConcernStatus.raised,
        ConcernStatus.accepted,
        ConcernStatus.handed_over,
        ConcernStatus.in_hand,
    }
)

S = ConcernStatus
# (state, action) -> next state. A move missing here is refused with 409.
TRANSITIONS: dict[tuple[ConcernStatus, Action], ConcernStatus] = {
    (S.raised, Action.accept): S.accepted,
    (S.accepted, Action.hand_over): S.handed_over,
    (S.in_hand, Action.hand_over): S.handed_over,
    # Handed to the wrong handler: hand it to another, with a new due date.
    (S.handed_over, Action.hand_over): S.handed_over,
    (S.accepted, Action.in_hand): S.in_hand,
    (S.handed_over, Action.in_hand): S.in_hand,
    (S.accepted, Action.to_booking): S.in_hand,
    (S.in_hand, Action.to_booking): S.in_hand,  # the service refuses a second live booking
    (S.handed_over, Action.handler_answer): S.handed_over,
    (S.handed_over, Action.done): S.done,
    (S.in_hand, Action.done): S.done,
    (S.done, Action.report_satisfied): S.reported_back,
    (S.done, Action.report_partly): S.reported_back,
    # Not satisfied reopens it: the grid has it again and decides what next.
    (S.done, Action.report_not_satisfied): S.accepted,
    # Nobody answered: it stays done, still to report back.
    (S.done, Action.report_unreachable): S.done,
    (S.reported_back, Action.close): S.closed,
    (S.done, Action.close): S.closed,  # after calls that reached nobody
    # "Me too" adds a voice to a public concern while it is still open; the state stays.
    **{(status, Action.me_too): status for status in OPEN_STATUSES},
    (S.in_hand, Action.booking_done): S.done,
    (S.in_hand, Action.booking_cancelled): S.in_hand,
}
del S

_STAFF = frozenset({Relation.grid_staff, Relation.office})

# Which relations may ever do an action, whatever the state. The grid does the work of the
# loop; residents raise and add their voice. (A handler account, later, would get a Relation
# of its own here for handler_answer and done; the concern's columns need not change.)
ACTORS: dict[Action, frozenset[Relation]] = {
    Action.accept: _STAFF,
    Action.hand_over: _STAFF,
    Action.in_hand: _STAFF,
    Action.to_booking: _STAFF,
    Action.handler_answer: _STAFF,
    Action.done: _STAFF,
    Action.report_satisfied: _STAFF,
    Action.report_partly: _STAFF,
    Action.report_not_satisfied: _STAFF,
    Action.report_unreachable: _STAFF,
    Action.close: _STAFF,
    Action.me_too: frozenset({Relation.neighbour, Relation.helper}),
    Action.booking_done: frozenset({Relation.system}),
    Action.booking_cancelled: frozenset({Relation.system}),
}

# The API path segment of each action a person can take (`POST /concerns/{id}/<segment>`).
PATHS: dict[Action, str] = {
    Action.accept: "accept",
    Action.hand_over: "hand-over",
    Action.in_hand: "in-hand",
    Action.to_booking: "to-booking",
    Action.handler_answer: "handler-answer",
    Action.done: "done",
    Action.report_satisfied: "report-back",
    Action.report_partly: "report-back",
    Action.report_not_satisfied: "report-back",
    Action.report_unreachable: "report-back",
    Action.close: "close",
    Action.me_too: "me-too",
}

ESCALATE_AFTER = timedelta(hours=24)
DUE_SOON = timedelta(days=2)
MAX_PHOTOS = 3


def decide(action: Action | str, status: ConcernStatus | str, relation: Relation | str) -> Verdict:
    """Judge one attempted move, in the order 404, 403, 409 (as bookings do)."""
    return statemachine.decide(
        Action(action),
        ConcernStatus(status),
        Relation(relation),
        nobody=Relation.none,
        actors=ACTORS,
        transitions=TRANSITIONS,
    )


def next_status(status: ConcernStatus | str, action: Action | str) -> ConcernStatus:
    """The state after a move; KeyError for a move the state forbids."""
    return TRANSITIONS[(ConcernStatus(status), Action(action))]


def is_due_for_escalation(raised_clock_at: datetime, now: datetime) -> bool:
    """Raised and nobody accepted it for 24 hours: the grid workers (else the office) hear."""
    return now >= raised_clock_at + ESCALATE_AFTER


def is_overdue(status: ConcernStatus | str, due_on: date | None, today: date) -> bool:
    """Handed over and its due date has passed (the due day itself is still in time)."""
    return (
        ConcernStatus(status) is ConcernStatus.handed_over
        and due_on is not None
        and (today > due_on)
    )


def is_due_soon(status: ConcernStatus | str, due_on: date | None, today: date) -> bool:
    """Handed over and due within two days (and not yet overdue)."""
    return (
        ConcernStatus(status) is ConcernStatus.handed_over
        and due_on is not None
        and today <= due_on <= today + DUE_SOON
    )


def place_is_valid(
    *, building_id: int | None, compound_id: int | None, location_note: str, public_area: bool
) -> bool:
    """A concern needs a place: a building, or (a public area) a compound and a description of
    where in it."""
    if building_id is not None:
        return True
    return public_area and compound_id is not None and bool(location_note.strip())
