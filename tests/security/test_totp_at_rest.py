"""TOTP secrets at rest (issue 17, "Also"): encrypted with a Fernet key derived from SECRET_KEY;
after a key change the old key in SECRET_KEY_FALLBACKS still opens them, and `flask rotate-keys`
re-encrypts them under the new key, after which the fallback can go."""

from __future__ import annotations

import time

import pyotp
import pytest
import sqlalchemy as sa

from happiness_fair import crypto
from happiness_fair.accounts.models import User
from tests.factories import PASSWORD


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def _stored(in_app, user_id: int) -> str:
    with in_app() as session:
        return session.execute(sa.select(User.totp_secret).where(User.id == user_id)).scalar_one()


@pytest.fixture
def keys(app):
    before = app.config["SECRET_KEY"], list(app.config.get("SECRET_KEY_FALLBACKS") or [])
    yield app.config
    app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = before


def test_the_secret_is_stored_encrypted_and_survives_a_key_change(
    app, api, make, in_app, runner, keys
):
    worker = make.grid_worker(make.grid())
    started = api.as_(worker).post("/me/totp")
    secret = started.json["secret"]
    assert api.as_(worker).post("/me/totp/confirm", json={"otp": _code(secret)}).status_code == 200
    stored = _stored(in_app, worker.id)
    assert secret not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token

    # A new SECRET_KEY, the old one kept as a fallback: her authenticator still works.
    keys["SECRET_KEY"], keys["SECRET_KEY_FALLBACKS"] = "a-new-secret-key", ["test-secret"]
    signed_in = api.post(
        "/auth/tokens", json={"phone": worker.phone, "password": PASSWORD, "otp": _code(secret, 1)}
    )
    assert signed_in.status_code == 201, signed_in.json

    result = runner.invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "1 two-step sign-in secrets" in result.output
    rotated = _stored(in_app, worker.id)
    assert rotated != stored and secret not in rotated

    # Without the fallback, the new key alone opens the rotated secret, not the old token.
    keys["SECRET_KEY_FALLBACKS"] = []
    with app.app_context():
        assert crypto.decrypt(rotated, crypto.TOTP) == secret
        with pytest.raises(crypto.InvalidToken):
            crypto.decrypt(stored, crypto.TOTP)


def test_a_secret_no_key_opens_refuses_codes_but_does_not_fail(app, api, make, keys):
    worker = make.grid_worker(make.grid())
    secret = api.as_(worker).post("/me/totp").json["secret"]
    codes = api.as_(worker).post("/me/totp/confirm", json={"otp": _code(secret)}).json
    keys["SECRET_KEY"], keys["SECRET_KEY_FALLBACKS"] = "another-key-entirely", []
    refused = api.post(
        "/auth/tokens", json={"phone": worker.phone, "password": PASSWORD, "otp": _code(secret, 1)}
    )
    assert refused.status_code == 401 and refused.json["error"]["code"] == "otp_required"
    recovery = api.post(
        "/auth/tokens",
        json={"phone": worker.phone, "password": PASSWORD, "otp": codes["recovery_codes"][0]},
    )
    assert recovery.status_code == 201


def test_a_volunteers_id_number_survives_a_key_change(app, api, make, in_app, runner, keys):
    """The same keys and the same rotate-keys protect the ID number of his record (order 67)."""
    from happiness_fair.catalogue.models import VolunteerRecord

    volunteer = make.volunteer()
    me = api.as_(volunteer.account_user)
    number = "320602195803151236"
    assert me.patch("/me/volunteer/record", json={"id_number": number}).status_code == 200
    keys["SECRET_KEY"], keys["SECRET_KEY_FALLBACKS"] = "a-new-secret-key", ["test-secret"]
    assert me.get("/me/export").json["volunteer_record"]["id_number"] == number

    result = runner.invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "1 ID numbers encrypted under the current key" in result.output
    keys["SECRET_KEY_FALLBACKS"] = []
    assert me.get("/me/export").json["volunteer_record"]["id_number"] == number
    with in_app() as session:
        sealed = session.get(VolunteerRecord, volunteer.id).id_number_sealed
    assert number not in sealed
