"""The account pages in a real browser on a 360 px phone: accessible (axe), no sideways
scrolling, and two-step sign-in set up from start to finish, then used with JavaScript off."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, Factories

from .conftest import assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(app, committed_db):
    make = Factories(app)
    return make.grid_worker(make.grid())


def _sign_in(page, user, otp=None):
    if otp is None:
        page.goto("/login")
    else:  # the form as it came back asking for the code, the number kept
        assert page.get_by_label("手机号码").input_value() == user.phone
        page.get_by_label("动态验证码").fill(otp)
    page.get_by_label("手机号码").fill(user.phone)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()


def test_a_grid_worker_sets_up_two_step_sign_in_and_signs_in_with_it(new_page, worker):
    page = new_page(width=360)
    _sign_in(page, worker)
    page.goto("/account")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.get_by_role("button", name="设置两步登录").click()
    expect(page.locator("svg").first).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    secret = page.locator("main code").first.inner_text()
    page.get_by_label("应用里的验证码").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="开启两步登录").click()
    expect(page.get_by_role("heading", name="两步登录已开启")).to_be_visible()
    assert page.locator("ul.recovery-codes li").count() == 10
    assert_accessible(page)

    phone = new_page(javascript=False, width=360)
    _sign_in(phone, worker)
    expect(phone.get_by_label("动态验证码")).to_be_visible()
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    _sign_in(phone, worker, otp=next_code)
    phone.wait_for_url("**/")
    expect(phone.get_by_text(worker.name).first).to_be_visible()


def test_the_password_page_is_accessible(new_page, worker):
    page = new_page(width=360)
    _sign_in(page, worker)
    page.goto("/account/password")
    assert_no_sideways_scroll(page)
    assert_accessible(page)
