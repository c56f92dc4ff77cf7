"""Who may do what, hitting the API: 404 to whoever may not see the booking, 403 to whoever
may see it but whose role can never do this, 409 when only the state forbids it."""

from __future__ import annotations

import pytest

from happiness_fair.places.clock import today
from tests.factories import tomorrow

# Who acts, as people in the world fixture. The booking is made by the son for 张奶奶.
PEOPLE = {
    "volunteer": lambda w: w.plumber.account_user,  # named, or the one who accepted
    "candidate": lambda w: w.plumber2.account_user,  # may take open plumbing requests here
    "booker": lambda w: w.son,
    "beneficiary": lambda w: w.grandma_user,
    "grid_worker": lambda w: w.grid_worker,
    "office": lambda w: w.office,
    "other_grid_worker": lambda w: w.other_grid_worker,
    "neighbour": lambda w: w.neighbour.account_user,
    "far_volunteer": lambda w: w.far_plumber.account_user,  # serves another grid
    "barber": lambda w: w.barber.account_user,  # another skill
    "other_office": lambda w: w.stranger_office,  # another community
}

BODIES = {
    "complete": {"minutes": 30, "materials_fen": 0},
    "dispute": {"reason": "没修好"},
    "resolve": {"outcome": "confirm", "note": "回访确认已修好"},
    "reschedule": {"date": tomorrow().isoformat(), "period": "evening"},
    "confirm": {"rating": 4},
}

OUTSIDERS = {
    "other_grid_worker": 404,
    "neighbour": 404,
    "far_volunteer": 404,
    "barber": 404,
    "other_office": 404,
}


def row(action: str, setup: str, **expected) -> object:
    """One row of the table: everyone not named is an outsider and gets 404."""
    return pytest.param(action, setup, {**OUTSIDERS, **expected}, id=f"{action}-{setup}")


# (action, the state the booking is brought to) -> who gets which status.
TABLE = [
    row("accept", "open", candidate=200, booker=403, beneficiary=403, grid_worker=409, office=409),
    row("accept", "named", volunteer=200, candidate=409, booker=403, grid_worker=200, office=200),
    row("accept", "accepted", volunteer=409, candidate=409, booker=403, grid_worker=409),
    row("decline", "named", volunteer=200, candidate=404, booker=403, grid_worker=200),
    row("decline", "accepted", volunteer=200, booker=403, grid_worker=200, office=200),
    row("start", "accepted", volunteer=200, candidate=404, booker=403, office=200),
    row("start", "named", volunteer=409, booker=403, grid_worker=409),
    row("complete", "in_progress", volunteer=200, beneficiary=403, grid_worker=200),
    row("confirm", "completed", volunteer=403, booker=200, beneficiary=200, office=200),
    row("confirm", "accepted", volunteer=403, booker=409, grid_worker=409),
    row("dispute", "completed", volunteer=403, booker=200, beneficiary=200, grid_worker=200),
    row("resolve", "disputed", volunteer=403, booker=403, grid_worker=200, office=200),
    row("resolve", "completed", booker=403, grid_worker=409),
    row("cancel", "open", candidate=403, booker=200, beneficiary=200, grid_worker=200),
    row("cancel", "accepted", volunteer=403, booker=200, office=200),
    row("cancel", "in_progress", volunteer=403, booker=409, grid_worker=409),
    row("reschedule", "accepted", volunteer=403, booker=200, beneficiary=200, office=200),
    row("no-show", "accepted", volunteer=403, booker=200, grid_worker=200),
    row("no-show", "named", booker=409),
    row("assign", "open", candidate=403, booker=403, grid_worker=200, office=200),
    row("assign", "accepted", booker=403, grid_worker=409),
    row("paid", "completed", volunteer=200, booker=200, grid_worker=200, candidate=404),
    row("paid", "accepted", volunteer=409, booker=409),
]


