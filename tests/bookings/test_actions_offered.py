"""A booking's `actions` offer nothing that fails (API.md "A booking's actions"): for every state
and every kind of caller, each action listed is spelled as its path segment and, tried through
the API with a valid body on a booking in that state, succeeds; a move not listed is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from happiness_fair.bookings.rules import Action, path_segments
from happiness_fair.places.clock import today
from tests.factories import tomorrow

# Every path segment there is: POST /api/v1/bookings/{id}/<segment>.
SEGMENTS = path_segments(list(Action))

STATES = [
    "requested_open",
    "requested_named",
    "accepted",
    "in_progress",
    "completed",
    "disputed",
    "confirmed",
    "cancelled",
]
CALLERS = [
    "volunteer",  # 沈师傅, whose listing was booked
    "candidate",  # another plumber of the grid
    "far_plumber",  # a plumber of another grid
    "barber",  # a volunteer of another skill
    "booker",  # 张奶奶, the person served, who booked it
    "manager",  # her son
    "neighbour",  # a resident with no part in it
    "grid_worker",
    "other_grid_worker",
    "office",
    "stranger_office",  # the office of another community
]

# What each caller is offered, written out by hand (callers not named are offered nothing). The
# materials (12 yuan) leave something to pay after the age waiver of her labour fee.
_PARTY = ["cancel", "reschedule"]
_STAFF_NAMED = ["accept", "decline", "cancel", "reschedule", "assign"]
_STAFF_ACCEPTED = ["decline", "start", "cancel", "reschedule", "no-show"]
_DONE_PARTY = ["confirm", "dispute", "paid"]
EXPECTED: dict[str, dict[str, list[str]]] = {
    "requested_open": {
        "volunteer": ["accept"],
        "candidate": ["accept"],
        "booker": _PARTY,
        "manager": _PARTY,
        "grid_worker": [*_PARTY, "assign"],
        "office": [*_PARTY, "assign"],
    },
    "requested_named": {
        "volunteer": ["accept", "decline"],
        "booker": _PARTY,
        "manager": _PARTY,
        "grid_worker": _STAFF_NAMED,
        "office": _STAFF_NAMED,
    },
    "accepted": {
        "volunteer": ["decline", "start"],
        "booker": [*_PARTY, "no-show"],
        "manager": [*_PARTY, "no-show"],
        "grid_worker": _STAFF_ACCEPTED,
        "office": _STAFF_ACCEPTED,
    },
    "in_progress": {"volunteer": ["complete"], "grid_worker": ["complete"], "office": ["complete"]},
    "completed": {
        "volunteer": ["paid"],
        "booker": _DONE_PARTY,
        "manager": _DONE_PARTY,
        "grid_worker": [*_DONE_PARTY, "follow-up"],
        "office": [*_DONE_PARTY, "follow-up"],
    },
    "disputed": {
        "volunteer": ["paid"],
        "booker": ["paid"],
        "manager": ["paid"],
        "grid_worker": ["resolve", "paid", "follow-up"],
        "office": ["resolve", "paid", "follow-up"],
    },
    "confirmed": {
        "volunteer": ["paid"],
        "booker": ["paid"],
        "manager": ["paid"],
        "grid_worker": ["paid", "follow-up"],
        "office": ["paid", "follow-up"],
    },
    "cancelled": {},
}


def _caller(world, name: str):
    return {
        "volunteer": world.plumber.account_user,
        "candidate": world.plumber2.account_user,
        "far_plumber": world.far_plumber.account_user,
        "barber": world.barber.account_user,
        "booker": world.grandma_user,
        "manager": world.son,
        "neighbour": world.neighbour.account_user,
        "grid_worker": world.grid_worker,
        "other_grid_worker": world.other_grid_worker,
        "office": world.office,
        "stranger_office": world.stranger_office,
    }[name]


def _valid_bodies(world, segment: str) -> list[dict]:
    """Valid bodies for a move; every one of them must succeed when the move is offered."""
    return {
        "accept": [{"materials_estimate_fen": 1500}],
        "decline": [{"reason": "临时有事"}],
        "start": [{}],
        "complete": [{"minutes": 45, "materials_fen": 1200}],
        "confirm": [{"rating": 5}],
        "dispute": [{"reason": "还是漏水"}],
        "resolve": [
            {"outcome": "confirm", "note": "电话核实，已修好"},
            {"outcome": "reopen", "note": "没修好，另派人"},
        ],
        "cancel": [{}],
        "reschedule": [
            {"date": (tomorrow() + timedelta(days=2)).isoformat(), "period": "afternoon"}
        ],
        "no-show": [{"note": "师傅没来"}],
        "assign": [{"volunteer_id": world.plumber2.id}],
        "paid": [{}],
        "follow-up": [
            {"outcome": "solved", "satisfaction": 5},
            {"outcome": "partly", "note": "还有点滴水"},
            {"outcome": "unreachable"},
        ],
    }[segment]


@pytest.fixture
def booking_in(world, book, act):
    """`booking_in(state)` makes a fresh booking in that state, each step by the right person;
    the job's materials (12 yuan) leave something to pay after the waiver of her labour fee.
    Dated today, so the service day has come (a no-show can be reported only from then on)."""

    def step(user, booking_id: int, action: str, **body) -> None:
        response = act(user, booking_id, action, **body)
        assert response.status_code == 200, (action, response.json)

    def booking_in(state: str) -> int:
        if state == "requested_open":
            return book(date=today().isoformat())["id"]
        booking = book(listing_id=world.listing.id, date=today().isoformat())["id"]
        if state == "requested_named":
            return booking
        if state == "cancelled":
            step(world.grandma_user, booking, "cancel")
            return booking
        plumber = world.plumber.account_user
        step(plumber, booking, "accept")
        if state == "accepted":
            return booking
        step(plumber, booking, "start")
        if state == "in_progress":
            return booking
        step(plumber, booking, "complete", minutes=45, materials_fen=1200)
        if state == "disputed":
            step(world.grandma_user, booking, "dispute", reason="还是漏")
        elif state == "confirmed":
            step(world.grandma_user, booking, "confirm", rating=5)
        return booking

    return booking_in


def _offered(api, user, booking_id: int) -> list[str] | None:
    """The caller's `actions`, or None when he may not see the booking (404)."""
    response = api.as_(user).get(f"/bookings/{booking_id}")
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.json
    return response.json["actions"]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("state", STATES)
