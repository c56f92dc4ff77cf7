"""The office on a 360 px phone keeps its kinds of concern (adds one in both languages, renames
one, retires it and uses it again) and appoints a micro-grid helper for two buildings, then ends
the appointment; a resident's 反映问题 form follows the kinds. With and without JavaScript;
every page is checked with axe and for sideways scrolling."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, Factories

from .conftest import assert_accessible, assert_no_sideways_scroll, real_console_errors

pytestmark = pytest.mark.browser


def _sign_in(page, phone):
    page.goto("/login")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/")


def _checked(page, javascript):
    assert_no_sideways_scroll(page)
    if javascript:
        assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_office_keeps_kinds_of_concern_and_appoints_a_micro_grid_helper(
    app, new_page, committed_db, javascript
):
    make = Factories(app)
    community = make.community(name="虹西社区")
    grid = make.grid(community, number=1)
    b151, b152 = make.building(grid, name="151幢"), make.building(grid, name="152幢")
    helper = make.resident(building=b151, name="陶建华")
    her = make.resident(building=b152, name="王秀英")
    office_user = make.office(community)

    office = new_page(javascript=javascript, width=360)
    errors = []
    office.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(office, office_user.phone)
    office.goto("/office/concerns")
    office.get_by_role("link", name="问题类别").click()
    office.wait_for_url("**/office/concern-categories")
    _checked(office, javascript)

    adding = office.locator("form", has=office.get_by_role("button", name="添加这个类别"))
    adding.get_by_label("中文名称").fill("加装电梯")
    adding.get_by_role("button", name="添加这个类别").click()  # the English name is missing
    adding.locator(".field-error").wait_for()
    adding = office.locator("form", has=office.get_by_role("button", name="添加这个类别"))
    adding.get_by_label("中文名称").fill("加装电梯")
    adding.get_by_label("英文名称").fill("New lifts")
    adding.get_by_role("button", name="添加这个类别").click()
    office.get_by_text("问题类别已添加。").wait_for()
    card = office.locator("li.card", has_text="加装电梯")
    card.get_by_label("中文名称").fill("老楼加装电梯")
    card.get_by_role("button", name="保存名称").click()
    office.get_by_text("问题类别已改名。").wait_for()
    _checked(office, javascript)

    resident = new_page(javascript=javascript, width=360)
    _sign_in(resident, her.account_user.phone)
    resident.goto("/concerns/new")
    assert resident.get_by_label("老楼加装电梯").count() == 1
    office.locator("li.card", has_text="老楼加装电梯").get_by_role("button", name="停用").click()
    office.get_by_text("问题类别已停用，不再供选择。").wait_for()
    resident.goto("/concerns/new")
    assert resident.get_by_label("老楼加装电梯").count() == 0
    retired = office.locator("li.card", has_text="老楼加装电梯")
    retired.get_by_role("button", name="重新启用").click()
    office.get_by_text("问题类别已重新启用。").wait_for()
    resident.goto("/concerns/new")
    assert resident.get_by_label("老楼加装电梯").count() == 1

    office.get_by_role("link", name="问题清单").first.click()
    office.get_by_role("link", name="微网格员").click()
    office.wait_for_url("**/office/micro-grid")
    office.get_by_text("还没有微网格员。").wait_for()
    _checked(office, javascript)
    office.get_by_label("居民本人账号的手机号").fill(helper.account_user.phone)
    office.get_by_label("151幢").check()
    office.get_by_label("152幢").check()
    office.get_by_role("button", name="任命", exact=True).click()
    office.get_by_text("陶建华已任命为这些楼栋的微网格员。").wait_for()
    card = office.locator("li.card", has_text="陶建华")
    assert card.is_visible() and "151幢" in card.inner_text() and "152幢" in card.inner_text()
    _checked(office, javascript)
    card.get_by_role("button", name="解除陶建华的微网格员任命").click()
    office.get_by_text("已解除任命。").wait_for()
    office.get_by_text("还没有微网格员。").wait_for()
    assert real_console_errors(errors) == []
