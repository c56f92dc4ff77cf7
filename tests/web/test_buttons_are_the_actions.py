"""The page's buttons and the API's `actions` come from the same rules: a resident, her volunteer,
the grid worker and the office are offered on a booking's page exactly the moves in `actions`,
spelled as the API's paths (the grid's hand-over page is `assign`), the follow-up call included."""

from __future__ import annotations

import re

import pytest

# A page slug that differs from the API's path segment.
PAGE_TO_API = {"hand-over": "assign"}


def _buttons(html: str, booking_id: int) -> set[str]:
    """The moves a page offers: links and forms to /bookings/<id>/<slug>,
    /grid/bookings/<id>/<slug> and /jobs/<id>/<slug>."""
    found = re.findall(
        rf'(?:href|action)="/(?:grid/)?(?:bookings|jobs)/{booking_id}/([a-z-]+)"', html
    )
    return {PAGE_TO_API.get(slug, slug) for slug in found} - {"details", "photos"}


@pytest.mark.parametrize("state", ["accepted", "in_progress", "completed", "disputed", "confirmed"])
def test_the_buttons_on_a_booking_page_are_the_actions_of_the_api(
    api, browser_for, world, book, advance, state
):
    # 李明 books for himself: no waiver, so the money is due and `paid` is a real move.
    booker = world.neighbour.account_user
    booking = book(booker, listing_id=world.listing.id)["id"]
    if state == "disputed":
        advance(booking, "completed")
        response = api.as_(booker).post(f"/bookings/{booking}/dispute", json={"reason": "还漏"})
        assert response.status_code == 200, response.json
    elif state == "confirmed":
        advance(booking, "completed")
        response = api.as_(booker).post(f"/bookings/{booking}/confirm", json={"rating": 5})
        assert response.status_code == 200, response.json
    else:
        advance(booking, state)
    pages = [
        (booker, f"/bookings/{booking}"),
        (world.grid_worker, f"/bookings/{booking}"),
        (world.office, f"/bookings/{booking}"),
        (world.plumber.account_user, f"/jobs/{booking}"),
    ]
    for user, page in pages:
        actions = api.as_(user).get(f"/bookings/{booking}").json
        response = browser_for(user).get(page)
        assert response.status_code == 200, page
        buttons = _buttons(response.get_data(as_text=True), booking)
        assert buttons == set(actions["actions"]), (state, page, buttons, actions["actions"])
        if user in (world.grid_worker, world.office) and state in ("completed", "confirmed"):
            assert "follow-up" in buttons and "follow-up" in actions["actions"]
