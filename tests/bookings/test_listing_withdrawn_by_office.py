"""The office withdraws a listing, with a reason its volunteer is told; its requested bookings
become open requests."""

from __future__ import annotations


def test_the_office_withdraws_a_listing_and_its_requests_reopen(api, book, world):
    waiting = book(listing_id=world.listing.id)["id"]
    path = f"/listings/{world.listing.id}/withdraw"
    assert api.as_(world.plumber.account_user).post(path, json={"reason": "x"}).status_code == 403
    assert api.as_(world.stranger_office).post(path, json={"reason": "x"}).status_code in (403, 404)
    assert api.as_(world.office).post(path, json={}).status_code == 422
    done = api.as_(world.office).post(path, json={"reason": "多次投诉，暂停"})
    assert done.status_code == 200, done.json
    assert done.json["active"] is False
    assert api.as_(world.office).post(path, json={"reason": "again"}).status_code == 409
    reopened = api.as_(world.grandma_user).get(f"/bookings/{waiting}").json
    assert reopened["status"] == "requested" and reopened["volunteer_id"] is None
    jobs = api.as_(world.plumber2.account_user).get("/jobs").json["items"]
    assert waiting in [j["id"] for j in jobs]
    told = api.as_(world.plumber.account_user).get("/notifications").json["items"]
    assert any(n["kind"] == "listing_withdrawn" and "多次投诉" in n["text"] for n in told)
    kinds = [n["kind"] for n in api.as_(world.grandma_user).get("/notifications").json["items"]]
    assert "volunteer_suspended" in kinds
