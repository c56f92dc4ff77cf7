"""忘记密码 in a real browser on a 360 px phone, standard and 长辈版: a mistyped code keeps the
number, the right code sets the new password, and the old password no longer works."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll
from .test_resident_pages import MEASURE, TARGETS

pytestmark = pytest.mark.browser


@pytest.fixture
def grandma_with_code(app, committed_db):
    make = Factories(app)
    grid = make.grid(make.community(name="虹西社区"))
    grandma = make.resident(grid, name="张奶奶")
    worker = make.grid_worker(grid)
    code = ApiClient(app).as_(worker).post(f"/residents/{grandma.id}/reset-code").json["code"]
    return grandma, code


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_a_grandmother_resets_her_password_with_the_code(new_page, grandma_with_code, elder):
    grandma, code = grandma_with_code
    page = new_page(width=360)
    page.goto("/login")
    if elder:
        page.get_by_role("button", name="长辈版").click()
        page.wait_for_url("**/login")
    page.locator("main").get_by_role("link", name="忘记密码").click()
    page.wait_for_url("**/login/reset")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    if elder:
        small = [t for t in page.evaluate(MEASURE, TARGETS) if t["h"] < 60 or t["w"] < 60]
        assert small == []

    page.get_by_label("手机号码").fill(grandma.phone)
    page.get_by_label("重置码（8 位数字）").fill("00000000")
    page.get_by_label("新密码（至少 8 位）").fill("a-new-secret-1")
    page.get_by_label("再输一次新密码").fill("a-new-secret-1")
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_text("验证码不对、已用过或已过期")).to_be_visible()
    assert page.get_by_label("手机号码").input_value() == grandma.phone
    assert page.get_by_label("新密码（至少 8 位）").input_value() == ""
    assert_no_sideways_scroll(page)
    assert_accessible(page)

    page.get_by_label("重置码（8 位数字）").fill(code)
    page.get_by_label("新密码（至少 8 位）").fill("a-new-secret-1")
    page.get_by_label("再输一次新密码").fill("a-new-secret-1")
    page.get_by_role("button", name="设置新密码").click()
    expect(page.get_by_text("新密码已设好")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="用新密码登录").click()
    page.get_by_label("手机号码").fill(grandma.phone)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.get_by_text("手机号码或密码不对")).to_be_visible()
    page.get_by_label("密码", exact=True).fill("a-new-secret-1")
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    expect(page.get_by_text(grandma.name).first).to_be_visible()
