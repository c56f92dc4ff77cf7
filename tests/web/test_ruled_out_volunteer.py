"""A dispute settled against the volunteer ("the job was not done") opens the same request
again for another volunteer (PRODUCT.md "Bookings"): never for him — not on his board, not by
the API, not handed back to him by the grid."""

from __future__ import annotations

from tests.bookings.test_what_a_volunteer_sees import _photo

from .conftest import text_of


def _ruled_against_the_plumber(book, advance, act, world) -> int:
    """An open request 沈林益 took and did, found not done by the office."""
    booking = book()["id"]
    advance(booking, "disputed")
    reopened = act(world.office, booking, "resolve", outcome="reopen", note="确实没修")
    assert reopened.status_code == 200, reopened.json
    return booking


def test_the_volunteer_whose_job_was_found_not_done_cannot_take_it_again(
    api, book, advance, act, world
):
    booking = _ruled_against_the_plumber(book, advance, act, world)
    plumber = api.as_(world.plumber.account_user)
    assert booking not in [b["id"] for b in plumber.get("/jobs").json["items"]]
    # It is another volunteer's to take now: he no longer sees it, nor its photos.
    url = _photo(api, world.grandma_user, booking).removeprefix("/api/v1")
    assert plumber.get(f"/bookings/{booking}").status_code == 404
    assert plumber.get(url).status_code == 404
    assert api.as_(world.plumber2.account_user).get(url).status_code == 200
    refused = act(world.plumber.account_user, booking, "accept")
    assert refused.status_code == 403, refused.json
    assert "found not done" in refused.json["error"]["message"]
    other = api.as_(world.plumber2.account_user)
    assert booking in [b["id"] for b in other.get("/jobs").json["items"]]
    assert act(world.plumber2.account_user, booking, "accept").status_code == 200


def test_his_job_board_no_longer_offers_the_reopened_job(browser_for, book, advance, act, world):
    booking = _ruled_against_the_plumber(book, advance, act, world)
    browser = browser_for(world.plumber.account_user)
    assert f"/jobs/{booking}" not in browser.get("/jobs").get_data(as_text=True)
    assert browser.get(f"/jobs/{booking}").status_code == 404
    tried = browser.post(f"/jobs/{booking}/accept", {})
    assert tried.status_code == 403
    assert "没有完成" in text_of(tried)
    assert f"/jobs/{booking}" in browser_for(world.plumber2.account_user).get("/jobs").get_data(
        as_text=True
    )


def test_the_grid_cannot_hand_the_reopened_job_back_to_him(
    api, browser_for, book, advance, act, world
):
    booking = _ruled_against_the_plumber(book, advance, act, world)
    handed = act(world.grid_worker, booking, "assign", volunteer_id=world.plumber.id)
    assert handed.status_code == 422, handed.json
    assert "volunteer_id" in handed.json["error"]["fields"]
    assert api.as_(world.grid_worker).get(f"/bookings/{booking}").json["volunteer_id"] is None
    choices = text_of(browser_for(world.grid_worker).get(f"/grid/bookings/{booking}/hand-over"))
    assert world.plumber.name not in choices
    assert world.plumber2.name in choices


def test_his_hours_list_keeps_the_rejected_job_without_a_dead_link(
    browser_for, book, advance, act, world
):
    booking = _ruled_against_the_plumber(book, advance, act, world)
    page = browser_for(world.plumber.account_user).get("/my-hours")
    assert page.status_code == 200
    assert f"第 {booking} 号活" in text_of(page)
    assert f'href="/jobs/{booking}"' not in page.get_data(as_text=True)
    kept = book(listing_id=world.listing.id)["id"]
    advance(kept, "confirmed")
    page = browser_for(world.plumber.account_user).get("/my-hours")
    assert f'href="/jobs/{kept}"' in page.get_data(as_text=True)


def test_the_volunteer_hears_how_a_dispute_over_his_job_was_settled(api, book, advance, act, world):
    def told(volunteer) -> list[dict]:
        items = api.as_(volunteer.account_user).get("/notifications").json["items"]
        return [n for n in items if n["kind"].startswith("dispute_settled")]

    booking = _ruled_against_the_plumber(book, advance, act, world)
    (against,) = told(world.plumber)
    # The job is named in the text, not linked: he may no longer open it.
    assert against["kind"] == "dispute_settled_not_done" and against["booking_id"] is None
    assert f"Job no. {booking} " in against["text"] and "found not done" in against["text"]
    assert "The office's note: 确实没修" in against["text"]

    done = book(listing_id=world.listing.id)["id"]
    advance(done, "disputed")
    settled = act(world.office, done, "resolve", outcome="confirm", note="核实已修好")
    assert settled.status_code == 200, settled.json
    kinds = sorted(n["kind"] for n in told(world.plumber))
    assert kinds == ["dispute_settled_done", "dispute_settled_not_done"]
    (counted,) = [n for n in told(world.plumber) if n["kind"] == "dispute_settled_done"]
    assert counted["booking_id"] == done and "The office's note: 核实已修好" in counted["text"]


def test_opening_that_notice_leads_to_his_hours_not_to_a_page_he_may_not_open(
    api, browser_for, book, advance, act, world
):
    _ruled_against_the_plumber(book, advance, act, world)
    items = api.as_(world.plumber.account_user).get("/notifications").json["items"]
    notice = next(n for n in items if n["kind"] == "dispute_settled_not_done")
    browser = browser_for(world.plumber.account_user)
    assert "查看我的时长" in text_of(browser.get("/notifications"))
    opened = browser.post(f"/notifications/{notice['id']}/open", {})
    assert opened.status_code == 303 and opened.headers["Location"].endswith("/my-hours")
    assert browser.get("/my-hours").status_code == 200


def test_the_settling_form_asks_for_what_was_found_as_the_rule_does(
    browser_for, book, advance, world
):
    booking = book()["id"]
    advance(booking, "disputed")
    office = browser_for(world.office)
    form = office.get(f"/grid/bookings/{booking}/resolve")
    assert "核实的情况（会告诉志愿者）" in text_of(form) and "可不填" not in text_of(form)
    missing = office.post(f"/grid/bookings/{booking}/resolve", {"outcome": "confirm"})
    assert missing.status_code == 422  # the note is needed, and the page said so
