"""Before a volunteer accepts, the booking's people see him as he chose for the public (沈**):
in the timeline of a hand-over and in the notice that he gave a request back, not only on the
page's volunteer line (PRODUCT.md, "what a resident sees of the volunteer")."""

from __future__ import annotations


def _texts(api, user) -> list[str]:
    return [n["text"] for n in api.as_(user).get("/notifications").json["items"]]


def test_a_hand_over_names_him_masked_in_her_timeline(api, act, book, world):
    booking = book()
    handed = act(world.grid_worker, booking["id"], "assign", volunteer_id=world.plumber.id,
                 reason="沈师傅最近")  # fmt: skip
    assert handed.status_code == 200, handed.json
    for user in (world.grandma_user, world.grid_worker, world.office):
        steps = api.as_(user).get(f"/bookings/{booking['id']}").json["events"]
        assert steps[-1]["note"] == "沈**：沈师傅最近"
        assert all("沈林益" not in step["note"] for step in steps)


def test_a_request_he_gives_back_unaccepted_names_him_masked(api, act, book, world):
    booking = book(listing_id=world.listing.id)
    assert act(world.plumber.account_user, booking["id"], "decline").status_code == 200
    texts = _texts(api, world.grandma_user)
    assert any("沈**" in text for text in texts)
    assert all("沈林益" not in text for text in texts)


def test_a_job_he_gives_back_after_accepting_names_him_in_full(api, act, book, world):
    booking = book(listing_id=world.listing.id)
    assert act(world.plumber.account_user, booking["id"], "accept").status_code == 200
    assert act(world.plumber.account_user, booking["id"], "decline").status_code == 200
    assert sum("沈林益" in text for text in _texts(api, world.grandma_user)) == 2


def test_one_who_chose_his_full_name_is_named_in_full(api, act, book, shown):
    world = shown
    booking = book(listing_id=world.listing.id)
    assert act(world.plumber.account_user, booking["id"], "decline").status_code == 200
    assert any("沈林益" in text for text in _texts(api, world.grandma_user))
