"""Fix what I typed: the contact phone and the door note, by the booking's people until the
volunteer starts (the volunteer is told); an address added after registering without one."""

from __future__ import annotations

import pytest

from tests.factories import tomorrow


def _notes(api, user):
    return api.as_(user).get("/notifications").json["items"]


def test_her_son_fixes_the_phone_and_door_note_and_the_volunteer_is_told(api, act, book, world):
    booking = book(world.son, beneficiary_id=world.grandma.id, listing_id=world.listing.id)
    act(world.plumber.account_user, booking["id"], "accept")
    before = len(_notes(api, world.plumber.account_user))
    changed = api.as_(world.son).patch(
        f"/bookings/{booking['id']}",
        json={"contact_phone": "13912345678", "door_note": "三楼东户，敲门要重一点"},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["contact_phone"] == "13912345678"
    assert changed.json["door_note"] == "三楼东户，敲门要重一点"
    assert changed.json["status"] == "accepted"
    assert changed.json["events"][-1]["action"] == "edit"
    seen = api.as_(world.plumber.account_user).get(f"/bookings/{booking['id']}").json
    assert seen["contact_phone"] == "13912345678"
    told = _notes(api, world.plumber.account_user)
    assert len(told) == before + 1
    assert told[0]["kind"] == "booking_details_changed"
    assert "13912345678" not in told[0]["text"]


@pytest.mark.parametrize("who", ["grandma", "grid_worker", "office"])
def test_her_people_and_staff_may_fix_a_request(api, book, world, who):
    booking = book(listing_id=world.listing.id)
    user = {"grandma": world.grandma_user, "grid_worker": world.grid_worker}.get(who, world.office)
    answer = api.as_(user).patch(f"/bookings/{booking['id']}", json={"door_note": "按两下门铃"})
    assert answer.status_code == 200
    assert answer.json["door_note"] == "按两下门铃"


def test_the_volunteer_cannot_and_outsiders_do_not_see_it(api, act, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    act(world.plumber.account_user, booking, "accept")
    body = {"door_note": "x"}
    assert (
        api.as_(world.plumber.account_user).patch(f"/bookings/{booking}", json=body).status_code
        == 403
    )
    assert (
        api.as_(world.neighbour.account_user).patch(f"/bookings/{booking}", json=body).status_code
        == 404
    )
    assert (
        api.as_(world.plumber2.account_user).patch(f"/bookings/{booking}", json=body).status_code
        == 404
    )


def test_once_the_work_has_started_nothing_changes(api, advance, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "in_progress")
    refused = api.as_(world.grandma_user).patch(
        f"/bookings/{booking}", json={"contact_phone": "13912345678"}
    )
    assert refused.status_code == 409
    assert api.as_(world.grandma_user).get(f"/bookings/{booking}").json["contact_phone"] != (
        "13912345678"
    )


def test_bad_values_are_named_in_the_readers_language(api, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    answer = api.as_(world.grandma_user).patch(
        f"/bookings/{booking}",
        json={"contact_phone": "12345", "door_note": "门" * 201},
        headers={"Accept-Language": "zh-CN"},
    )
    assert answer.status_code == 422
    fields = answer.json["error"]["fields"]
    assert "11 位手机号码" in fields["contact_phone"][0]
    assert "200" in fields["door_note"][0]


def test_a_son_who_registered_without_an_address_adds_his_own(api, make, world):
    son = world.son
    assert api.as_(son).get("/me").json["resident"] is None
    building = make.building(world.grid)
    body = {"building_id": building.id, "unit": "2", "room": "301"}
    answer = api.as_(son).put("/me/address", json=body)
    assert answer.status_code == 200, answer.json
    assert answer.json["grid_id"] == world.grid.id
    me = api.as_(son).get("/me").json
    assert me["resident"]["id"] == answer.json["id"]
    own = api.as_(son).post(
        "/bookings",
        json={"category_id": world.listing.category_id, "date": tomorrow().isoformat(),
              "period": "morning", "description": "自己家的水龙头"},
    )  # fmt: skip
    assert own.status_code == 201
    assert own.json["beneficiary_id"] == me["resident"]["id"]
    again = api.as_(son).put("/me/address", json={**body, "room": "302"})
    assert again.status_code == 200 and again.json["id"] == answer.json["id"]
    assert again.json["room"] == "302"


def test_an_address_must_be_in_ones_own_community(api, make, world):
    elsewhere = make.building()
    answer = api.as_(world.son).put(
        "/me/address", json={"building_id": elsewhere.id, "unit": "1", "room": "1"}
    )
    assert answer.status_code == 422
    assert "building_id" in answer.json["error"]["fields"]
    missing = api.as_(world.son).put("/me/address", json={"building_id": elsewhere.id})
    assert missing.status_code == 422
    assert {"unit", "room"} <= set(missing.json["error"]["fields"])
