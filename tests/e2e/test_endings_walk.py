"""Endings in a real browser on a 360 px phone, standard and 长辈版: the office closes the
record of a resident who passed away, and the office cancels a fair day that a grandmother had
booked (she then reads the cancellation in her messages)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from happiness_fair.catalogue.categories import ensure_categories
from happiness_fair.extensions import db
from happiness_fair.places.clock import today
from tests.factories import PASSWORD, Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _categories(app):
    with app.app_context():
        ensure_categories()
        db.session.commit()
    yield
    with app.app_context():
        ensure_categories()
        db.session.commit()


@pytest.fixture
def people(app, committed_db):
    make = Factories(app)
    community = make.community(name="虹西社区")
    grid = make.grid(community)
    office = make.office(community)
    grandma = make.resident(grid, name="张奶奶", birth_date=date(1941, 1, 15), verified=True)
    son = make.manager(grandma)
    barber = make.volunteer([grid], categories=("haircut",), name="剃头王")
    haircut = make.listing(barber, category="haircut", fee_fen=1000, title="理发", fair=True)
    api = ApiClient(app)
    day = api.as_(office).post(
        "/fair-days",
        json={"date": (today() + timedelta(days=1)).isoformat(), "starts_at": "09:00",
              "ends_at": "11:30", "venue": "虹桥东村广场", "grid_id": grid.id, "slot_minutes": 30},
    ).json  # fmt: skip
    api.as_(barber.account_user).post(
        f"/fair-days/{day['id']}/stalls", json={"listing_id": haircut.id, "capacity_per_slot": 2}
    )
    booked = api.as_(grandma.account_user).post(
        "/bookings",
        json={"listing_id": haircut.id, "mode": "fair", "fair_day_id": day["id"],
              "slot_start": "10:00", "date": day["date"], "period": "morning",
              "description": "剪短一点"},
    )  # fmt: skip
    assert booked.status_code == 201, booked.json
    return {"office": office, "grandma": grandma, "son": son, "day": day}


def _sign_in(page, user, elder):
    page.goto("/login")
    if elder:
        page.get_by_role("button", name="长辈版").click()
        page.wait_for_url("**/login")
    page.get_by_label("手机号码").fill(user.phone)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _check(page):
    assert_no_sideways_scroll(page)
    assert_accessible(page)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_the_office_closes_the_record_of_a_resident_who_passed_away(new_page, people, elder):
    page = new_page(width=360)
    _sign_in(page, people["office"], elder)
    page.get_by_role("link", name="网格工作台").first.click()
    page.get_by_role("link", name="查找居民").click()
    page.locator("#f-q").fill("张")
    page.locator("main").get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="张奶奶").first.click()
    _check(page)
    page.get_by_label("已去世").check()
    page.get_by_role("button", name="注销档案").click()
    expect(page.get_by_text("将被取消的未完成预约")).to_be_visible()  # a page asks first
    _check(page)
    page.get_by_role("button", name="确认注销档案").click()
    expect(page.get_by_text("档案已注销：已去世")).to_be_visible()
    _check(page)

    son = new_page(width=360)
    _sign_in(son, people["son"], elder)
    son.goto("/notifications")
    expect(son.get_by_text("张奶奶已去世")).to_be_visible()
    _check(son)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_the_office_cancels_a_fair_day_and_the_grandmother_is_told(new_page, people, elder):
    page = new_page(width=360)
    _sign_in(page, people["office"], elder)
    page.goto("/fairs/office")
    page.get_by_role("link", name="取消事集日").click()
    _check(page)
    page.get_by_role("button", name="确定取消事集日").click()
    expect(page.locator(".field-error").first).to_be_visible()
    page.get_by_label("为什么取消？").fill("大雨，改期")
    page.get_by_role("button", name="确定取消事集日").click()
    page.wait_for_url("**/fairs/office")
    expect(page.get_by_text("大雨，改期")).to_be_visible()
    _check(page)

    grandma = new_page(width=360)
    _sign_in(grandma, people["grandma"].account_user, elder)
    grandma.goto("/notifications")
    expect(grandma.get_by_text("大雨，改期").first).to_be_visible()
    _check(grandma)
    grandma.goto(f"/fairs/{people['day']['id']}")
    expect(grandma.get_by_text("这个事集日已取消：大雨，改期")).to_be_visible()
    _check(grandma)
