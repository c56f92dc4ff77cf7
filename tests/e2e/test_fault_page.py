"""The maintenance page (503) on a phone, as a grandmother meets it while the database is away:
Chinese, 长辈版 when her phone has it on, accessible, no sideways scrolling, a way to try again
(docs/RELIABILITY.md)."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from happiness_fair.catalogue import service as catalogue

from .conftest import assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def database_away(monkeypatch):
    def refused(*args, **kwargs):
        orig = psycopg.OperationalError("connection failed: Connection refused")
        raise sa.exc.OperationalError("SELECT", {}, orig)

    monkeypatch.setattr(catalogue, "categories", refused)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_the_maintenance_page_is_clear_and_accessible(new_page, live_server, database_away, elder):
    page = new_page(width=360)
    if elder:
        page.context.add_cookies([{"name": "elder", "value": "1", "url": live_server}])
    response = page.goto("/")
    assert response.status == 503
    assert page.get_by_role("heading", level=1).inner_text() == "系统正在维护，请稍后再试"
    expect(page.get_by_role("link", name="再试一次")).to_be_visible()
    assert page.evaluate("document.documentElement.classList.contains('elder')") is elder
    if elder:
        body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_px >= 18
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def test_a_live_search_during_an_outage_shows_the_maintenance_page(
    new_page, live_server, monkeypatch
):
    """htmx swaps a 5xx answer's page in whole, so she is told to try again instead of nothing."""
    page = new_page(width=360)
    page.goto("/services")
    refused = psycopg.OperationalError("connection failed: Connection refused")

    def away(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, refused)

    monkeypatch.setattr(catalogue, "categories", away)
    with page.expect_response(lambda r: "q=" in r.url) as answer:
        page.get_by_label("搜索服务").fill("水龙头")
    assert answer.value.status == 503
    heading = page.get_by_role("heading", level=1)
    heading.filter(has_text="系统正在维护").wait_for()
    expect(page.get_by_role("link", name="再试一次")).to_be_visible()
    assert_no_sideways_scroll(page)
