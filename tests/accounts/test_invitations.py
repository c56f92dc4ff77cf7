"""Managers by invitation (issue 17 hole 4, API.md "Residents and families"): the answer is the
same whether the number has an account; the other account accepts or declines; 7 days; an
unregistered number can register and accept; 10 a day; who may invite; a manager may leave."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.accounts.models import ManagerInvitation, Resident, ResidentManager
from happiness_fair.database import utcnow
from tests.factories import PASSWORD


def _invite(api, user, resident_id, phone):
    return api.as_(user).post(f"/residents/{resident_id}/managers", json={"phone": phone})


def test_inviting_tells_nothing_about_the_number_and_makes_nobody_a_manager(api, make):
    grandma = make.resident()
    daughter = make.user(community=grandma.community_id, name="王小红")
    known = _invite(api, grandma.account_user, grandma.id, daughter.phone)
    unknown = _invite(api, grandma.account_user, grandma.id, "13912345678")
    assert known.status_code == unknown.status_code == 202
    assert set(known.json) == set(unknown.json) == {"status", "expires_at"}
    assert "王小红" not in known.get_data(as_text=True)
    assert "roles" not in known.get_data(as_text=True)
    # Not a manager until she accepts.
    assert api.as_(daughter).get(f"/residents/{grandma.id}").status_code == 404
    waiting = api.as_(daughter).get("/me/invitations").json["items"]
    assert [(i["resident_name"], i["inviter_name"]) for i in waiting] == [
        (grandma.name, grandma.account_user.name)
    ]
    notes = api.as_(daughter).get("/notifications").json["items"]
    assert any("邀请" in n["text"] or "invites" in n["text"] for n in notes)
    accepted = api.as_(daughter).post(f"/invitations/{waiting[0]['id']}/accept")
    assert accepted.status_code == 200
    assert api.as_(daughter).get(f"/residents/{grandma.id}").status_code == 200
    again = api.as_(daughter).post(f"/invitations/{waiting[0]['id']}/accept")
    assert again.status_code == 409
    listed = api.as_(grandma.account_user).get(f"/residents/{grandma.id}/managers").json
    assert [m["user_id"] for m in listed["items"]] == [daughter.id]
    assert [i["phone"] for i in listed["invitations"]] == ["139****5678"]


def test_an_unregistered_number_registers_and_accepts_within_7_days(api, make, in_app):
    grandma = make.resident()
    assert _invite(api, grandma.account_user, grandma.id, "13700001111").status_code == 202
    registered = api.client.post(
        "/api/v1/auth/register",
        json={
            "phone": "13700001111",
            "password": "long-enough-1",
            "name": "新儿子",
            "community_id": grandma.community_id,
        },
    )
    assert registered.status_code == 201
    token = api.client.post(
        "/api/v1/auth/tokens", json={"phone": "13700001111", "password": "long-enough-1"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    waiting = api.client.get("/api/v1/me/invitations", headers=headers).json["items"]
    assert len(waiting) == 1
    answer = api.client.post(f"/api/v1/invitations/{waiting[0]['id']}/accept", headers=headers)
    assert answer.status_code == 200
    # One that has waited more than 7 days cannot be accepted.
    _invite(api, grandma.account_user, grandma.id, "13700002222")
    with in_app() as session:
        session.execute(
            sa.update(ManagerInvitation)
            .where(ManagerInvitation.phone == "13700002222")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()
    late = make.user(community=grandma.community_id, phone="13700002222")
    assert api.as_(late).get("/me/invitations").json["items"] == []
    with in_app() as session:
        invitation_id = session.execute(
            sa.select(ManagerInvitation.id).where(ManagerInvitation.phone == "13700002222")
        ).scalar_one()
    assert api.as_(late).post(f"/invitations/{invitation_id}/accept").status_code == 409


def test_a_declined_or_foreign_invitation_makes_nobody_a_manager(api, make, in_app):
    grandma = make.resident()
    son, stranger = make.user(community=grandma.community_id), make.user()
    _invite(api, grandma.account_user, grandma.id, son.phone)
    invitation = api.as_(son).get("/me/invitations").json["items"][0]["id"]
    assert api.as_(stranger).post(f"/invitations/{invitation}/accept").status_code == 404
    assert api.as_(son).post(f"/invitations/{invitation}/decline").status_code == 200
    assert api.as_(son).post(f"/invitations/{invitation}/accept").status_code == 409
    with in_app() as session:
        assert session.execute(sa.select(ResidentManager)).all() == []


def test_at_most_10_invitations_per_account_per_day(api, make):
    grandma = make.resident()
    statuses = [
        _invite(api, grandma.account_user, grandma.id, f"1390000{i:04d}").status_code
        for i in range(11)
    ]
    assert statuses == [202] * 10 + [429]


def test_who_may_invite(api, make):
    """Her own account; for a mother without an account, any of her managers; nobody else."""
    grandma = make.resident()
    son = make.manager(grandma)
    assert _invite(api, son, grandma.id, "13911112222").status_code == 403
    assert _invite(api, make.user(), grandma.id, "13911112222").status_code == 404
    mother = make.resident(account=False)
    first = make.manager(mother)
    second = make.user(community=mother.community_id)
    assert _invite(api, first, mother.id, second.phone).status_code == 202
    invitation = api.as_(second).get("/me/invitations").json["items"][0]["id"]
    assert api.as_(second).post(f"/invitations/{invitation}/accept").status_code == 200
    assert api.as_(second).get(f"/residents/{mother.id}").status_code == 200


def test_a_manager_may_leave_and_an_invitation_may_be_withdrawn(api, make):
    mother = make.resident(account=False)
    first, second = make.manager(mother), make.manager(mother)
    assert api.as_(second).delete(f"/residents/{mother.id}/managers/{first.id}").status_code == 403
    assert api.as_(second).delete(f"/residents/{mother.id}/managers/{second.id}").status_code == 204
    assert api.as_(second).get(f"/residents/{mother.id}").status_code == 404
    _invite(api, first, mother.id, "13922223333")
    waiting = api.as_(first).get(f"/residents/{mother.id}/managers").json["invitations"]
    assert api.as_(first).delete(f"/invitations/{waiting[0]['id']}").status_code == 204
    assert api.as_(first).get(f"/residents/{mother.id}/managers").json["invitations"] == []


def test_an_invitation_from_a_manager_who_has_left_gives_no_one_a_part(api, make, in_app):
    """He invited his cousin, then stopped booking for his mother: his invitation goes with
    him, and one he sent cannot be accepted once he no longer speaks for her."""
    mother = make.resident(account=False)
    son, other_son = make.manager(mother), make.manager(mother)
    cousin, neighbour = (make.user(community=mother.community_id) for _ in range(2))
    assert _invite(api, son, mother.id, cousin.phone).status_code == 202
    assert _invite(api, other_son, mother.id, neighbour.phone).status_code == 202
    [invitation] = api.as_(cousin).get("/me/invitations").json["items"]
    assert api.as_(son).delete(f"/residents/{mother.id}/managers/{son.id}").status_code == 204
    assert api.as_(cousin).get("/me/invitations").json["items"] == []  # withdrawn with him
    late = api.as_(cousin).post(f"/invitations/{invitation['id']}/accept")
    assert late.status_code == 409
    assert api.as_(cousin).get(f"/residents/{mother.id}").status_code == 404
    # Nor once her record is closed (she moved away or passed away).
    [waiting] = api.as_(neighbour).get("/me/invitations").json["items"]
    with in_app() as session:
        session.execute(sa.update(Resident).where(Resident.id == mother.id).values(active=False))
        session.commit()
    assert api.as_(neighbour).get("/me/invitations").json["items"] == []  # no dead button
    closed = api.as_(neighbour).post(f"/invitations/{waiting['id']}/accept")
    assert closed.status_code == 409
    assert _invite(api, other_son, mother.id, "13933334444").status_code in (404, 409)
    with in_app() as session:
        managers = session.execute(
            sa.select(ResidentManager.user_id).where(ResidentManager.resident_id == mother.id)
        ).scalars()
        assert set(managers) == {other_son.id}


def test_the_family_page_invites_and_the_invitee_accepts_there(app, make):
    from tests.helpers import csrf_token_of, sign_in_page

    grandma = make.resident()
    daughter = make.user(community=grandma.community_id, name="王小红")
    her = app.test_client()
    sign_in_page(her, grandma.account_user.phone, PASSWORD)
    token = csrf_token_of(her.get("/family").get_data(as_text=True))
    sent = her.post("/family/managers", data={"phone": daughter.phone, "csrf_token": token})
    assert sent.status_code == 303
    unknown = her.post("/family/managers", data={"phone": "13012345678", "csrf_token": token})
    assert unknown.status_code == 303  # the same answer for a number nobody has
    page = her.get("/family").get_data(as_text=True)
    assert "王小红" not in page
    other = app.test_client()
    sign_in_page(other, daughter.phone, PASSWORD)
    family = other.get("/family").get_data(as_text=True)
    assert grandma.name in family
    token = csrf_token_of(family)
    with app.app_context():
        from happiness_fair.extensions import db

        invitation = db.session.execute(
            sa.select(ManagerInvitation.id).where(ManagerInvitation.phone == daughter.phone)
        ).scalar_one()
    accepted = other.post(f"/family/invitations/{invitation}/accept", data={"csrf_token": token})
    assert accepted.status_code == 303
    assert grandma.name in other.get("/family").get_data(as_text=True)
    with app.app_context():
        from happiness_fair.extensions import db

        assert db.session.get(ResidentManager, (grandma.id, daughter.id)) is not None


def test_her_invitations_and_the_messages_naming_her_go_with_her_account(api, make, in_app):
    from happiness_fair.notifications.models import Notification

    grandma = make.resident(name="张奶奶")
    son = make.user(community=grandma.community_id)
    _invite(api, grandma.account_user, grandma.id, son.phone)
    export = api.as_(grandma.account_user).get("/me/export").json
    assert [i["phone"] for i in export["invitations_sent"]] == [son.phone]
    assert api.as_(son).get("/me/export").json["invitations_received"][0]["status"] == "pending"
    gone = api.as_(grandma.account_user).delete("/me", json={"password": PASSWORD})
    assert gone.status_code == 204
    assert api.as_(son).get("/me/invitations").json["items"] == []
    with in_app() as session:
        assert session.execute(sa.select(ManagerInvitation)).all() == []
        kinds = session.execute(
            sa.select(Notification.kind).where(Notification.user_id == son.id)
        ).scalars()
        assert "manager_invitation" not in list(kinds)
