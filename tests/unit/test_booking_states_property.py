"""Property: whatever people try, in whatever order, a booking is only ever in a defined state,
reached by a defined move, and a final state allows nothing more."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from happiness_fair.bookings.rules import (
    FINAL_STATUSES,
    RECORDS,
    TRANSITIONS,
    Action,
    BookingStatus,
    Facts,
    Relation,
    Verdict,
    allowed_actions,
    decide,
    judge,
    next_status,
    relation_for,
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


_facts = st.builds(
    Facts,
    mode=st.sampled_from(["home", "fair"]),
    volunteer_named=st.booleans(),
    completed_at=st.one_of(
        st.none(), st.datetimes(timezones=st.just(UTC), min_value=datetime(2024, 1, 1))
    ),
    paid=st.booleans(),
    amount_due_fen=st.integers(min_value=0, max_value=10_000),
    service_date=st.one_of(st.none(), st.dates(min_value=date(2024, 1, 1))),
    no_show=st.booleans(),
    followed_up=st.booleans(),
    volunteer_approved=st.booleans(),
    staff_there=st.booleans(),
)


@given(
    st.sampled_from(BookingStatus),
    st.frozensets(st.sampled_from(Relation)),
    _facts,
    st.datetimes(timezones=st.just(UTC), min_value=datetime(2024, 1, 1)),
    st.booleans(),
)
def test_every_action_offered_is_one_the_rules_allow(status, held, facts, now, visible):
    """What allowed_actions offers is exactly what judge() allows in the relation the person
    acts in (less a repeated `paid`), and each has a next state."""
    offered = allowed_actions(status, held, facts, now, visible=visible)
    for action in Action:
        relation = relation_for(action, status, held, visible=visible)
        verdict, why = judge(action, status, relation, facts, now)
        allowed = verdict is Verdict.ALLOWED and not (action is Action.paid and facts.paid)
        assert (action in offered) is allowed, (action, relation, verdict, why)
        if action in offered:
            assert next_status(status, action) in BookingStatus