@pytest.fixture
def booking_in(book, act, world):
    """A booking by the son for 张奶奶, brought to a state by the right people."""

    def make(setup: str, **fields) -> int:
        plumber = world.plumber.account_user
        if setup == "open":
            return book(world.son, beneficiary_id=world.grandma.id, **fields)["id"]
        booking_id = book(
            world.son, beneficiary_id=world.grandma.id, listing_id=world.listing.id, **fields
        )["id"]
        path = {
            "named": [],
            "accepted": [(plumber, "accept", {})],
            "in_progress": [(plumber, "accept", {}), (plumber, "start", {})],
        }
        # Her labour is free (85, verified); the materials are due, so "paid" has a purpose.
        done = (plumber, "complete", {"minutes": 30, "materials_fen": 500})
        path["completed"] = [*path["in_progress"], done]
        path["disputed"] = [*path["completed"], (world.son, "dispute", {"reason": "漏"})]
        for user, action, body in path[setup]:
            assert act(user, booking_id, action, **body).status_code == 200
        return booking_id

    return make


@pytest.mark.parametrize(("action", "setup", "expected"), TABLE)
def test_who_may_act_on_a_booking(api, world, booking_in, action, setup, expected):
    """Refusals change nothing, so the refused share one booking; each success gets its own."""
    body = dict(BODIES.get(action, {}))
    if action == "assign":
        body = {"volunteer_id": world.plumber2.id}
    answers, codes = {}, {}
    # A no-show can be said from the service day on: the booking is for today.
    fields = {"date": today().isoformat()} if action == "no-show" else {}
    shared = booking_in(setup, **fields)
    for who in sorted(expected, key=lambda who: expected[who] == 200):
        booking_id = booking_in(setup, **fields) if expected[who] == 200 else shared
        response = api.as_(PEOPLE[who](world)).post(f"/bookings/{booking_id}/{action}", json=body)
        answers[who] = response.status_code
        codes[who] = response.json["error"]["code"] if response.status_code != 200 else "ok"
    assert answers == expected
    names = {200: "ok", 403: "forbidden", 404: "not_found", 409: "conflict"}
    assert codes == {who: names[status] for who, status in expected.items()}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("booker", 200),
        ("beneficiary", 200),
        ("volunteer", 200),
        ("grid_worker", 200),
        ("office", 200),
        *OUTSIDERS.items(),
        ("candidate", 404),  # a named request is for its volunteer only
    ],
)
def test_who_may_see_a_named_request(api, world, booking_in, who, status):
    booking_id = booking_in("named")
    response = api.as_(PEOPLE[who](world)).get(f"/bookings/{booking_id}")
    assert response.status_code == status


def test_a_refused_move_changes_nothing(api, world, booking_in):
    booking_id = booking_in("accepted")
    before = api.as_(world.son).get(f"/bookings/{booking_id}").json
    assert api.as_(world.son).post(f"/bookings/{booking_id}/start", json={}).status_code == 403
    assert api.as_(world.son).post(f"/bookings/{booking_id}/confirm", json={}).status_code == 409
    after = api.as_(world.son).get(f"/bookings/{booking_id}").json
    assert after == before


def test_a_booking_that_does_not_exist_is_404_even_for_huge_ids(api, world):
    for booking_id in (999999, 2**31, 10**20):
        assert api.as_(world.office).get(f"/bookings/{booking_id}").status_code == 404
        response = api.as_(world.office).post(f"/bookings/{booking_id}/cancel", json={})
        assert response.status_code == 404


def test_how_a_person_stands_to_a_booking_is_worked_out_for_each_viewer(app, world, book):
    """relations() keeps its answer for the transaction, but never hands one viewer's answer
    to another: a son who manages 张奶奶 is a party to her booking, whatever an incomplete view
    of him said first."""
    from happiness_fair.accounts.models import User
    from happiness_fair.bookings import access
    from happiness_fair.bookings.models import Booking
    from happiness_fair.bookings.rules import Relation
    from happiness_fair.extensions import db

    booking_id = book()["id"]  # 张奶奶 books for herself
    with app.test_request_context():
        booking = db.session.get(Booking, booking_id)
        son = db.session.get(User, world.son.id)
        knows_nothing = access.Viewer(user=son, volunteer=None, resident_ids=frozenset())
        assert access.relations(knows_nothing, booking) == frozenset()
        assert access.relations(access.viewer_of(son), booking) == {Relation.party}
