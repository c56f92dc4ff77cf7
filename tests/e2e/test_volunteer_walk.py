"""Two plumbers on their phones (390 × 844): 沈师傅 takes 张奶奶's request from the job board,
does the job in 45 minutes, and once she confirms his hours page shows them; 王师傅, a moment
slower, is told on the board that the job is taken, without a pop-up. With and without
JavaScript; every page reached is checked with axe and for sideways scrolling."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from happiness_fair.places.clock import today
from tests.factories import PASSWORD, Factories
from tests.helpers import ApiClient

from .test_resident_walk import Checker

pytestmark = pytest.mark.browser


class Street:
    """One grid: 张奶奶 (85) with a dripping tap, and two plumbers who serve the grid."""

    def __init__(self, app):
        make = Factories(app)
        self.community = make.community(name="虹西社区")
        self.grid = make.grid(self.community, number=1)
        self.building = make.building(self.grid, name="152幢")
        self.grandma = make.resident(
            building=self.building, name="张奶奶", birth_date=date(1940, 1, 15), verified=True
        )
        self.shen = make.volunteer([self.grid], name="沈林益")
        self.wang = make.volunteer([self.grid], name="王建国")
        self.plumbing = make.category("plumbing")


@pytest.fixture
def street(app, committed_db):
    return Street(app)


def _sign_in(page, user, then: str) -> None:
    page.goto(f"/login?next={then}")
    page.get_by_label("手机号码").fill(user.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url(f"**{then}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_faster_volunteer_takes_the_job_and_his_45_minutes_count_once_confirmed(
    app, new_page, street, javascript
):
    grandma = ApiClient(app).as_(street.grandma.account_user)
    booked = grandma.post(
        "/bookings",
        json={
            "category_id": street.plumbing.id,
            "date": (today() + timedelta(days=1)).isoformat(),
            "period": "afternoon",
            "description": "厨房水龙头一直滴水",
        },
    )
    assert booked.status_code == 201, booked.json
    booking_id = booked.json["id"]

    shen = new_page(javascript=javascript)
    wang = new_page(javascript=javascript)
    checked = Checker(new_page, javascript)
    console_errors = []
    shen.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)

    # Both open the job board; the address is not shown before taking the job.
    _sign_in(wang, street.wang.account_user, "/jobs")
    _sign_in(shen, street.shen.account_user, "/")
    shen.get_by_role("link", name="接单").click()
    shen.wait_for_url("**/jobs")
    checked(shen)
    card = shen.locator("li.card", has_text="厨房水龙头一直滴水")
    assert card.get_by_text("接单后才显示地址和电话").count() == 0  # the hint is above the list
    assert shen.get_by_text(street.grandma.address).count() == 0
    expect(wang.locator("li.card", has_text="厨房水龙头一直滴水")).to_be_visible()

    # 沈师傅 is faster.
    card.get_by_role("button", name="接单").click()
    shen.wait_for_url(f"**/jobs/{booking_id}")
    expect(shen.get_by_text("接单成功")).to_be_visible()
    expect(shen.get_by_text(street.grandma.address)).to_be_visible()
    checked(shen)

    # 王师傅 presses a moment later: told on the board, no pop-up, nothing else changes.
    dialogs = []
    wang.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    wang.locator("li.card", has_text="厨房水龙头一直滴水").get_by_role(
        "button", name="接单"
    ).click()
    wang.get_by_text("已被其他志愿者接单").wait_for()
    assert wang.locator("li.card", has_text="厨房水龙头一直滴水").count() == 0
    assert dialogs == []
    checked(wang)

    # He starts, then completes with 45 minutes.
    shen.get_by_role("link", name="我已开始干活").click()
    checked(shen)
    shen.locator("main").get_by_role("button", name="我已开始干活").click()
    shen.wait_for_url(f"**/jobs/{booking_id}")
    shen.get_by_role("link", name="活干完了").click()
    checked(shen)
    shen.get_by_label("干活用了多少分钟（不算路上）").fill("45")
    shen.get_by_label("做了什么（可不填）").fill("换了水龙头垫圈")
    shen.locator("main").get_by_role("button", name="活干完了").click()
    shen.wait_for_url(f"**/jobs/{booking_id}")
    expect(shen.get_by_text("居民确认后，您的服务时长就会计入")).to_be_visible()
    checked(shen)

    # Not counted until 张奶奶 confirms.
    shen.get_by_role("link", name="我的服务").click()
    checked(shen)
    shen.locator("main").get_by_role("link", name="我的时长").click()
    shen.wait_for_url("**/my-hours")
    facts = shen.locator("dl.facts")
    expect(facts.get_by_text("0 分钟")).to_be_visible()
    expect(shen.locator("li.card", has_text="45 分钟").get_by_text("等待确认")).to_be_visible()

    confirmed = grandma.post(f"/bookings/{booking_id}/confirm", json={"rating": 5})
    assert confirmed.status_code == 200, confirmed.json

    shen.reload()
    expect(facts.get_by_text("45 分钟")).to_be_visible()
    expect(shen.locator("li.card", has_text="45 分钟").get_by_text("已核实")).to_be_visible()
    checked(shen)

    # He lets the honour board show his full name, and it does (signed out too).
    shen.get_by_role("link", name="我的服务").click()
    shen.get_by_label("全名：沈林益").check()
    shen.locator("main").get_by_role("button", name="保存").click()
    shen.wait_for_url("**/volunteer")
    shen.get_by_role("link", name="看光荣榜").click()
    checked(shen)
    visitor = new_page(javascript=javascript)
    visitor.goto(f"/honour-board?community_id={street.community.id}")
    row = visitor.locator("tr", has_text="沈林益")
    expect(row.get_by_text("45 分钟")).to_be_visible()
    checked(visitor)
    assert console_errors == []
    assert re.search(r"/honour-board", visitor.url)
