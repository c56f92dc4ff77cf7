"""The timeline says the price was updated when her age is verified (no reason given)."""

from __future__ import annotations

from datetime import date

from tests.factories import tomorrow

from .conftest import text_of


def _book(api, who, listing_id):
    body = {"listing_id": listing_id, "date": tomorrow().isoformat(), "period": "morning",
            "description": "水龙头漏水"}  # fmt: skip
    return api.as_(who).post("/bookings", json=body).json


def test_the_timeline_reads_price_updated(browser_for, api, make, world):
    unverified = make.resident(world.grid, name="王奶奶", birth_date=date(1940, 3, 1))
    booking = _book(api, unverified.account_user, world.listing.id)["id"]
    api.as_(world.office).post(
        f"/residents/{unverified.id}/verify-age", json={"birth_date": "1940-03-01"}
    )
    page = text_of(browser_for(unverified.account_user).get(f"/bookings/{booking}"))
    assert "报价已更新" in page
