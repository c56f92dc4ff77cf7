"""The booking state machine, checked cell by cell against a table written out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from happiness_fair.bookings.rules import (
    MINUTES_RANGE,
    Action,
    BookingStatus,
    Facts,
    Relation,
    Verdict,
    Why,
    allowed_actions,
    can_dispute_at,
    can_report_no_show,
    decide,
    is_due_for_auto_confirm,
    is_due_for_escalation,
    judge,
    minutes_are_valid,
    next_status,
    path_segments,
)

# Every (status, action, relation) cell. A = allowed, F = forbidden (403: the role can never do
# it), C = conflict (409: only the state forbids it), N = not found (404: may not see it).
# Written from PRODUCT.md "Bookings", not from the module's tables.
RELATION_COLUMNS = ("volunteer", "candidate", "party", "grid_staff", "office", "none")
EXPECTED_GRID = """
requested    accept           A A F A A N
requested    decline          A F F A A N
requested    start            C F F C C N
requested    complete         C F F C C N
requested    confirm          F F C C C N
requested    dispute          F F C C C N
requested    resolve_confirm  F F F C C N
requested    resolve_reopen   F F F C C N
requested    cancel           F F A A A N
requested    reschedule       F F A A A N
requested    no_show          F F C C C N
requested    assign           F F F A A N
requested    paid             C F C C C N
requested    follow_up        F F F C C N

accepted     accept           C C F C C N
accepted     decline          A F F A A N
accepted     start            A F F A A N
accepted     complete         C F F C C N
accepted     confirm          F F C C C N
accepted     dispute          F F C C C N
accepted     resolve_confirm  F F F C C N
accepted     resolve_reopen   F F F C C N
accepted     cancel           F F A A A N
accepted     reschedule       F F A A A N
accepted     no_show          F F A A A N
accepted     assign           F F F C C N
accepted     paid             C F C C C N
accepted     follow_up        F F F C C N

in_progress  accept           C C F C C N
in_progress  decline          C F F C C N
in_progress  start            C F F C C N
in_progress  complete         A F F A A N
in_progress  confirm          F F C C C N
in_progress  dispute          F F C C C N
in_progress  resolve_confirm  F F F C C N
in_progress  resolve_reopen   F F F C C N
in_progress  cancel           F F C C C N
in_progress  reschedule       F F C C C N
in_progress  no_show          F F C C C N
in_progress  assign           F F F C C N
in_progress  paid             C F C C C N
in_progress  follow_up        F F F C C N

completed    accept           C C F C C N
completed    decline          C F F C C N
completed    start            C F F C C N
completed    complete         C F F C C N
completed    confirm          F F A A A N
completed    dispute          F F A A A N
completed    resolve_confirm  F F F C C N
completed    resolve_reopen   F F F C C N
completed    cancel           F F C C C N
completed    reschedule       F F C C C N
completed    no_show          F F C C C N
completed    assign           F F F C C N
completed    paid             A F A A A N
completed    follow_up        F F F A A N

disputed     accept           C C F C C N
disputed     decline          C F F C C N
disputed     start            C F F C C N
disputed     complete         C F F C C N
disputed     confirm          F F C C C N
disputed     dispute          F F C C C N
disputed     resolve_confirm  F F F A A N
disputed     resolve_reopen   F F F A A N
disputed     cancel           F F C C C N
disputed     reschedule       F F C C C N
disputed     no_show          F F C C C N
disputed     assign           F F F C C N
disputed     paid             A F A A A N
disputed     follow_up        F F F A A N

confirmed    accept           C C F C C N
confirmed    decline          C F F C C N
confirmed    start            C F F C C N
confirmed    complete         C F F C C N
confirmed    confirm          F F C C C N
confirmed    dispute          F F C C C N
confirmed    resolve_confirm  F F F C C N
confirmed    resolve_reopen   F F F C C N
confirmed    cancel           F F C C C N
confirmed    reschedule       F F C C C N
confirmed    no_show          F F C C C N
confirmed    assign           F F F C C N
confirmed    paid             A F A A A N
confirmed    follow_up        F F F A A N

