"""Property: whatever the state of a booking and whoever asks, every action listed in its
`actions` succeeds when tried through the API with any of its valid bodies (so the buttons and
the API never offer a move that is then refused)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_actions_offered import (  # noqa: F401  (booking_in: the fixture, shared)
    CALLERS,
    STATES,
    _caller,
    _offered,
    _valid_bodies,
    booking_in,
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(state=st.sampled_from(STATES), caller=st.sampled_from(CALLERS), data=st.data())
def test_every_action_listed_succeeds_when_tried(
    api,
    world,
    booking_in,  # noqa: F811
    state,
    caller,
    data,
):
    user = _caller(world, caller)
    offered = _offered(api, user, booking_in(state)) or []
    for segment in offered:
        body = data.draw(st.sampled_from(_valid_bodies(world, segment)), label=segment)
        booking = booking_in(state)
        response = api.as_(user).post(f"/bookings/{booking}/{segment}", json=body)
        assert response.status_code == 200, (state, caller, segment, body, response.json)
