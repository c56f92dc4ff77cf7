"""Property: whatever people try, in whatever order, a booking is only ever in a defined state,
reached by a defined move, and a final state allows nothing more."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from happiness_fair.bookings.rules import (
    FINAL_STATUSES,
    RECORDS,
    TRANSITIONS,
    Action,
    BookingStatus,
    Relation,
    Verdict,
    allowed_actions,
    decide,
    next_status,
)

attempts = st.lists(st.tuples(st.sampled_from(Action), st.sampled_from(Relation)), max_size=40)


@given(attempts)
def test_any_sequence_of_attempts_stays_in_defined_states(sequence):
    status = BookingStatus.requested
    for action, relation in sequence:
        verdict = decide(action, status, relation)
        assert verdict in Verdict
        if verdict is Verdict.ALLOWED:
            assert action in allowed_actions(status, relation)
            after = next_status(status, action)
            assert (status, action) in TRANSITIONS and after in BookingStatus
            status = after
        else:
            assert action not in allowed_actions(status, relation)
    assert status in BookingStatus


@given(st.sampled_from(sorted(FINAL_STATUSES)), st.sampled_from(Action), st.sampled_from(Relation))
def test_a_final_state_allows_no_move(status, action, relation):
    """Only recording the money or the follow-up call, which keeps the state as it is."""
    if action in RECORDS:
        if decide(action, status, relation) is Verdict.ALLOWED:
            assert next_status(status, action) is status
    else:
        assert decide(action, status, relation) is not Verdict.ALLOWED


@given(st.sampled_from(BookingStatus), st.sampled_from(sorted(RECORDS)))
def test_recording_money_or_a_call_never_changes_the_state(status, action):
    if (status, action) in TRANSITIONS:
        assert next_status(status, action) is status


@given(st.sampled_from(BookingStatus), st.sampled_from(Action))
def test_nobody_who_may_not_see_a_booking_learns_more_than_not_found(status, action):
    assert decide(action, status, Relation.none) is Verdict.NOT_FOUND
