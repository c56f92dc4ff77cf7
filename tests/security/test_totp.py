"""Two-step sign-in for staff: enrol from an authenticator app, one-time recovery codes, and once
on, the web login and POST /auth/tokens need the code (401 otp_required)."""

from __future__ import annotations

import re
import time

import pyotp
import sqlalchemy as sa

from happiness_fair.accounts.models import RecoveryCode
from happiness_fair.audit import AuditEvent
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def _enrol(api, user) -> tuple[str, list[str]]:
    started = api.as_(user).post("/me/totp")
    assert started.status_code == 201
    secret = started.json["secret"]
    assert started.json["otpauth_uri"].startswith("otpauth://totp/")
    assert started.json["qr_svg"].startswith("<svg")
    confirmed = api.as_(user).post("/me/totp/confirm", json={"otp": _code(secret)})
    assert confirmed.status_code == 200, confirmed.json
    return secret, confirmed.json["recovery_codes"]


def _token(api, user, **extra):
    return api.post("/auth/tokens", json={"phone": user.phone, "password": PASSWORD, **extra})


def test_staff_enrol_and_then_tokens_need_the_code(api, make, in_app):
    worker = make.grid_worker(make.grid())
    assert _token(api, worker).status_code == 201  # before: the password is enough
    secret, codes = _enrol(api, worker)
    assert len(codes) == 10 and len(set(codes)) == 10

    missing = _token(api, worker)
    assert missing.status_code == 401 and missing.json["error"]["code"] == "otp_required"
    wrong = _token(api, worker, otp="000000" if _code(secret) != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.json["error"]["code"] == "otp_required"
    bad_password = api.post(
        "/auth/tokens", json={"phone": worker.phone, "password": "wrong-pass", "otp": _code(secret)}
    )
    assert bad_password.json["error"]["code"] == "unauthenticated"  # no hint the code was right

    # The next time step's code (a phone clock a little ahead) is accepted once.
    good = _token(api, worker, otp=_code(secret, 1))
    assert good.status_code == 201
    replay = _token(api, worker, otp=_code(secret, 1))
    assert replay.status_code == 401 and replay.json["error"]["code"] == "otp_required"

    with in_app() as session:
        actions = (
            session.execute(sa.select(AuditEvent.action).where(AuditEvent.subject_id == worker.id))
            .scalars()
            .all()
        )
        assert "account.totp_on" in actions
        stored = (
            session.execute(
                sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == worker.id)
            )
            .scalars()
            .all()
        )
        assert len(stored) == 10 and not set(codes) & set(stored)  # only hashes are kept


def test_a_recovery_code_works_once(api, make):
    office = make.office(make.community())
    _secret, codes = _enrol(api, office)
    assert _token(api, office, otp=codes[0].upper()).status_code == 201
    again = _token(api, office, otp=codes[0])
    assert again.status_code == 401 and again.json["error"]["code"] == "otp_required"
    assert api.as_(office).get("/me/totp").json == {"enabled": True, "recovery_codes_left": 9}


def test_a_wrong_first_code_does_not_turn_it_on(api, make):
    worker = make.grid_worker(make.grid())
    api.as_(worker).post("/me/totp")
    refused = api.as_(worker).post("/me/totp/confirm", json={"otp": "12345x"})
    assert refused.status_code == 422 and "otp" in refused.json["error"]["fields"]
    assert api.as_(worker).get("/me/totp").json["enabled"] is False
    assert _token(api, worker).status_code == 201


def test_residents_cannot_turn_it_on_and_it_cannot_be_turned_on_twice(api, make):
    resident = make.user()
    assert api.as_(resident).post("/me/totp").status_code == 403
    worker = make.grid_worker(make.grid())
    _enrol(api, worker)
    assert api.as_(worker).post("/me/totp").status_code == 409


def test_turning_it_off_needs_the_password_and_is_audited(api, make, in_app):
    worker = make.grid_worker(make.grid())
    _enrol(api, worker)
    assert (
        api.as_(worker).post("/me/totp/disable", json={"password": "nope-nope"}).status_code == 422
    )
    off = api.as_(worker).post("/me/totp/disable", json={"password": PASSWORD})
    assert off.status_code == 200 and off.json["enabled"] is False
    assert _token(api, worker).status_code == 201
    with in_app() as session:
        actions = (
            session.execute(sa.select(AuditEvent.action).where(AuditEvent.subject_id == worker.id))
            .scalars()
            .all()
        )
        assert "account.totp_off" in actions


def test_wrong_codes_count_as_failed_sign_ins(api, make):
    worker = make.grid_worker(make.grid())
    _enrol(api, worker)
    statuses = [_token(api, worker, otp="99999a").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


def test_web_enrolment_and_login_with_the_code(app, make):
    worker = make.grid_worker(make.grid())
    browser = app.test_client()
    sign_in_page(browser, worker.phone, PASSWORD)
    account = browser.get("/account").get_data(as_text=True)
    token = csrf_token_of(account)
    setup = browser.post("/account/totp/start", data={"csrf_token": token})
    html = setup.get_data(as_text=True)
    assert setup.status_code == 200 and "<svg" in html and "<script" not in html.split("<main")[1]
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", html).group(1)
    done = browser.post("/account/totp/confirm", data={"csrf_token": token, "otp": _code(secret)})
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10

    fresh = app.test_client()
    asked = sign_in_page(fresh, worker.phone, PASSWORD)
    assert asked.status_code == 401
    assert 'name="otp"' in asked.get_data(as_text=True)
    assert worker.name not in fresh.get("/").get_data(as_text=True)
    login_token = csrf_token_of(fresh.get("/login").get_data(as_text=True))
    signed_in = fresh.post(
        "/login",
        data={
            "phone": worker.phone,
            "password": PASSWORD,
            "otp": _code(secret, 1),
            "csrf_token": login_token,
        },
    )
    assert signed_in.status_code == 303
    assert worker.name in fresh.get("/").get_data(as_text=True)


def test_the_setup_page_passes_the_csp(app, make):
    worker = make.grid_worker(make.grid())
    browser = app.test_client()
    sign_in_page(browser, worker.phone, PASSWORD)
    token = csrf_token_of(browser.get("/account").get_data(as_text=True))
    page = browser.post("/account/totp/start", data={"csrf_token": token})
    html = page.get_data(as_text=True)
    assert "style=" not in html and "<script>" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
