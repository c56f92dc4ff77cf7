"""The shell on a phone: accessible, no sideways scrolling, 长辈版 sizes, works without JS."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import Factories

from .conftest import assert_accessible, assert_no_sideways_scroll, save_screen

pytestmark = pytest.mark.browser


@pytest.fixture
def resident(app, committed_db):
    make = Factories(app)
    return make.resident(make.grid())


@pytest.mark.parametrize("path", ["/", "/login", "/register"])
def test_pages_are_accessible_and_fit_a_360px_phone(new_page, path):
    page = new_page(width=360)
    page.goto(path)
    save_screen(page, "visitor", "standard")
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def test_elder_mode_enlarges_text_and_targets(page):
    page.goto("/login")
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_url("**/login")
    body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_px >= 18
    heights = page.eval_on_selector_all(
        "main button, main input, header button",
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)",
    )
    assert heights and min(heights) >= 60
    assert_accessible(page)
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_resident_signs_in_and_out(new_page, resident, javascript):
    from tests.factories import PASSWORD

    page = new_page(javascript=javascript)
    page.goto("/login")
    page.get_by_label("手机号码").fill(resident.phone)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").last.click()
    expect(page.get_by_text("手机号码或密码不对")).to_be_visible()
    assert page.get_by_label("手机号码").input_value() == resident.phone
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/")
    expect(page.get_by_text(resident.name).first).to_be_visible()
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录").first).to_be_visible()
