"""Rate limits: failed sign-ins per address and per phone-and-address pair (never per phone alone,
so a stranger cannot lock a grandmother out), registrations and resets per address; 429 in the
API's error shape and a friendly page; counters shared through Redis."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from happiness_fair import create_app
from happiness_fair.extensions import limiter
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of

STRANGER = {"REMOTE_ADDR": "203.0.113.7"}
GRANDMOTHER_HOME = {"REMOTE_ADDR": "198.51.100.20"}


def _token(api, phone, password, env=None, **extra):
    return api.client.post(
        "/api/v1/auth/tokens",
        json={"phone": phone, "password": password, **extra},
        headers={"Accept-Language": "en"},
        environ_base=env or STRANGER,
    )


def test_a_stranger_typing_her_number_cannot_lock_the_grandmother_out(api, make):
    grandmother = make.user()
    statuses = [_token(api, grandmother.phone, f"guess-{i}").status_code for i in range(25)]
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}
    # From her own phone (another address) she signs in at once.
    ok = _token(api, grandmother.phone, PASSWORD, env=GRANDMOTHER_HOME)
    assert ok.status_code == 201


def test_the_pair_limit_stops_guesses_at_one_account_but_not_the_address(app, api, make):
    """With the pair limit tighter than the address limit (as a deployment may set it), guesses
    at her from one address stop while a colleague at that address still signs in, and she
    still signs in from home."""
    grandmother, colleague = make.user(), make.user()
    app.config["RATELIMIT_LOGIN_PER_ADDRESS"] = "100/hour"
    app.config["RATELIMIT_LOGIN_PER_PHONE_AND_ADDRESS"] = "3/hour"
    try:
        statuses = [_token(api, grandmother.phone, f"guess-{i}").status_code for i in range(5)]
        assert statuses == [401, 401, 401, 429, 429]
        assert _token(api, colleague.phone, "wrong-one").status_code == 401
        assert _token(api, colleague.phone, PASSWORD).status_code == 201
        assert _token(api, grandmother.phone, PASSWORD, env=GRANDMOTHER_HOME).status_code == 201
    finally:
        del app.config["RATELIMIT_LOGIN_PER_ADDRESS"]
        del app.config["RATELIMIT_LOGIN_PER_PHONE_AND_ADDRESS"]


def test_successful_sign_ins_do_not_count(api, make):
    user = make.user()
    for _ in range(15):
        assert _token(api, user.phone, PASSWORD).status_code == 201


def test_429_has_the_api_error_shape_and_retry_after(api, make):
    user = make.user()
    for i in range(10):
        _token(api, user.phone, f"bad-{i}")
    limited = _token(api, user.phone, "bad")
    assert limited.status_code == 429
    assert limited.json["error"]["code"] == "rate_limited"
    assert limited.json["error"]["message"].startswith("Too many attempts")
    assert int(limited.headers["Retry-After"]) > 0


def test_web_login_is_limited_too_with_a_friendly_page(client, make):
    user = make.user()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    statuses = [
        client.post(
            "/login",
            data={"phone": user.phone, "password": f"bad-{i}", "csrf_token": token},
            environ_base=STRANGER,
        ).status_code
        for i in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    page = client.post(
        "/login",
        data={"phone": user.phone, "password": "bad", "csrf_token": token},
        environ_base=STRANGER,
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert "尝试次数太多" in html or "稍后" in html
    assert "<html" in html  # the site's own page, not a bare error


def test_registrations_are_limited_per_address(api, make):
    building = make.building()
    statuses = []
    for i in range(21):
        body = {
            "phone": f"1370000{i:04d}",
            "password": "long-enough-1",
            "name": "新用户",
            "community_id": building.community_id,
        }
        response = api.client.post("/api/v1/auth/register", json=body, environ_base=STRANGER)
        statuses.append(response.status_code)
    assert statuses[:20] == [201] * 20 and statuses[20] == 429


def test_reset_attempts_are_limited_per_address(api, make):
    # Several phones: one phone gets only 5 wrong codes from an address (the next test's limit).
    phones = [make.user().phone for _ in range(3)] + [f"1370000{n:04d}" for n in range(8)]
    body = {"code": "00000000", "new_password": "new-password-1"}
    statuses = [
        api.client.post(
            "/api/v1/auth/reset", json={**body, "phone": phone}, environ_base=STRANGER
        ).status_code
        for phone in phones
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_wrong_reset_codes_for_one_phone_are_limited_per_address_on_the_page_too(app, make):
    user = make.user()
    client = app.test_client()
    from tests.helpers import csrf_token_of

    statuses = []
    for _ in range(6):
        token = csrf_token_of(client.get("/login/reset").get_data(as_text=True))
        form = {"phone": user.phone, "code": "00000000", "new_password": "new-password-1"}
        form["new_password_again"] = form["new_password"]
        statuses.append(
            client.post(
                "/login/reset", data={**form, "csrf_token": token}, environ_base=STRANGER
            ).status_code
        )
    assert statuses == [422] * 5 + [429]


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis server to share counters through")
def test_two_processes_share_the_counters_through_redis(app, database_url, monkeypatch):
    """Two app processes (two app objects here) with the same REDIS_URL count failures together:
    an attacker cannot spread his guesses over the workers behind the proxy."""
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 8192,
    }
    first, second = create_app(settings), create_app(settings)
    assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    prefix = limiter._key_prefix
    store = redis.Redis.from_url(REDIS_URL)
    body = {"phone": f"1390{uuid.uuid4().int % 10**7:07d}", "password": "wrong-password"}
    try:
        for i in range(10):
            worker = (first if i % 2 else second).test_client()
            response = worker.post("/api/v1/auth/tokens", json=body, environ_base=STRANGER)
            assert response.status_code == 401
        third = first.test_client().post("/api/v1/auth/tokens", json=body, environ_base=STRANGER)
        assert third.status_code == 429
        assert third.json["error"]["code"] == "rate_limited"
        assert store.keys(f"*{prefix}*"), "the counters are kept in Redis"
    finally:
        for key in store.keys(f"*{prefix}*"):
            store.delete(key)
        for other in (first, second):
            with other.app_context():
                from happiness_fair.extensions import db

                db.engine.dispose()
        limiter.init_app(app)  # the test app's own (memory) storage again
