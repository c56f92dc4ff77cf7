"""The price follows the facts: her age verified, or her flags changed, re-quotes every booking
of hers not yet completed at once, under the rules each booking kept, with a "price updated"
event that names no reason; completed bookings keep their price."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import tomorrow


@pytest.fixture
def unverified(make, world):
    """王奶奶, 86 but her ID not yet checked."""
    return make.resident(world.grid, name="王奶奶", birth_date=date(1940, 3, 1))


def _book(api, who, listing_id):
    body = {"listing_id": listing_id, "date": tomorrow().isoformat(), "period": "morning",
            "description": "水龙头漏水"}  # fmt: skip
    made = api.as_(who).post("/bookings", json=body)
    assert made.status_code == 201, made.json
    return made.json


def test_verifying_her_age_makes_her_open_bookings_free_at_once(api, act, unverified, world):
    her = unverified.account_user
    requested = _book(api, her, world.listing.id)
    assert requested["quote"]["waiver_pending_verification"] is True
    assert requested["quote"]["amount_due_fen"] == 2000
    started = _book(api, her, world.listing.id)["id"]
    done = _book(api, her, world.listing.id)["id"]
    plumber = world.plumber.account_user
    for action, body in [("accept", {}), ("start", {})]:
        act(plumber, started, action, **body)
        act(plumber, done, action, **body)
    act(plumber, done, "complete", minutes=30)

    verified = api.as_(world.grid_worker).post(
        f"/residents/{unverified.id}/verify-age", json={"birth_date": "1940-03-01"}
    )
    assert verified.status_code == 200

    for booking_id in (requested["id"], started):
        seen = api.as_(her).get(f"/bookings/{booking_id}").json
        assert seen["quote"]["amount_due_fen"] == 0
        assert seen["quote"]["waiver_rule"] == "age_80"
        assert seen["quote"]["waiver_pending_verification"] is False
        last = seen["events"][-1]
        assert (last["action"], last["note"]) == ("requote", "")
    kept = api.as_(her).get(f"/bookings/{done}").json
    assert kept["quote"]["amount_due_fen"] == 2000
    assert "requote" not in [e["action"] for e in kept["events"]]
    # the volunteer sees the new amount and the event, which gives no reason
    his = api.as_(plumber).get(f"/bookings/{started}").json
    assert his["quote"]["amount_due_fen"] == 0
    assert (his["events"][-1]["action"], his["events"][-1]["note"]) == ("requote", "")


def test_a_flag_set_by_staff_requotes_under_the_rules_the_booking_kept(api, world):
    office = api.as_(world.office)
    assert office.patch("/waiver-rules/dibao", json={"active": True}).status_code == 200
    neighbour = world.neighbour
    booking = _book(api, neighbour.account_user, world.listing.id)["id"]
    flagged = api.as_(world.grid_worker).patch(
        f"/residents/{neighbour.id}", json={"flags": ["dibao"]}
    )
    assert flagged.status_code == 200, flagged.json
    seen = api.as_(neighbour.account_user).get(f"/bookings/{booking}").json
    assert seen["quote"]["amount_due_fen"] == 0
    assert seen["events"][-1]["action"] == "requote"
    # a rule switched on after booking does not apply to it (the booking keeps its rules)
    assert office.patch("/waiver-rules/dibao", json={"active": False}).status_code == 200
    later = _book(api, neighbour.account_user, world.listing.id)["id"]
    assert office.patch("/waiver-rules/living_alone", json={"active": True}).status_code == 200
    api.as_(world.grid_worker).patch(
        f"/residents/{neighbour.id}", json={"flags": ["dibao", "living_alone"]}
    )
    unchanged = api.as_(neighbour.account_user).get(f"/bookings/{later}").json
    assert unchanged["quote"]["amount_due_fen"] == 2000
    assert "requote" not in [e["action"] for e in unchanged["events"]]
