"""A volunteer asks for his certificate from 我的时长 on a 360 px phone (standard and 长辈版),
the office issues it, and he opens it to print."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from happiness_fair.catalogue.categories import ensure_categories
from happiness_fair.extensions import db
from tests.factories import PASSWORD, Factories

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
def cast(app, committed_db):
    make = Factories(app)
    community = make.community(name="虹西社区")
    grid = make.grid(community)
    return {"office": make.office(community), "plumber": make.volunteer([grid], name="沈林益")}


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
def test_a_volunteer_asks_for_his_certificate_and_prints_it(new_page, cast, elder):
    phone = new_page(width=360)
    _sign_in(phone, cast["plumber"].account_user, elder)
    phone.goto("/my-hours")
    _check(phone)
    phone.get_by_label("加盖社区公章").check()
    phone.get_by_role("button", name="申请证明").click()
    expect(phone.get_by_text("等待办公室处理")).to_be_visible()
    _check(phone)

    office = new_page(width=360)
    _sign_in(office, cast["office"], elder)
    office.goto("/office/certificate-requests")
    _check(office)
    office.get_by_role("button", name="开具证明").click()
    expect(office.get_by_text("志愿服务记录证明").first).to_be_visible()

    phone.goto("/my-hours")
    phone.get_by_role("link", name="证明编号").first.click()
    phone.wait_for_url("**/certificates/*")
    expect(phone.get_by_text("志愿服务记录证明").first).to_be_visible()
    expect(phone.get_by_text("沈林益").first).to_be_visible()
    _check(phone)
