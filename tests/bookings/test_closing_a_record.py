"""People move and pass away: staff close her record with a reason; her open bookings are
cancelled with a note, her managers told, she leaves the lists of active residents, and her
history stays."""

from __future__ import annotations

import pytest

from tests.factories import tomorrow


def test_closing_the_record_cancels_her_open_bookings_and_tells_her_son(api, act, book, world):
    requested = book(world.son, beneficiary_id=world.grandma.id)["id"]
    accepted = book(world.son, beneficiary_id=world.grandma.id, listing_id=world.listing.id)["id"]
    act(world.plumber.account_user, accepted, "accept")
    started = book(world.son, beneficiary_id=world.grandma.id, listing_id=world.listing.id)["id"]
    act(world.plumber.account_user, started, "accept")
    act(world.plumber.account_user, started, "start")

    closed = api.as_(world.office).patch(
        f"/residents/{world.grandma.id}", json={"active": False, "inactive_reason": "passed_away"}
    )
    assert closed.status_code == 200, closed.json
    assert closed.json["active"] is False
    assert closed.json["inactive_reason"] == "passed_away"

    for booking_id in (requested, accepted):
        seen = api.as_(world.son).get(f"/bookings/{booking_id}").json
        assert seen["status"] == "cancelled"
        assert seen["events"][-1]["note"]  # with a note
    assert api.as_(world.son).get(f"/bookings/{started}").json["status"] == "in_progress"
    son_told = api.as_(world.son).get("/notifications").json["items"]
    assert son_told[0]["kind"] == "resident_closed_passed_away"
    assert "张奶奶" in son_told[0]["text"]
    plumber_kinds = [
        n["kind"] for n in api.as_(world.plumber.account_user).get("/notifications").json["items"]
    ]
    assert "booking_cancelled" in plumber_kinds

    listed = api.as_(world.grid_worker).get("/residents?q=张").json["items"]
    assert world.grandma.id not in [r["id"] for r in listed]
    closed_list = api.as_(world.grid_worker).get("/residents?closed=true").json["items"]
    assert world.grandma.id in [r["id"] for r in closed_list]
    assert api.as_(world.office).get(f"/residents/{world.grandma.id}").status_code == 200
    refused = api.as_(world.son).post(
        "/bookings",
        json={"category_id": world.listing.category_id, "beneficiary_id": world.grandma.id,
              "date": tomorrow().isoformat(), "period": "morning", "description": "x"},
    )  # fmt: skip
    assert refused.status_code == 422


@pytest.mark.parametrize("reason", ["moved", "other"])
def test_a_reason_is_one_of_the_three(api, world, reason):
    answer = api.as_(world.grid_worker).patch(
        f"/residents/{world.neighbour.id}", json={"active": False, "inactive_reason": reason}
    )
    assert answer.status_code == 200 and answer.json["inactive_reason"] == reason


def test_an_unknown_reason_or_a_resident_is_refused(api, world):
    bad = api.as_(world.office).patch(
        f"/residents/{world.neighbour.id}", json={"active": False, "inactive_reason": "bored"}
    )
    assert bad.status_code == 422
    forbidden = api.as_(world.son).patch(
        f"/residents/{world.grandma.id}", json={"active": False, "inactive_reason": "moved"}
    )
    assert forbidden.status_code == 403
