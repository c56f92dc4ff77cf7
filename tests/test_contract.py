"""API.md's error contract holds for every kind of malformed request."""

import pytest


@pytest.mark.parametrize(
    "raw", ["", "not json", "[1, 2]", '"text"', "42", "null", '{"phone": ', "\xff\xfe"]
)
def test_bodies_that_are_not_json_objects_get_400(api, raw):
    response = api.post(
        "/auth/register", data=raw.encode("latin-1"), headers={"Content-Type": "application/json"}
    )
    if raw == "":
        assert response.status_code == 422  # an empty body is an empty object: fields missing
    else:
        assert response.status_code == 400
        assert response.json == {
            "error": {"code": "bad_request", "message": "The request body must be a JSON object."}
        }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": 13812345678, "password": "x" * 8, "name": "a", "community_id": 1}, "phone"),
        ({"phone": "13812345678", "password": ["x"], "name": "a", "community_id": 1}, "password"),
        (
            {"phone": "13812345678", "password": "x" * 8, "name": "a", "community_id": "a"},
            "community_id",
        ),
        (
            {"phone": "13812345678", "password": "x" * 8, "name": {"a": 1}, "community_id": 1},
            "name",
        ),
    ],
)
def test_wrong_types_get_422_naming_the_field(api, body, field):
    response = api.post("/auth/register", json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]


def test_unknown_route_and_wrong_method_answer_in_the_contract_shape(api):
    missing = api.get("/no/such/thing")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    wrong = api.patch("/auth/register", json={})
    assert wrong.status_code == 405 and "error" in wrong.json
    assert "POST" in wrong.headers["Allow"]


def test_html_pages_keep_html_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_health_reports_the_database(api):
    response = api.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_openapi_documents_every_operations_error_statuses(api):
    spec = api.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "patch", "delete", "put"}:
                continue
            codes = set(operation["responses"])
            assert codes - {"200", "201", "204"}, f"{method} {path} documents no error"
            if operation.get("requestBody"):
                assert {"400", "422"} <= codes, f"{method} {path} lacks 400/422"


def test_openapi_comes_from_the_same_schemas(app):
    names = set(app.extensions["happiness_api"].spec.to_dict()["components"]["schemas"])
    assert {"Register", "TokenRequest", "Resident"} <= names


@pytest.mark.parametrize(
    ("path", "deep"),
    [
        ("/auth/register", "[" * 50_000 + "]" * 50_000),
        ("/auth/tokens", '{"a":' * 50_000 + "1" + "}" * 50_000),
        ("/bookings", "[" * 100_000 + "]" * 100_000),
    ],
)
def test_json_nested_too_deep_is_a_400_not_a_500(api, path, deep):
    response = api.post(
        path,
        data=deep.encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "zh-CN"},
    )
    assert response.status_code == 400
    assert response.json == {
        "error": {"code": "bad_request", "message": "请求内容必须是一个 JSON 对象。"}
    }


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("/listings?per_page=1000", "per_page", "请填写 1 到 100 之间的数字。"),
        ("/listings?per_page=0", "per_page", "请填写 1 到 100 之间的数字。"),
        ("/listings?page=0", "page", "请填写 1 到 100000 之间的数字。"),
        ("/listings?page=99999999999999999999", "page", "请填写 1 到 100000 之间的数字。"),
    ],
)
def test_paging_messages_are_in_the_readers_language(api, path, field, message):
    response = api.get(path, headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {field: [message]}