def test_every_action_offered_succeeds_and_one_not_offered_is_refused(
    api, world, booking_in, state, caller
):
    user = _caller(world, caller)
    offered = _offered(api, user, booking_in(state))
    if offered is None:
        offered = []
    assert all(a in SEGMENTS for a in offered), offered  # spelled as the paths are
    assert len(set(offered)) == len(offered)
    assert offered == EXPECTED[state].get(caller, []), offered

    for segment in offered:
        for body in _valid_bodies(world, segment):
            booking = booking_in(state)
            response = api.as_(user).post(f"/bookings/{booking}/{segment}", json=body)
            assert response.status_code == 200, (segment, body, response.json)

    # A sample of what is not offered, one per (state, caller): refused, never done.
    not_offered = [s for s in SEGMENTS if s not in offered]
    sample = not_offered[(STATES.index(state) + CALLERS.index(caller)) % len(not_offered)]
    booking = booking_in(state)
    before = api.as_(world.office).get(f"/bookings/{booking}").json
    response = api.as_(user).post(
        f"/bookings/{booking}/{sample}", json=_valid_bodies(world, sample)[0]
    )
    assert response.status_code in (403, 404, 409), (sample, response.json)
    after = api.as_(world.office).get(f"/bookings/{booking}").json
    assert after["status"] == before["status"] and after["events"] == before["events"]


def test_the_old_spellings_are_no_paths(api, world, booking_in):
    """What `actions` used to say (no_show, resolve_confirm, resolve_reopen) answers 404."""
    accepted = booking_in("accepted")
    assert "no-show" in _offered(api, world.grandma_user, accepted)
    response = api.as_(world.grandma_user).post(f"/bookings/{accepted}/no_show", json={})
    assert response.status_code == 404
    disputed = booking_in("disputed")
    assert _offered(api, world.grid_worker, disputed)[0] == "resolve"
    for old in ("resolve_confirm", "resolve_reopen"):
        response = api.as_(world.grid_worker).post(f"/bookings/{disputed}/{old}", json={})
        assert response.status_code == 404


def test_follow_up_is_offered_to_the_grid_until_a_call_is_answered(api, world, booking_in):
    booking = booking_in("completed")
    for staff in (world.grid_worker, world.office):
        assert "follow-up" in _offered(api, staff, booking)
    for others in (world.grandma_user, world.plumber.account_user, world.other_grid_worker):
        assert "follow-up" not in (_offered(api, others, booking) or [])

    grid = api.as_(world.grid_worker)
    waiting = grid.get("/follow-ups").json["items"]
    assert [item["id"] for item in waiting] == [booking]
    assert all("follow-up" in item["actions"] for item in waiting)

    unreachable = grid.post(f"/bookings/{booking}/follow-up", json={"outcome": "unreachable"})
    assert unreachable.status_code == 200
    assert "follow-up" in unreachable.json["actions"]  # nobody answered: call again

    solved = grid.post(f"/bookings/{booking}/follow-up", json={"outcome": "solved"})
    assert solved.status_code == 200
    assert solved.json["status"] == "confirmed"
    assert "follow-up" not in solved.json["actions"]
    assert "follow-up" not in _offered(api, world.office, booking)
    again = grid.post(f"/bookings/{booking}/follow-up", json={"outcome": "solved"})
    assert again.status_code == 409
