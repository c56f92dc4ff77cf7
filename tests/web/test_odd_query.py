"""Digits int() cannot read in a query string ("²", which str.isdigit() calls a digit; "٣" and
"１", which int() reads but an id never is) are no fault: the page answers as for no number."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("digit", ["²", "٣", "１"])
@pytest.mark.parametrize(
    "who, path",
    [
        (None, "/services?page={}"),
        ("grandma_user", "/bookings?page={}"),
        ("grandma_user", "/book?listing={}"),
        ("grandma_user", "/notifications?page={}"),
        ("grid_worker", "/grid/residents?building_id={}"),
        ("office", "/office/concerns?grid_id={}"),
    ],
)
def test_digits_other_than_ascii_in_a_query_are_no_fault(browser_for, world, who, path, digit):
    browser = browser_for(getattr(world, who) if who else None)
    response = browser.get(path.format(digit))
    assert response.status_code < 500, (path, response.status_code)
