"""Staff two-step sign-in in a real browser on a 360 px phone with JavaScript off: a staff member
without it is reminded on the home page, and the office turns off a colleague's after a lost phone.
The ICP 备案号 footer is on these pages too. Accessible (axe), no sideways scrolling."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect

from happiness_fair.accounts import totp
from happiness_fair.accounts.models import User
from happiness_fair.extensions import db
from tests.factories import PASSWORD, Factories

from .conftest import assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


def test_the_office_is_reminded_and_resets_a_colleague_who_lost_the_phone(
    app, new_page, committed_db, monkeypatch
):
    monkeypatch.setitem(app.config, "ICP_BEIAN", "苏ICP备12345678号-1")
    make = Factories(app)
    community = make.community()
    worker = make.grid_worker(make.grid(community))
    office = make.office(community)
    with app.app_context():
        user = db.session.get(User, worker.id)
        secret = totp.begin(user)
        totp.confirm(user, pyotp.TOTP(secret).now())
        db.session.commit()

    def sign_in(page):
        page.goto("/login")
        page.get_by_label("手机号码").fill(office.phone)
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="登录").last.click()
        page.wait_for_url("**/")

    page = new_page(width=360)
    sign_in(page)
    reminder = page.locator("#totp-reminder")
    assert reminder.is_visible() and "腾讯身份验证器" in reminder.inner_text()
    footer = page.get_by_role("link", name="苏ICP备12345678号-1")
    assert footer.get_attribute("href") == "/beian"  # which leads to https://beian.miit.gov.cn/
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.goto("/office/staff")
    expect(page.get_by_role("heading", name=worker.name)).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)

    # The reset itself on a phone with JavaScript off: a plain form.
    phone = new_page(javascript=False, width=360)
    sign_in(phone)
    phone.get_by_role("link", name="社区办公室").first.click()
    phone.get_by_role("link", name="工作人员账户").click()
    phone.get_by_role("button", name="关闭两步登录（手机丢失）").click()
    expect(phone.get_by_text(f"已关闭{worker.name}的两步登录")).to_be_visible()
    assert phone.get_by_role("button", name="关闭两步登录（手机丢失）").count() == 0
    with app.app_context():
        assert not db.session.get(User, worker.id).totp_enabled
    page.reload()  # the flash message was for the other phone; the page after the reset
    assert_accessible(page)