cancelled    accept           C C F C C N
cancelled    decline          C F F C C N
cancelled    start            C F F C C N
cancelled    complete         C F F C C N
cancelled    confirm          F F C C C N
cancelled    dispute          F F C C C N
cancelled    resolve_confirm  F F F C C N
cancelled    resolve_reopen   F F F C C N
cancelled    cancel           F F C C C N
cancelled    reschedule       F F C C C N
cancelled    no_show          F F C C C N
cancelled    assign           F F F C C N
cancelled    paid             C F C C C N
cancelled    follow_up        F F F C C N
"""
LETTER = {
    "A": Verdict.ALLOWED,
    "F": Verdict.FORBIDDEN,
    "C": Verdict.CONFLICT,
    "N": Verdict.NOT_FOUND,
}


def _grid_cells() -> list[tuple[str, str, str, Verdict]]:
    cells = []
    for line in EXPECTED_GRID.strip().splitlines():
        if not line.strip():
            continue
        status, action, *letters = line.split()
        assert len(letters) == len(RELATION_COLUMNS), line
        for relation, letter in zip(RELATION_COLUMNS, letters, strict=True):
            cells.append((status, action, relation, LETTER[letter]))
    return cells


GRID_CELLS = _grid_cells()

# The moves that change (or keep) the state, from the diagram in PRODUCT.md.
EXPECTED_MOVES = {
    ("requested", "accept"): "accepted",
    ("requested", "decline"): "requested",
    ("requested", "cancel"): "cancelled",
    ("requested", "reschedule"): "requested",
    ("requested", "assign"): "requested",
    ("accepted", "decline"): "requested",
    ("accepted", "start"): "in_progress",
    ("accepted", "cancel"): "cancelled",
    ("accepted", "reschedule"): "accepted",
    ("accepted", "no_show"): "accepted",
    ("in_progress", "complete"): "completed",
    ("completed", "confirm"): "confirmed",
    ("completed", "dispute"): "disputed",
    ("disputed", "resolve_confirm"): "confirmed",
    ("disputed", "resolve_reopen"): "requested",
    # Recording the money and the follow-up call once the job is done; the state stays.
    ("completed", "paid"): "completed",
    ("confirmed", "paid"): "confirmed",
    ("disputed", "paid"): "disputed",
    ("completed", "follow_up"): "completed",
    ("confirmed", "follow_up"): "confirmed",
    ("disputed", "follow_up"): "disputed",
}
ALL_PAIRS = [(s.value, a.value) for s in BookingStatus for a in Action]
REFUSED_PAIRS = [pair for pair in ALL_PAIRS if pair not in EXPECTED_MOVES]


def test_expected_grid_covers_every_status_action_and_relation() -> None:
    assert len(GRID_CELLS) == len(BookingStatus) * len(Action) * len(Relation) == 588
    assert {(s, a, r) for s, a, r, _ in GRID_CELLS} == {
        (s.value, a.value, r.value) for s in BookingStatus for a in Action for r in Relation
    }


@pytest.mark.parametrize(
    ("status", "action", "relation", "expected"),
    GRID_CELLS,
    ids=[f"{s}-{a}-{r}" for s, a, r, _ in GRID_CELLS],
)
def test_each_move_by_each_relation_in_each_state_gets_the_expected_verdict(
    status: str, action: str, relation: str, expected: Verdict
) -> None:
    assert decide(Action(action), BookingStatus(status), Relation(relation)) is expected


@pytest.mark.parametrize(
    ("status", "action"), list(EXPECTED_MOVES), ids=[f"{s}-{a}" for s, a in EXPECTED_MOVES]
)
def test_an_allowed_move_leads_to_the_state_in_the_diagram(status: str, action: str) -> None:
    assert next_status(BookingStatus(status), Action(action)) is BookingStatus(
        EXPECTED_MOVES[(status, action)]
    )


@pytest.mark.parametrize(
    ("status", "action"), REFUSED_PAIRS, ids=[f"{s}-{a}" for s, a in REFUSED_PAIRS]
)
def test_a_move_the_state_forbids_has_no_next_state(status: str, action: str) -> None:
    with pytest.raises(KeyError):
        next_status(BookingStatus(status), Action(action))


@pytest.mark.parametrize("status", ["confirmed", "cancelled"])
def test_nothing_leaves_a_confirmed_or_cancelled_booking(status: str) -> None:
    for relation in Relation:
        for action in allowed_actions(status, relation):
            # only recording the money paid or the follow-up call, which keeps the state
            assert action in (Action.paid, Action.follow_up)
            assert next_status(status, action) == status
    assert all(allowed_actions("cancelled", relation) == [] for relation in Relation)


def test_a_volunteer_a_moment_too_late_gets_a_conflict_not_a_refusal() -> None:
    assert decide("accept", "accepted", "candidate") is Verdict.CONFLICT


def test_a_stranger_learns_nothing_even_about_impossible_moves() -> None:
    assert decide("resolve_confirm", "cancelled", "none") is Verdict.NOT_FOUND


@pytest.mark.parametrize(
    ("status", "relation", "expected"),
    [
        ("requested", "volunteer", ["accept", "decline"]),
        ("requested", "candidate", ["accept"]),
        ("requested", "party", ["cancel", "reschedule"]),
        ("requested", "grid_staff", ["accept", "decline", "cancel", "reschedule", "assign"]),
        ("accepted", "volunteer", ["decline", "start"]),
        ("accepted", "candidate", []),
        ("accepted", "party", ["cancel", "reschedule", "no_show"]),
        ("in_progress", "volunteer", ["complete"]),
        ("in_progress", "party", []),
        ("completed", "party", ["confirm", "dispute", "paid"]),
        ("completed", "volunteer", ["paid"]),
        ("completed", "grid_staff", ["confirm", "dispute", "paid", "follow_up"]),
        ("disputed", "party", ["paid"]),
        ("disputed", "office", ["resolve_confirm", "resolve_reopen", "paid", "follow_up"]),
        ("confirmed", "candidate", []),
        ("requested", "none", []),
    ],
)
def test_the_buttons_shown_are_the_moves_this_person_may_make_now(
    status: str, relation: str, expected: list[str]
) -> None:
    assert allowed_actions(status, relation) == [Action(a) for a in expected]


@pytest.mark.parametrize(
    ("actions", "segments"),
    [
        (["accept", "decline"], ["accept", "decline"]),
        (["cancel", "reschedule", "no_show"], ["cancel", "reschedule", "no-show"]),
        (
            ["resolve_confirm", "resolve_reopen", "paid", "follow_up"],
            ["resolve", "paid", "follow-up"],
        ),
    ],
)
def test_the_api_spells_each_move_as_its_path_segment(actions, segments) -> None:
    assert path_segments([Action(a) for a in actions]) == segments


def test_plain_strings_from_a_form_or_the_database_are_understood() -> None:
    assert decide("accept", "requested", "candidate") is Verdict.ALLOWED
    assert next_status("in_progress", "complete") == "completed"


@pytest.mark.parametrize(
    "args",
    [("fly", "requested", "party"), ("accept", "lost", "party"), ("accept", "requested", "boss")],
)
def test_an_unknown_action_status_or_relation_is_an_error(args: tuple[str, str, str]) -> None:
    with pytest.raises(ValueError):
        decide(*args)


COMPLETED_AT = datetime(2024, 11, 4, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "may_dispute", "auto_confirm"),
    [
        (timedelta(0), True, False),
        (timedelta(days=1), True, False),
        (timedelta(days=7) - timedelta(seconds=1), True, False),
        (timedelta(days=7), False, True),
        (timedelta(days=8), False, True),
    ],
)
def test_disputes_are_possible_for_7_days_then_the_booking_confirms_itself(
    after: timedelta, may_dispute: bool, auto_confirm: bool
) -> None:
    now = COMPLETED_AT + after
    assert can_dispute_at(COMPLETED_AT, now) is may_dispute
    assert is_due_for_auto_confirm(COMPLETED_AT, now) is auto_confirm


@pytest.mark.parametrize(
    ("after", "escalate"),
    [
        (timedelta(0), False),
        (timedelta(hours=23, minutes=59, seconds=59), False),
        (timedelta(hours=24), True),
        (timedelta(days=3), True),
    ],
)
def test_a_request_nobody_accepts_within_24_hours_is_escalated(
    after: timedelta, escalate: bool
) -> None:
    started = datetime(2024, 11, 4, 1, 0, tzinfo=UTC)
    assert is_due_for_escalation(started, started + after) is escalate


@pytest.mark.parametrize(
    ("minutes", "valid"),
    [(0, False), (1, True), (90, True), (720, True), (721, False), (-5, False), (True, False)],
)
def test_minutes_given_must_be_between_1_and_720(minutes: int, valid: bool) -> None:
    assert MINUTES_RANGE == (1, 720)
    assert minutes_are_valid(minutes) is valid


def test_a_no_show_is_reported_from_the_service_day_on_and_once():
    day = date(2026, 12, 5)
    assert not can_report_no_show(day, date(2026, 11, 30), already_reported=False)
    assert not can_report_no_show(day, date(2026, 12, 4), already_reported=False)
    assert can_report_no_show(day, day, already_reported=False)
    assert can_report_no_show(day, date(2026, 12, 6), already_reported=False)
    assert not can_report_no_show(day, day, already_reported=True)


def test_the_kept_relation_answers_the_same_to_names_and_members():
    """relation_for keeps its answers: a move named as text gets the member's answer, in the
    Relation enum, whichever form was asked first."""
    from happiness_fair.bookings.rules import relation_for

    assert relation_for("accept", "accepted", ["candidate"], visible=False) is Relation.candidate
    assert (
        relation_for(Action.accept, BookingStatus.accepted, [Relation.candidate], visible=False)
        is Relation.candidate
    )
    assert relation_for("confirm", "completed", ["party"], visible=True) is Relation.party
    assert (
        relation_for(Action.confirm, BookingStatus.completed, {Relation.party}, visible=True)
        is Relation.party
    )


@pytest.mark.parametrize(
    ("relation", "ruled_out", "verdict"),
    [
        (Relation.candidate, True, Verdict.FORBIDDEN),
        (Relation.volunteer, True, Verdict.FORBIDDEN),
        (Relation.candidate, False, Verdict.ALLOWED),
    ],
)
def test_a_volunteer_whose_job_was_found_not_done_may_not_take_it_again(
    relation: Relation, ruled_out: bool, verdict: Verdict
) -> None:
    facts = Facts(ruled_out=ruled_out)
    answer = judge(Action.accept, BookingStatus.requested, relation, facts, datetime.now(UTC))
    assert answer == (verdict, Why.ruled_out if ruled_out else None)
