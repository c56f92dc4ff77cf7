"""The maintenance page (503) on a phone, as a grandmother meets it while the database is away:
Chinese, 长辈版 when her phone has it on, accessible, no sideways scrolling, a way to try again
(docs/RELIABILITY.md)."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

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
    assert page.get_by_role("link", name="再试一次").is_visible()
    assert page.evaluate("document.documentElement.classList.contains('elder')") is elder
    if elder:
        body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_px >= 18
    assert_no_sideways_scroll(page)
    assert_accessible(page)
