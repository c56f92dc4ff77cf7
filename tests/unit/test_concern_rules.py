"""The concern state machine (提、交、落、回) as a pure table: who may move a concern from which
state to which, and the answer (404 / 403 / 409) for everyone else."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from happiness_fair.concerns import rules
from happiness_fair.concerns.rules import Action, ConcernStatus, Relation, Verdict

S = ConcernStatus


def test_the_whole_loop_raised_to_closed_through_a_handler():
    path = [
        (Action.accept, S.accepted),
        (Action.hand_over, S.handed_over),
        (Action.handler_answer, S.handed_over),
        (Action.done, S.done),
        (Action.report_satisfied, S.reported_back),
        (Action.close, S.closed),
    ]
    status = S.raised
    for action, expected in path:
        assert rules.decide(action, status, Relation.grid_staff) is Verdict.ALLOWED
        status = rules.next_status(status, action)
        assert status is expected


def test_not_satisfied_reopens_and_unreachable_stays_done():
    assert rules.next_status(S.done, Action.report_not_satisfied) is S.accepted
    assert rules.next_status(S.done, Action.report_unreachable) is S.done
    assert rules.next_status(S.done, Action.report_partly) is S.reported_back


def test_the_grid_can_do_it_itself_or_through_a_volunteer_booking():
    assert rules.next_status(S.accepted, Action.in_hand) is S.in_hand
    assert rules.next_status(S.accepted, Action.to_booking) is S.in_hand
    assert rules.next_status(S.in_hand, Action.booking_done) is S.done
    assert rules.next_status(S.in_hand, Action.booking_cancelled) is S.in_hand


@pytest.mark.parametrize("relation", [Relation.party, Relation.neighbour, Relation.helper])
@pytest.mark.parametrize("action", [a for a in Action if a not in (Action.me_too,)])
def test_residents_never_move_a_concern(relation, action):
    verdict = rules.decide(action, S.raised, relation)
    assert verdict is Verdict.FORBIDDEN


def test_someone_who_cannot_see_it_hears_404_before_anything_else():
    for action in Action:
        for status in S:
            assert rules.decide(action, status, Relation.none) is Verdict.NOT_FOUND


def test_a_move_the_state_forbids_is_a_conflict_for_staff():
    assert rules.decide(Action.accept, S.accepted, Relation.office) is Verdict.CONFLICT
    assert rules.decide(Action.done, S.raised, Relation.grid_staff) is Verdict.CONFLICT
    assert rules.decide(Action.close, S.handed_over, Relation.grid_staff) is Verdict.CONFLICT
    with pytest.raises(KeyError):
        rules.next_status(S.closed, Action.accept)


def test_me_too_is_for_neighbours_while_the_concern_is_open():
    for status in rules.OPEN_STATUSES:
        assert rules.decide(Action.me_too, status, Relation.neighbour) is Verdict.ALLOWED
        assert rules.decide(Action.me_too, status, Relation.helper) is Verdict.ALLOWED
        assert rules.decide(Action.me_too, status, Relation.grid_staff) is Verdict.FORBIDDEN
    assert rules.decide(Action.me_too, S.done, Relation.neighbour) is Verdict.CONFLICT


def test_only_the_linked_booking_moves_the_system_actions():
    assert rules.decide(Action.booking_done, S.in_hand, Relation.office) is Verdict.FORBIDDEN
    assert rules.decide(Action.booking_done, S.in_hand, Relation.system) is Verdict.ALLOWED


def test_every_person_action_has_an_api_path():
    people = set(Action) - {Action.booking_done, Action.booking_cancelled}
    assert set(rules.PATHS) == people


def test_escalation_after_24_hours_and_overdue_after_the_due_day():
    raised = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    assert not rules.is_due_for_escalation(raised, raised + timedelta(hours=23, minutes=59))
    assert rules.is_due_for_escalation(raised, raised + timedelta(hours=24))
    due = date(2026, 11, 10)
    assert not rules.is_overdue(S.handed_over, due, due)
    assert rules.is_overdue(S.handed_over, due, due + timedelta(days=1))
    assert not rules.is_overdue(S.done, due, due + timedelta(days=5))
    assert rules.is_due_soon(S.handed_over, due, due - timedelta(days=2))
    assert not rules.is_due_soon(S.handed_over, due, due - timedelta(days=3))


def test_a_place_is_a_building_or_a_compound_with_a_note():
    assert rules.place_is_valid(
        building_id=1, compound_id=None, location_note="", public_area=False
    )
    assert rules.place_is_valid(
        building_id=None, compound_id=2, location_note="东门", public_area=True
    )
    assert not rules.place_is_valid(
        building_id=None, compound_id=2, location_note=" ", public_area=True
    )
    assert not rules.place_is_valid(
        building_id=None, compound_id=2, location_note="东门", public_area=False
    )
