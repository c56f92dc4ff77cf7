"""Signing in and out on the web: CSRF, 30-day sessions that the server can end, kept input."""

from happiness_fair.pages import ELDER_COOKIE
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page


def test_login_form_without_csrf_token_is_refused(client, make):
    user = make.user()
    response = client.post("/login", data={"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 403
    assert "表单已过期" in response.get_data(as_text=True)
    assert user.name not in client.get("/").get_data(as_text=True)


def test_login_keeps_the_phone_and_says_what_is_wrong(client, make):
    user = make.user()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"phone": user.phone, "password": "wrong-one", "csrf_token": token}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert f'value="{user.phone}"' in html
    assert "手机号码或密码不对" in html
    assert "wrong-one" not in html


def test_signed_in_session_lasts_30_days_and_is_hardened(client, make):
    user = make.user()
    response = sign_in_page(client, user.phone, PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie
    assert user.name in client.get("/").get_data(as_text=True)


def test_signing_out_ends_the_session_on_the_server(app, client, make):
    user = make.user()
    sign_in_page(client, user.phone, PASSWORD)
    stolen = client.get_cookie("hf_session").value
    token = csrf_token_of(client.get("/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    thief = app.test_client()
    thief.set_cookie("hf_session", stolen)
    assert user.name not in thief.get("/").get_data(as_text=True)


def test_cookie_api_calls_need_the_csrf_header_but_bearer_calls_do_not(client, make):
    building = make.building()
    user = make.user(community=building.community_id)
    sign_in_page(client, user.phone, PASSWORD)
    assert client.get("/api/v1/me").status_code == 200
    body = {"name": "母亲", "building_id": building.id, "unit": "1", "room": "1"}
    assert client.post("/api/v1/me/household", json=body).status_code == 403
    token = csrf_token_of(client.get("/").get_data(as_text=True))
    with_header = client.post("/api/v1/me/household", json=body, headers={"X-CSRFToken": token})
    assert with_header.status_code == 201


def test_register_form_keeps_input_and_shows_messages(client, make):
    building = make.building()
    token = csrf_token_of(client.get("/register").get_data(as_text=True))
    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "name": "王阿姨",
            "phone": "12345",
            "password": "abcdefghij",
            "community_id": str(building.community_id),
            "building_id": str(building.id),
            "unit": "2",
            "room": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="王阿姨"' in html and 'value="12345"' in html
    assert "abcdefghij" not in html
    assert "11 位手机号码" in html


def test_pages_send_security_headers_with_a_strict_csp(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)


def test_language_switch_and_elder_mode_are_remembered(client):
    token = csrf_token_of(client.get("/").get_data(as_text=True))
    client.post("/language", data={"lang": "en", "csrf_token": token})
    assert "Sign in" in client.get("/").get_data(as_text=True)
    client.post("/elder-mode", data={"on": "1", "csrf_token": token})
    assert client.get_cookie(ELDER_COOKIE).value == "1"
    assert 'class="elder"' in client.get("/").get_data(as_text=True)


def test_chinese_is_the_default_language(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN"' in html and "幸福事集" in html
