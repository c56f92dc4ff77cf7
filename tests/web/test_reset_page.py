"""忘记密码 on the sign-in page: the code from the grid worker, a new password typed twice."""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.helpers import sign_in_page

from .conftest import text_of

STRANGER = {"REMOTE_ADDR": "203.0.113.9"}


def _code_for(api, make):
    grid = make.grid()
    grandma = make.resident(grid)
    worker = make.grid_worker(grid)
    code = api.as_(worker).post(f"/residents/{grandma.id}/reset-code").json["code"]
    return grandma, code


def test_the_sign_in_page_leads_to_forgot_password(browser_for):
    page = browser_for().get("/login")
    assert 'href="/login/reset"' in page.get_data(as_text=True)
    assert "忘记密码" in text_of(page)


def test_a_grandmother_sets_a_new_password_with_her_code_and_every_session_ends(
    api, make, browser_for, app
):
    grandma, code = _code_for(api, make)
    old_phone = app.test_client()
    assert sign_in_page(old_phone, grandma.phone, PASSWORD).status_code == 303
    old_token = api.post("/auth/tokens", json={"phone": grandma.phone, "password": PASSWORD})
    browser = browser_for()
    browser.get("/login/reset")
    form = {
        "phone": grandma.phone,
        "code": code,
        "new_password": "a-new-secret-1",
        "new_password_again": "a-new-secret-1",
    }
    done = browser.post("/login/reset", form)
    assert done.status_code == 200
    assert "新密码已设好" in text_of(done)
    assert grandma.name not in old_phone.get("/").get_data(as_text=True)
    bearer = {"Authorization": f"Bearer {old_token.json['token']}"}
    assert api.get("/me", headers=bearer).status_code == 401
    assert sign_in_page(browser.client, grandma.phone, "a-new-secret-1").status_code == 303
    # the code worked once
    again = browser_for().post("/login/reset", form)
    assert again.status_code == 422


def test_a_wrong_code_says_so_and_keeps_the_phone_but_no_password(api, make, browser_for):
    grandma, _code = _code_for(api, make)
    browser = browser_for()
    browser.get("/login/reset")
    page = browser.post(
        "/login/reset",
        {
            "phone": grandma.phone,
            "code": "00000000",
            "new_password": "a-new-secret-1",
            "new_password_again": "a-new-secret-1",
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert f'value="{grandma.phone}"' in html
    assert "验证码不对、已用过或已过期" in text_of(page)
    assert "a-new-secret-1" not in html and "00000000" not in html


def test_the_two_new_passwords_must_match_and_nothing_changes(api, make, browser_for):
    grandma, code = _code_for(api, make)
    browser = browser_for()
    browser.get("/login/reset")
    page = browser.post(
        "/login/reset",
        {
            "phone": grandma.phone,
            "code": code,
            "new_password": "a-new-secret-1",
            "new_password_again": "a-new-secret-2",
        },
    )
    assert page.status_code == 422
    assert "两次输入的新密码不一样" in text_of(page)
    assert f'value="{grandma.phone}"' in page.get_data(as_text=True)
    assert sign_in_page(browser_for().client, grandma.phone, PASSWORD).status_code == 303


def test_missing_fields_are_named_in_chinese(browser_for):
    browser = browser_for()
    browser.get("/login/reset")
    page = browser.post("/login/reset", {"phone": "123"})
    text = text_of(page)
    assert page.status_code == 422
    assert "请填写以 1 开头的 11 位手机号码" in text
    assert text.count("这一项必须填写") == 3


def test_reset_attempts_on_the_page_are_rate_limited(make, browser_for):
    # Several phones: one phone gets only 5 wrong codes an hour from one address (review B #8,
    # tests/security/test_rate_limits.py); the address as a whole gets 10 tries.
    phones = [make.user().phone for _ in range(3)] + [f"1370000{n:04d}" for n in range(8)]
    browser = browser_for()
    browser.get("/login/reset")
    form = {
        "code": "00000000",
        "new_password": "a-new-secret-1",
        "new_password_again": "a-new-secret-1",
    }
    statuses = [
        browser.post("/login/reset", {**form, "phone": phone}, environ_base=STRANGER).status_code
        for phone in phones
    ]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
