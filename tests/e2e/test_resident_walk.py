"""A daughter on her phone: registers, adds her mother (82), books a repair for her that is
free, and confirms it with five stars once the volunteer has done it. With and without
JavaScript; every page reached is checked with axe and for sideways scrolling."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from happiness_fair.accounts.models import Resident
from happiness_fair.extensions import db
from happiness_fair.places.clock import today
from tests.factories import Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll, real_console_errors

pytestmark = pytest.mark.browser


class Neighbourhood:
    """One grid with its grid worker and a plumber who offers a ¥20 tap repair."""

    def __init__(self, app):
        make = Factories(app)
        self.community = make.community(name="虹西社区")
        self.grid = make.grid(self.community, number=1)
        self.building = make.building(self.grid, name="152幢")
        self.grid_worker = make.grid_worker(self.grid)
        self.plumber = make.volunteer([self.grid], name="沈林益")
        self.listing = make.listing(self.plumber, fee_fen=2000, title="修水龙头")


@pytest.fixture
def hongxi(app, committed_db):
    return Neighbourhood(app)


class Checker:
    """Every page reached: no serious axe violation, no sideways scrolling. axe is JavaScript, so
    a page reached with JavaScript off is checked as the same URL with the same cookies in a
    second, scripted phone (the server sends the same HTML to both)."""

    def __init__(self, new_page, javascript: bool):
        self.new_page = new_page
        self.javascript = javascript
        self.twin = None

    def __call__(self, page) -> None:
        target = page
        if not self.javascript:
            if self.twin is None:
                self.twin = self.new_page(javascript=True)
            self.twin.context.clear_cookies()
            self.twin.context.add_cookies(page.context.cookies())
            self.twin.goto(page.url)
            target = self.twin
        assert_accessible(target)
        assert_no_sideways_scroll(target)


def _resident_id(app, name: str) -> int:
    with app.app_context():
        return db.session.execute(sa.select(Resident.id).where(Resident.name == name)).scalar_one()


def _booking_id(page) -> int:
    return int(re.search(r"/bookings/(\d+)$", page.url).group(1))


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_daughter_books_a_free_repair_for_her_mother_and_confirms_it(
    app, new_page, hongxi, javascript
):
    page = new_page(javascript=javascript)
    checked = Checker(new_page, javascript)
    console_errors = []  # a CSP refusal (inline script or style) shows here
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    phone = "13912345678" if javascript else "13912345679"

    # She registers, with her address in 152幢.
    page.goto("/register")
    checked(page)
    page.get_by_label("您的姓名").fill("李红")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码（至少 8 位）").fill("li-hong-2024")
    page.get_by_label("楼栋").select_option(value=str(hongxi.building.id))
    page.get_by_label("单元").fill("2")
    page.get_by_label("房号").fill("301")
    page.locator("main").get_by_role("button", name="注册").click()
    page.wait_for_url("**/")
    expect(page.get_by_text("李红").first).to_be_visible()
    checked(page)

    # She adds her mother, 82, who lives with her.
    page.get_by_role("link", name="家人").click()
    page.wait_for_url("**/family")
    checked(page)
    born = date(today().year - 82, 1, 15)
    page.get_by_label("姓名", exact=True).fill("王秀英")
    page.get_by_label("和您的关系（如：母亲）").fill("母亲")
    page.get_by_label("出生日期", exact=True).fill(born.isoformat())
    page.get_by_role("button", name="添加", exact=True).click()
    page.wait_for_url("**/family")
    expect(page.get_by_text("已添加王秀英")).to_be_visible()
    checked(page)

    # The grid worker checks her ID card (through the API).
    mother_id = _resident_id(app, "王秀英")
    verified = (
        ApiClient(app)
        .as_(hongxi.grid_worker)
        .post(f"/residents/{mother_id}/verify-age", json={"birth_date": born.isoformat()})
    )
    assert verified.status_code == 200, verified.json

    # She finds the tap repair from the home page and books it for her mother.
    page.get_by_role("link", name="首页").click()
    checked(page)
    page.get_by_role("link", name="水电维修").click()
    checked(page)
    page.get_by_role("link", name="修水龙头").click()
    checked(page)
    page.get_by_role("link", name="预约这项服务").click()
    checked(page)
    expect(page.locator("#quote").get_by_text("应付：¥20.00")).to_be_visible()  # for herself
    page.get_by_label("王秀英").check()
    if javascript:
        page.locator("#quote").get_by_text("免费（80岁以上）").wait_for()  # htmx swapped it
    else:
        page.get_by_role("button", name="看看价格").click()
        assert page.get_by_label("王秀英").is_checked()
        expect(page.locator("#quote").get_by_text("免费（80岁以上）")).to_be_visible()
    checked(page)
    page.get_by_label("遇到什么问题？").fill("厨房水龙头一直滴水")
    page.get_by_label("怎么找到门（可不填）").fill("按两次门铃")
    page.get_by_role("button", name="发出请求").click()
    page.wait_for_url(re.compile(r".*/bookings/\d+$"))
    booking_id = _booking_id(page)
    expect(page.get_by_text("请求已发出")).to_be_visible()
    expect(page.locator("#quote").get_by_text("免费（80岁以上）")).to_be_visible()
    expect(page.get_by_text("王秀英").first).to_be_visible()
    checked(page)

    # The volunteer does the job (through the API).
    volunteer = ApiClient(app).as_(hongxi.plumber.account_user)
    for action, body in [("accept", {}), ("start", {}), ("complete", {"minutes": 40})]:
        response = volunteer.post(f"/bookings/{booking_id}/{action}", json=body)
        assert response.status_code == 200, response.json

    # She sees the message, opens the booking and confirms it with five stars.
    page.goto("/")
    expect(page.get_by_text("条未读").first).to_be_visible()
    page.get_by_role("link", name=re.compile("消息")).click()
    checked(page)
    page.get_by_role("button", name="查看预约").first.click()
    page.wait_for_url(f"**/bookings/{booking_id}")
    checked(page)
    assert page.get_by_role("link", name="取消预约").count() == 0
    page.get_by_label("5 星").check()
    page.get_by_label("说句感谢或意见（可不填）").fill("沈师傅辛苦了")
    page.get_by_role("button", name="确认已修好").click()
    page.wait_for_url(f"**/bookings/{booking_id}")
    expect(page.get_by_text("谢谢！已确认完成。")).to_be_visible()
    expect(page.locator(".status").get_by_text("已确认")).to_be_visible()
    checked(page)

    # My bookings lists it as confirmed.
    page.get_by_role("link", name="我的预约", exact=True).click()
    checked(page)
    expect(page.locator(".card").filter(has_text="修水龙头").get_by_text("已确认")).to_be_visible()
    assert real_console_errors(console_errors) == []


def test_search_results_follow_the_typing_and_the_address_bar(new_page, hongxi):
    page = new_page()
    page.goto("/services")
    assert_accessible(page)
    page.get_by_label("搜索服务").fill("水龙头")
    page.locator("#results").get_by_role("link", name="修水龙头").wait_for()
    expect(page.locator("#results").get_by_text("找到 1 项服务")).to_be_visible()
    page.wait_for_url("**/services?q=*")
    page.get_by_label("搜索服务").fill("修飞机")
    page.locator("#results").get_by_text("没有找到").wait_for()
    assert page.get_by_label("搜索服务").input_value() == "修飞机"  # the field was not replaced
    assert_accessible(page)
