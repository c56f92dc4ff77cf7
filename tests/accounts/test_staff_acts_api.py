"""What grid workers and the office do for residents: add them, verify ages, reset passwords."""

from datetime import date

import sqlalchemy as sa

from happiness_fair.audit import AuditEvent
from tests.factories import PASSWORD
from tests.helpers import sign_in_page


def test_age_is_verified_by_staff_of_her_grid_only_and_audited(api, make, in_app):
    grid, other_grid = make.grid(), None
    other_grid = make.grid(grid.community_id)
    grandma = make.resident(grid, birth_date=date(1941, 1, 15))
    own_worker, other_worker = make.grid_worker(grid), make.grid_worker(other_grid)
    path = f"/residents/{grandma.id}/verify-age"
    body = {"birth_date": "1941-01-15"}
    assert api.as_(grandma.account_user).post(path, json=body).status_code == 403
    assert api.as_(other_worker).post(path, json=body).status_code == 404
    stranger_office = make.office(make.community())
    assert api.as_(stranger_office).post(path, json=body).status_code == 404
    assert api.get(f"/residents/{grandma.id}").status_code == 401
    response = api.as_(own_worker).post(path, json=body)
    assert response.status_code == 200
    assert response.json["age_verified"] is True
    with in_app() as session:
        events = (
            session.execute(sa.select(AuditEvent).where(AuditEvent.action == "resident.verify_age"))
            .scalars()
            .all()
        )
        assert [(e.actor_id, e.subject_id) for e in events] == [(own_worker.id, grandma.id)]


def test_office_verifies_any_resident_of_its_community(api, make):
    grid = make.grid()
    resident = make.resident(grid)
    office = make.office(grid.community_id)
    path = f"/residents/{resident.id}/verify-age"
    assert api.as_(office).post(path, json={"birth_date": "1930-02-29"}).status_code == 422
    ok = api.as_(office).post(path, json={"birth_date": "1932-02-29"})
    assert ok.status_code == 200 and ok.json["birth_date"] == "1932-02-29"


def test_grid_worker_adds_a_resident_without_a_phone_in_his_grids_only(api, make):
    grid = make.grid()
    other_grid = make.grid(grid.community_id)
    worker = make.grid_worker(grid)
    body = {"name": "赵大爷", "unit": "1", "room": "501", "birth_date": "1938-11-30"}
    mine = api.as_(worker).post("/residents", json={**body, "building_id": make.building(grid).id})
    assert mine.status_code == 201
    assert mine.json["account"] is False and mine.json["grid_id"] == grid.id
    theirs = api.as_(worker).post(
        "/residents", json={**body, "building_id": make.building(other_grid).id}
    )
    assert theirs.status_code == 403
    resident = make.resident(grid)
    assert (
        api.as_(resident.account_user)
        .post("/residents", json={**body, "building_id": make.building(grid).id})
        .status_code
        == 403
    )


def test_staff_set_flags_that_the_resident_sees_and_volunteers_never_do(api, make):
    grid = make.grid()
    resident = make.resident(grid)
    worker = make.grid_worker(grid)
    response = api.as_(worker).patch(
        f"/residents/{resident.id}", json={"flags": ["living_alone", "dibao"]}
    )
    assert response.status_code == 200
    assert sorted(response.json["flags"]) == ["dibao", "living_alone"]
    assert api.as_(resident.account_user).get("/me").json["resident"]["flags"] == [
        "dibao",
        "living_alone",
    ]
    bad = api.as_(worker).patch(f"/residents/{resident.id}", json={"flags": ["rich"]})
    assert bad.status_code == 422


def test_reset_code_works_once_and_ends_every_old_session(api, make, client):
    grid = make.grid()
    grandma = make.resident(grid)
    worker = make.grid_worker(grid)
    old_token = api.post("/auth/tokens", json={"phone": grandma.phone, "password": PASSWORD}).json[
        "token"
    ]
    assert sign_in_page(client, grandma.phone, PASSWORD).status_code == 303
    assert grandma.name in client.get("/").get_data(as_text=True)

    issued = api.as_(worker).post(f"/residents/{grandma.id}/reset-code")
    assert issued.status_code == 201
    code = issued.json["code"]
    new = {"phone": grandma.phone, "code": code, "new_password": "a-new-secret-1"}
    assert api.post("/auth/reset", json={**new, "code": "00000000"}).status_code == 401
    assert api.post("/auth/reset", json=new).status_code == 204
    assert api.post("/auth/reset", json={**new, "new_password": "again-again"}).status_code == 401

    assert api.get("/me", headers={"Authorization": f"Bearer {old_token}"}).status_code == 401
    assert grandma.name not in client.get("/").get_data(as_text=True)
    login = api.post("/auth/tokens", json={"phone": grandma.phone, "password": "a-new-secret-1"})
    assert login.status_code == 201


def test_wrong_reset_codes_are_limited_per_address_and_never_burn_her_code(api, make):
    """Review B #8: five wrong guesses by a stranger used to kill the code a grid worker had just
    given her. Now the stranger is stopped (429) and her code still works from her address."""
    grid = make.grid()
    grandma = make.resident(grid)
    code = api.as_(make.grid_worker(grid)).post(f"/residents/{grandma.id}/reset-code").json["code"]
    body = {"phone": grandma.phone, "new_password": "a-new-secret-1"}
    stranger = {"REMOTE_ADDR": "203.0.113.77"}
    statuses = [
        api.client.post(
            "/api/v1/auth/reset", json={**body, "code": f"1234567{n}"}, environ_base=stranger
        ).status_code
        for n in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    refused = api.client.post(
        "/api/v1/auth/reset", json={**body, "code": code}, environ_base=stranger
    )
    assert refused.status_code == 429  # the stranger cannot go on guessing from there
    assert api.post("/auth/reset", json={**body, "code": code}).status_code == 204


def test_only_staff_of_her_grid_issue_reset_codes_for_accounts(api, make):
    grid = make.grid()
    grandma = make.resident(grid)
    no_account = make.resident(grid, account=False)
    worker = make.grid_worker(grid)
    assert (
        api.as_(grandma.account_user).post(f"/residents/{grandma.id}/reset-code").status_code == 403
    )
    assert api.as_(worker).post(f"/residents/{no_account.id}/reset-code").status_code == 409
