"""The life of a booking through the API: raise, take, do, confirm (API.md "Bookings")."""

from __future__ import annotations

from tests.factories import tomorrow


def test_grandma_books_a_named_plumber_and_it_is_free_because_she_is_over_80(book, world):
    booking = book(listing_id=world.listing.id)
    assert booking["status"] == "requested"
    assert booking["volunteer_id"] == world.plumber.id
    assert booking["beneficiary_id"] == world.grandma.id
    assert booking["grid_id"] == world.grid.id
    assert booking["quote"] == {
        "labour_fee_fen": 2000,
        "waived_fen": 2000,
        "materials_fen": 0,
        "amount_due_fen": 0,
        "waiver_rule": "age_80",
        "waiver_pending_verification": False,
    }
    assert booking["contact_phone"] == world.grandma_user.phone
    assert booking["date"] == tomorrow().isoformat()
    assert [e["to_status"] for e in booking["events"]] == ["requested"]
    assert booking["events"][0]["actor_id"] == world.grandma_user.id


def test_full_path_from_request_to_five_stars(book, act, world):
    booking = book(listing_id=world.listing.id)
    plumber = world.plumber.account_user
    accepted = act(plumber, booking["id"], "accept", materials_estimate_fen=500)
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["status"] == "accepted"
    assert accepted.json["materials_estimate_fen"] == 500
    assert act(plumber, booking["id"], "start").json["status"] == "in_progress"
    done = act(plumber, booking["id"], "complete", minutes=40, materials_fen=800, note="换了阀芯")
    assert done.status_code == 200, done.json
    assert done.json["minutes"] == 40
    assert done.json["materials_fen"] == 800
    assert done.json["quote"]["amount_due_fen"] == 800  # the volunteer sees what to collect
    assert done.json["quote"]["materials_fen"] is None  # and nothing else of the quote
    confirmed = act(world.grandma_user, booking["id"], "confirm", rating=5, comment="好")
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["status"] == "confirmed"
    assert confirmed.json["rating"] == 5
    assert confirmed.json["quote"]["materials_fen"] == 800  # her own view keeps it all
    assert [e["to_status"] for e in confirmed.json["events"]] == [
        "requested",
        "accepted",
        "in_progress",
        "completed",
        "confirmed",
    ]
