"""Registration and sign-in over the API (API.md "Accounts")."""

import pytest

from tests.factories import PASSWORD


def _body(building, **overrides):
    body = {
        "phone": "13812345678",
        "password": "long-enough-1",
        "name": "王阿姨",
        "building_id": building.id,
        "unit": "2",
        "room": "301",
        "birth_date": "1950-04-01",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def test_register_with_an_address_makes_a_resident_there(api, make):
    building = make.building()
    response = api.post("/auth/register", json=_body(building))
    assert response.status_code == 201
    user = response.json
    assert user["roles"] == ["resident"]
    token = api.post("/auth/tokens", json={"phone": "13812345678", "password": "long-enough-1"})
    me = api.get("/me", headers={"Authorization": f"Bearer {token.json['token']}"}).json
    assert me["community_id"] == building.community_id
    assert me["resident"]["building_id"] == building.id
    assert me["resident"]["grid_id"] == building.grid_id
    assert me["resident"]["age_verified"] is False


def test_register_without_address_needs_a_community(api, make):
    building = make.building()
    body = _body(building, building_id=None, unit=None, room=None)
    response = api.post("/auth/register", json=body)
    assert response.status_code == 422
    assert "community_id" in response.json["error"]["fields"]
    response = api.post("/auth/register", json={**body, "community_id": building.community_id})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "1381234567"}, "phone"),
        ({"phone": "23812345678"}, "phone"),
        ({"phone": "1381234567a"}, "phone"),
        ({"password": "short"}, "password"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"birth_date": "1950-02-30"}, "birth_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"building_id": 999999}, "building_id"),
        ({"unit": None}, "unit"),
        ({"nickname": "x"}, "nickname"),
        ({"building_id": "seven"}, "building_id"),
    ],
)
def test_registration_refuses_bad_fields_with_a_message(api, make, change, field):
    building = make.building()
    response = api.post("/auth/register", json=_body(building, **change) | change)
    assert response.status_code == 422, response.json
    body = response.json["error"]
    assert body["code"] == "validation_error"
    assert body["fields"][field] and all(isinstance(m, str) for m in body["fields"][field])
    assert (
        api.post("/auth/tokens", json={"phone": "13812345678", "password": "x"}).status_code == 401
    )


def test_registering_a_taken_phone_is_a_conflict(api, make):
    building = make.building()
    assert api.post("/auth/register", json=_body(building)).status_code == 201
    again = api.post("/auth/register", json=_body(building, name="别人"))
    assert again.status_code == 409
    assert again.json["error"]["code"] == "conflict"


def test_messages_come_in_the_request_language(api, make):
    building = make.building()
    zh = api.post(
        "/auth/register", json=_body(building, phone="123"), headers={"Accept-Language": "zh-CN"}
    )
    en = api.post("/auth/register", json=_body(building, phone="123"))
    assert zh.json["error"]["fields"]["phone"] != en.json["error"]["fields"]["phone"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.json["error"]["fields"]["phone"][0])


def test_token_with_wrong_password_is_refused(api, make):
    user = make.user()
    response = api.post("/auth/tokens", json={"phone": user.phone, "password": "wrong-password"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"
    unknown = api.post("/auth/tokens", json={"phone": "13000000000", "password": PASSWORD})
    assert unknown.status_code == 401


def test_revoked_token_stops_working(api, make):
    user = make.user()
    token = api.post("/auth/tokens", json={"phone": user.phone, "password": PASSWORD}).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert api.get("/me", headers=headers).status_code == 200
    assert api.delete("/auth/tokens/current", headers=headers).status_code == 204
    assert api.get("/me", headers=headers).status_code == 401
    assert api.get("/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_repeated_failed_logins_from_one_address_are_slowed(api, make):
    user = make.user()
    statuses = [
        api.post("/auth/tokens", json={"phone": user.phone, "password": f"bad-{i}"}).status_code
        for i in range(12)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[-1] == 429
    limited = api.post("/auth/tokens", json={"phone": user.phone, "password": "bad"})
    assert limited.json["error"]["code"] == "rate_limited"
