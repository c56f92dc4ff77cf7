"""Hand-over checks the match: only an approved volunteer with the request's skill may receive
it (else 422); one outside the request's grid may, with a reason that is recorded. Staff find
volunteers by name and skill (GET /volunteers?q=&category=)."""

from __future__ import annotations


def _open(book):
    return book()["id"]  # an open plumbing request for 张奶奶 in world.grid


def test_a_volunteer_without_the_skill_cannot_receive_it(act, book, world):
    booking = _open(book)
    refused = act(world.grid_worker, booking, "assign", volunteer_id=world.barber.id)
    assert refused.status_code == 422
    assert "volunteer_id" in refused.json["error"]["fields"]


def test_one_from_another_grid_needs_a_reason_which_is_recorded(act, book, world):
    booking = _open(book)
    refused = act(world.office, booking, "assign", volunteer_id=world.far_plumber.id)
    assert refused.status_code == 422
    assert "reason" in refused.json["error"]["fields"]
    handed = act(
        world.office, booking, "assign", volunteer_id=world.far_plumber.id, reason="本网格没人会修"
    )
    assert handed.status_code == 200, handed.json
    assert handed.json["volunteer_id"] == world.far_plumber.id
    assert "本网格没人会修" in handed.json["events"][-1]["note"]


def test_one_of_the_grid_with_the_skill_needs_no_reason(act, book, world):
    booking = _open(book)
    handed = act(world.grid_worker, booking, "assign", volunteer_id=world.plumber2.id)
    assert handed.status_code == 200


def test_staff_find_volunteers_by_name_and_skill(api, world):
    office = api.as_(world.office)
    found = office.get("/volunteers?q=沈&category=plumbing").json["items"]
    assert [v["id"] for v in found] == [world.plumber.id]
    plumbers = {v["id"] for v in office.get("/volunteers?category=plumbing").json["items"]}
    assert world.barber.id not in plumbers
    assert {world.plumber.id, world.plumber2.id, world.far_plumber.id} <= plumbers
    by_grid = api.as_(world.grid_worker).get(
        f"/volunteers?category=haircut&grid_id={world.grid.id}"
    )
    assert [v["id"] for v in by_grid.json["items"]] == [world.barber.id]
    unknown = office.get("/volunteers?category=juggling", headers={"Accept-Language": "zh-CN"})
    assert unknown.status_code == 422
    assert api.as_(world.plumber.account_user).get("/volunteers?q=沈").status_code == 403
