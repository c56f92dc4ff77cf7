"""A staff member who lost the phone: another office account of the community turns two-step
sign-in off (audited), and staff without it are reminded on their home page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from happiness_fair.accounts.models import RecoveryCode
from happiness_fair.audit import AuditEvent
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page

from .test_totp import _code, _enrol, _token


def _audit(in_app, user_id):
    with in_app() as session:
        return session.execute(
            sa.select(AuditEvent.action, AuditEvent.actor_id).where(
                AuditEvent.subject_id == user_id, AuditEvent.subject_type == "user"
            )
        ).all()


def test_the_office_resets_a_colleague_who_lost_the_phone_and_it_is_audited(api, make, in_app):
    community = make.community()
    worker = make.grid_worker(make.grid(community))
    office = make.office(community)
    secret, _codes = _enrol(api, worker)
    assert _token(api, worker).json["error"]["code"] == "otp_required"

    listed = api.as_(office).get("/staff")
    assert listed.status_code == 200
    by_id = {s["id"]: s for s in listed.json["items"]}
    assert by_id[worker.id] == {
        "id": worker.id,
        "name": worker.name,
        "roles": ["grid_worker"],
        "two_step_sign_in": True,
    }
    assert by_id[office.id]["two_step_sign_in"] is False

    reset = api.as_(office).post(f"/staff/{worker.id}/totp/reset")
    assert reset.status_code == 200 and reset.json["two_step_sign_in"] is False
    # The password alone signs in again; the lost phone's codes and the old recovery codes are void.
    assert _token(api, worker).status_code == 201
    with in_app() as session:
        left = session.execute(sa.select(RecoveryCode).where(RecoveryCode.user_id == worker.id))
        assert left.first() is None
    assert ("account.totp_reset", office.id) in _audit(in_app, worker.id)
    # They set it up again on the new phone.
    new_secret, _ = _enrol(api, worker)
    assert new_secret != secret
    assert _token(api, worker, otp=_code(new_secret, 1)).status_code == 201


def test_only_the_office_of_the_same_community_may_reset_and_not_itself(api, make, in_app):
    community = make.community()
    grid = make.grid(community)
    worker, other_worker = make.grid_worker(grid), make.grid_worker(grid)
    office, stranger_office = make.office(community), make.office(make.community())
    resident = make.resident(grid).account_user
    _enrol(api, worker)
    _enrol(api, office)

    assert api.as_(other_worker).post(f"/staff/{worker.id}/totp/reset").status_code == 403
    assert api.as_(other_worker).get("/staff").status_code == 403
    assert api.as_(stranger_office).post(f"/staff/{worker.id}/totp/reset").status_code == 404
    assert api.as_(office).post(f"/staff/{resident.id}/totp/reset").status_code == 404
    assert api.as_(office).post("/staff/999999/totp/reset").status_code == 404
    own = api.as_(office).post(f"/staff/{office.id}/totp/reset")
    assert own.status_code == 409 and "password" in own.json["error"]["message"]
    assert _token(api, worker).json["error"]["code"] == "otp_required"  # still on
    assert _token(api, office).json["error"]["code"] == "otp_required"
    assert all(action != "account.totp_reset" for action, _ in _audit(in_app, worker.id))
    stranger_list = api.as_(stranger_office).get("/staff").json["items"]
    assert worker.id not in {s["id"] for s in stranger_list}


def test_the_office_page_resets_with_one_button(app, api, make, in_app):
    community = make.community()
    worker = make.grid_worker(make.grid(community))
    office = make.office(community)
    _enrol(api, worker)
    client = app.test_client()
    assert sign_in_page(client, office.phone, PASSWORD).status_code == 303
    page = client.get("/office/staff").get_data(as_text=True)
    assert worker.name in page
    action = f"/office/staff/{worker.id}/totp-reset"
    assert f'action="{action}"' in page
    assert f'action="/office/staff/{office.id}/totp-reset"' not in page  # not for oneself
    done = client.post(action, data={"csrf_token": csrf_token_of(page)}, follow_redirects=True)
    assert done.status_code == 200
    assert f'action="{action}"' not in done.get_data(as_text=True)  # off now: no button
    assert _token(api, worker).status_code == 201
    assert ("account.totp_reset", office.id) in _audit(in_app, worker.id)
    # Without the CSRF token nothing happens.
    _enrol(api, worker)
    refused = client.post(action)
    assert refused.status_code == 403 and "表单已过期" in refused.get_data(as_text=True)
    assert _token(api, worker).json["error"]["code"] == "otp_required"


def test_staff_without_two_step_sign_in_are_reminded_on_their_home_page(app, api, make):
    community = make.community()
    worker = make.grid_worker(make.grid(community))
    resident = make.resident(make.grid(community)).account_user

    def home(user, lang="zh-CN"):
        client = app.test_client()
        assert sign_in_page(client, user.phone, PASSWORD).status_code == 303
        return client.get("/", headers={"Accept-Language": lang}).get_data(as_text=True)

    page = home(worker)
    assert 'id="totp-reminder"' in page
    reminder = re.search(r'<p class="flash flash-error" id="totp-reminder">(.*?)</p>', page, re.S)
    assert "请开启两步登录" in reminder.group(1) and "腾讯身份验证器" in reminder.group(1)
    assert 'href="/account#h-totp"' in reminder.group(1)
    assert "two-step sign-in" in home(worker, "en").lower()
    assert 'id="totp-reminder"' not in home(resident)
    secret, _ = _enrol(api, worker)
    client = app.test_client()
    token = csrf_token_of(client.get("/login").get_data(as_text=True))
    signed_in = client.post(
        "/login",
        data={
            "phone": worker.phone,
            "password": PASSWORD,
            "otp": _code(secret, 1),
            "csrf_token": token,
        },
    )
    assert signed_in.status_code == 303
    assert 'id="totp-reminder"' not in client.get("/").get_data(as_text=True)
