"""Sessions: hardened cookies (Secure outside the embedded default), and a password change ends
every other session and token while the one that made the change stays signed in."""

from __future__ import annotations

from happiness_fair.config import load_config
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page

NEW = "a-new-password-42"


def test_cookies_are_secure_outside_the_embedded_default(tmp_path, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/hf")
    served = load_config(str(tmp_path))
    assert served["SESSION_COOKIE_SECURE"] and served["REMEMBER_COOKIE_SECURE"]
    assert served["SESSION_COOKIE_HTTPONLY"] and served["SESSION_COOKIE_SAMESITE"] == "Lax"
    monkeypatch.delenv("DATABASE_URL")
    embedded = load_config(str(tmp_path))  # plain http on a laptop: a Secure cookie would be lost
    assert not embedded["SESSION_COOKIE_SECURE"]
    assert embedded["SESSION_COOKIE_HTTPONLY"] and embedded["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_the_served_cookie_carries_secure_when_configured(app, make):
    user = make.user()
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        client = app.test_client()
        response = sign_in_page(client, user.phone, PASSWORD)
        cookie = response.headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_api_password_change_ends_other_sessions_and_tokens_but_keeps_this_one(app, api, make):
    user = make.user()
    phone_app = api.as_(user)
    other_token = api.post("/auth/tokens", json={"phone": user.phone, "password": PASSWORD})
    other_headers = {"Authorization": f"Bearer {other_token.json['token']}"}
    browser = app.test_client()
    sign_in_page(browser, user.phone, PASSWORD)
    assert browser.get("/api/v1/me").status_code == 200

    changed = phone_app.post(
        "/me/password", json={"current_password": PASSWORD, "new_password": NEW}
    )
    assert changed.status_code == 204
    assert phone_app.get("/me").status_code == 200  # this one stays
    assert api.get("/me", headers=other_headers).status_code == 401
    assert browser.get("/api/v1/me").status_code == 401
    assert (
        api.post("/auth/tokens", json={"phone": user.phone, "password": PASSWORD}).status_code
        == 401
    )
    assert api.post("/auth/tokens", json={"phone": user.phone, "password": NEW}).status_code == 201


def test_api_password_change_needs_the_current_password(api, make):
    user = make.user()
    wrong = api.as_(user).post(
        "/me/password", json={"current_password": "not-it-at-all", "new_password": NEW}
    )
    assert wrong.status_code == 422
    assert "current_password" in wrong.json["error"]["fields"]
    short = api.as_(user).post(
        "/me/password", json={"current_password": PASSWORD, "new_password": "short"}
    )
    assert short.status_code == 422 and "new_password" in short.json["error"]["fields"]
    assert (
        api.post(
            "/me/password", json={"current_password": PASSWORD, "new_password": NEW}
        ).status_code
        == 401
    )


def test_password_change_is_documented_in_openapi(api):
    spec = api.get("/openapi.json").json
    operation = spec["paths"]["/api/v1/me/password"]["post"]
    assert {"204", "401", "422", "429"} <= set(operation["responses"])


def test_web_password_change_keeps_this_browser_and_signs_out_the_others(app, make):
    user = make.user()
    mine, other = app.test_client(), app.test_client()
    sign_in_page(mine, user.phone, PASSWORD)
    sign_in_page(other, user.phone, PASSWORD)
    page = mine.get("/account/password")
    assert page.status_code == 200
    token = csrf_token_of(page.get_data(as_text=True))
    wrong = mine.post(
        "/account/password",
        data={"csrf_token": token, "current_password": "nope-nope", "new_password": NEW},
    )
    assert wrong.status_code == 422
    assert "这不是您现在的密码" in wrong.get_data(as_text=True)
    done = mine.post(
        "/account/password",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": NEW},
    )
    assert done.status_code == 200
    assert user.name in mine.get("/").get_data(as_text=True)
    assert user.name not in other.get("/").get_data(as_text=True)


def test_account_pages_send_a_stranger_to_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 303 and "/login" in response.headers["Location"]


def test_sign_in_never_redirects_to_another_site(app, make):
    user = make.user()
    for target in ("//evil.example/phish", "https://evil.example/", "/account"):
        browser = app.test_client()
        token = csrf_token_of(browser.get("/login").get_data(as_text=True))
        response = browser.post(
            f"/login?next={target}",
            data={"phone": user.phone, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 303
        location = response.headers["Location"]
        assert location == (target if target == "/account" else "/")
