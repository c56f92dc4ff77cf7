"""Follow-up calls (回访) and the grid's board: the loop a grid worker closes, in his grids only
(PRODUCT.md "Follow-up")."""

from __future__ import annotations

from happiness_fair.places.clock import today
from tests.factories import tomorrow


def _call(api, user, booking_id, **body):
    return api.as_(user).post(f"/bookings/{booking_id}/follow-up", json=body)


def _completed(book, world, advance) -> int:
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "completed")
    return booking["id"]


def test_a_done_job_waits_for_a_call_and_solved_confirms_it(api, world, book, advance):
    booking_id = _completed(book, world, advance)
    waiting = api.as_(world.grid_worker).get("/follow-ups").json
    assert [b["id"] for b in waiting["items"]] == [booking_id]
    answered = _call(api, world.grid_worker, booking_id, outcome="solved", satisfaction=5)
    assert answered.status_code == 200, answered.json
    assert (answered.json["status"], answered.json["rating"]) == ("confirmed", 5)
    assert answered.json["events"][-2]["action"] == "follow_up"
    assert api.as_(world.grid_worker).get("/follow-ups").json["items"] == []
    [record] = api.as_(world.plumber.account_user).get("/hours").json["items"]
    assert record["status"] == "verified"
    again = _call(api, world.grid_worker, booking_id, outcome="solved")
    assert again.status_code == 409


def test_not_solved_opens_a_linked_request_for_the_same_person_and_keeps_the_hours(
    api, world, book, advance, act
):
    booking_id = _completed(book, world, advance)
    act(world.grandma_user, booking_id, "confirm", rating=4)
    answered = _call(api, world.grid_worker, booking_id, outcome="not_solved", note="还在滴水")
    assert answered.status_code == 200, answered.json
    assert answered.json["status"] == "confirmed"
    new_id = answered.json["linked_booking_id"]
    assert new_id is not None
    new = api.as_(world.grandma_user).get(f"/bookings/{new_id}").json
    assert new["status"] == "requested"
    assert new["beneficiary_id"] == world.grandma.id
    assert new["linked_booking_id"] == booking_id
    assert new["volunteer_id"] is None  # open to every plumber of the grid
    assert new["date"] == tomorrow().isoformat()
    assert "还在滴水" in new["description"]
    [record] = api.as_(world.plumber.account_user).get("/hours").json["items"]
    assert record["status"] == "verified"


def test_could_not_reach_keeps_it_on_the_list(api, world, book, advance):
    booking_id = _completed(book, world, advance)
    assert _call(api, world.grid_worker, booking_id, outcome="unreachable").status_code == 200
    waiting = api.as_(world.grid_worker).get("/follow-ups").json["items"]
    assert [b["id"] for b in waiting] == [booking_id]
    assert _call(api, world.office, booking_id, outcome="partly").status_code == 200
    assert api.as_(world.office).get("/follow-ups").json["items"] == []


def test_calls_are_for_the_grids_staff_only(api, world, book, advance):
    booking_id = _completed(book, world, advance)
    assert _call(api, world.other_grid_worker, booking_id, outcome="solved").status_code == 404
    assert _call(api, world.stranger_office, booking_id, outcome="solved").status_code == 404
    assert _call(api, world.grandma_user, booking_id, outcome="solved").status_code == 403
    assert _call(api, world.plumber.account_user, booking_id, outcome="solved").status_code == 403
    assert api.as_(world.other_grid_worker).get("/follow-ups").json["items"] == []
    assert api.as_(world.stranger_office).get("/follow-ups").json["items"] == []
    assert api.as_(world.grandma_user).get("/follow-ups").status_code == 403
    bad = _call(api, world.grid_worker, booking_id, outcome="maybe", satisfaction=9)
    assert bad.status_code == 422
    assert set(bad.json["error"]["fields"]) == {"outcome", "satisfaction"}


def test_a_job_not_done_yet_cannot_be_followed_up(api, world, book):
    booking = book(listing_id=world.listing.id)
    assert _call(api, world.grid_worker, booking["id"], outcome="solved").status_code == 409


def test_the_board_shows_new_escalated_todays_disputed_and_calls(api, world, book, advance, act):
    new = book()
    no_show = book(listing_id=world.listing.id, date=today().isoformat())
    act(world.plumber.account_user, no_show["id"], "accept")
    act(world.grandma_user, no_show["id"], "no-show")
    todays = book(listing_id=world.listing.id, date=today().isoformat())
    act(world.plumber.account_user, todays["id"], "accept")
    disputed = book(listing_id=world.listing.id)
    advance(disputed["id"], "disputed")
    board = api.as_(world.grid_worker).get("/board")
    assert board.status_code == 200, board.json
    ids = {name: [b["id"] for b in s["items"]] for name, s in board.json.items()}
    assert ids == {
        "new": [new["id"]],
        "escalated": [no_show["id"]],
        "today": [todays["id"]],
        "disputed": [disputed["id"]],
        "follow_up": [disputed["id"]],
    }
    assert board.json["new"]["total"] == 1
    empty = api.as_(world.other_grid_worker).get("/board").json
    assert all(s["total"] == 0 for s in empty.values())
    assert api.as_(world.grandma_user).get("/board").status_code == 403


def test_a_grid_worker_finds_residents_of_his_grids_only(api, world, make):
    found = api.as_(world.grid_worker).get("/residents", query_string={"q": "张"}).json
    assert [r["id"] for r in found["items"]] == [world.grandma.id]
    assert found["items"][0]["birth_date"] is not None  # staff see what they need to check
    assert api.as_(world.other_grid_worker).get("/residents?q=张").json["items"] == []
    assert api.as_(world.stranger_office).get("/residents?q=张").json["items"] == []
    assert api.as_(world.grandma_user).get("/residents?q=张").status_code == 403
    assert api.as_(world.grid_worker).get("/residents?q=%25").json["items"] == []
    by_room = (
        api.as_(world.office)
        .get(
            "/residents",
            query_string={"building_id": world.grandma.building_id, "room": world.grandma.room},
        )
        .json["items"]
    )
    assert world.grandma.id in [r["id"] for r in by_room]


def test_lists_for_staff_mask_other_peoples_phones(api, world, book, advance):
    booking_id = _completed(book, world, advance)
    [waiting] = api.as_(world.grid_worker).get("/follow-ups").json["items"]
    assert waiting["id"] == booking_id
    assert "****" in waiting["contact_phone"]
    full = api.as_(world.grid_worker).get(f"/bookings/{booking_id}").json["contact_phone"]
    assert "*" not in full and full[-4:] == waiting["contact_phone"][-4:]
