"""What a stolen database copy gives away: no password, token, reset code or recovery code in a
usable form; and what a hostile name does to a page: nothing."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.accounts.models import AuthSession, ResetCode, User
from tests.factories import PASSWORD
from tests.helpers import sign_in_page


def test_passwords_are_argon2id_hashes_and_tokens_only_digests(api, make, in_app):
    building = make.building()
    body = {
        "phone": "13612345678",
        "password": "a-long-password-1",
        "name": "王阿姨",
        "community_id": building.community_id,
    }
    assert api.post("/auth/register", json=body).status_code == 201
    token = api.post("/auth/tokens", json={"phone": body["phone"], "password": body["password"]})
    raw = token.json["token"]
    with in_app() as session:
        user = session.execute(sa.select(User).where(User.phone == body["phone"])).scalar_one()
        assert user.password_hash.startswith("$argon2id$")
        assert body["password"] not in user.password_hash
        stored = (
            session.execute(sa.select(AuthSession.token_hash).where(AuthSession.user_id == user.id))
            .scalars()
            .all()
        )
        assert stored and raw not in stored and all(len(h) == 64 for h in stored)


def test_reset_codes_are_kept_only_as_digests(api, make, in_app):
    grid = make.grid()
    grandma = make.resident(grid)
    code = api.as_(make.grid_worker(grid)).post(f"/residents/{grandma.id}/reset-code").json["code"]
    with in_app() as session:
        hashes = session.execute(sa.select(ResetCode.code_hash)).scalars().all()
        assert code not in hashes


def test_a_hostile_name_is_shown_as_text_not_run(app, make):
    user = make.user(name="<script>x()</script>")
    browser = app.test_client()
    sign_in_page(browser, user.phone, PASSWORD)
    html = browser.get("/").get_data(as_text=True)
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html
