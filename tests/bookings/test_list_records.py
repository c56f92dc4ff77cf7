"""Lists read their bookings as records (bookings/records.py), a booking's own page as the
mapped object: each booking in a list must be what its own page shows, timeline, photos,
volunteer and all, for every person who sees it (but the list's masked phone)."""

from __future__ import annotations

from tests.bookings.test_photos import png_bytes, upload


def _as_listed(view: dict) -> dict:
    return {key: value for key, value in view.items() if key != "contact_phone"}


def test_each_listed_booking_is_what_its_own_page_shows(api, world, book, advance, act):
    with_photos = book(description="厨房水龙头漏水")
    for _ in range(3):
        assert upload(api, world.grandma_user, with_photos["id"], png_bytes()).status_code == 201
    advance(with_photos["id"], "confirmed")  # five steps joined with three photos
    states = [with_photos, book(listing_id=world.listing.id)]
    for state in ("accepted", "completed", "disputed", "cancelled"):
        booking = book(user=world.son, beneficiary_id=world.grandma.id)
        advance(booking["id"], state)
        states.append(booking)

    people = (
        world.grandma_user, world.son, world.plumber.account_user,
        world.plumber2.account_user, world.grid_worker, world.office,
    )  # fmt: skip
    compared = 0
    for user in people:
        caller = api.as_(user)
        listed = caller.get("/bookings?per_page=100").json["items"]
        for item in listed:
            own = caller.get(f"/bookings/{item['id']}")
            assert own.status_code == 200
            assert _as_listed(item) == _as_listed(own.json)
            compared += 1
        board = caller.get("/jobs")
        for item in board.json["items"] if board.status_code == 200 else ():
            assert _as_listed(item) == _as_listed(caller.get(f"/bookings/{item['id']}").json)
            compared += 1
    assert compared > 20

    shown = api.as_(world.grandma_user).get("/bookings?per_page=100").json["items"]
    mine = next(item for item in shown if item["id"] == with_photos["id"])
    assert len(mine["photos"]) == 3 and len({p["id"] for p in mine["photos"]}) == 3
    steps = [event["action"] for event in mine["events"]]
    assert steps[0] == "create" and steps[-1] == "confirm" and len(steps) == len(set(steps))
    assert [p["id"] for p in mine["photos"]] == sorted(p["id"] for p in mine["photos"])
