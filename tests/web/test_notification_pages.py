"""Messages: the unread count on every page, opening one, marking all read."""

from __future__ import annotations

import re

from .conftest import text_of


def test_the_unread_count_shows_on_every_page_and_opening_leads_to_the_booking(
    browser_for, world, book, advance
):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "in_progress")  # accepted and started: two messages for her
    browser = browser_for(world.grandma_user)
    for path in ("/", "/bookings", "/family"):
        assert "2 条未读" in text_of(browser.get(path))
    page = browser.get("/notifications").get_data(as_text=True)
    assert "接受了您的" in page or "已开始" in text_of(browser.get("/notifications"))
    action = re.search(r'action="(/notifications/\d+/open)"', page).group(1)
    opened = browser.post(action)
    assert opened.status_code == 303
    assert opened.headers["Location"] == f"/bookings/{booking['id']}"
    assert "1 条未读" in text_of(browser.get("/"))
    browser.post("/notifications/read-all")
    assert "条未读" not in text_of(browser.get("/"))


def test_someone_elses_notification_cannot_be_opened(browser_for, world, book, advance):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "accepted")
    page = browser_for(world.grandma_user).get("/notifications").get_data(as_text=True)
    action = re.search(r'action="(/notifications/\d+/open)"', page).group(1)
    assert browser_for(world.neighbour.account_user).post(action).status_code == 404


def test_read_all_needs_csrf(browser_for, world):
    browser = browser_for(world.grandma_user)
    assert browser.post("/notifications/read-all", csrf=False).status_code == 403
