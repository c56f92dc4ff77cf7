"""When the office suspends a volunteer, his requests and accepted jobs go back to open
requests and their bookers are told (PRODUCT.md "The catalogue")."""

from __future__ import annotations


def test_a_suspended_volunteers_jobs_become_open_requests_again(api, act, book, world):
    named = book(listing_id=world.listing.id)["id"]
    accepted = book(world.neighbour.account_user, listing_id=world.listing.id)["id"]
    act(world.plumber.account_user, accepted, "accept")
    started = book(world.son, beneficiary_id=world.grandma.id, listing_id=world.listing.id)["id"]
    act(world.plumber.account_user, started, "accept")
    act(world.plumber.account_user, started, "start")

    response = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/suspend", json={"reason": "投诉核实"}
    )
    assert response.status_code == 200, response.json

    for booking_id in (named, accepted):
        body = api.as_(world.office).get(f"/bookings/{booking_id}").json
        assert body["status"] == "requested"
        assert body["volunteer_id"] is None
        assert body["events"][-1]["actor_id"] == world.office.id
        assert body["events"][-1]["action"] == "decline"
    # A job already under way stays with him for the office to sort out.
    assert api.as_(world.office).get(f"/bookings/{started}").json["status"] == "in_progress"

    told = api.as_(world.neighbour.account_user).get("/notifications").json["items"]
    assert told[0]["kind"] == "volunteer_suspended"
    assert "open to other volunteers again" in told[0]["text"]
    # Another plumber may take them; the suspended one may not.
    assert act(world.plumber.account_user, named, "accept").status_code == 404
    assert act(world.plumber2.account_user, named, "accept").status_code == 200
    assert api.as_(world.plumber.account_user).get("/jobs").status_code == 403
