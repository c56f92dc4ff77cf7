"""The permission matrix: every role against every account endpoint; refused calls change nothing.

Later parts add their endpoints to MATRIX. Roles stand to one resident, 'her', in grid A.
"""

import pytest

ROLES = [
    "anonymous",
    "her",
    "manager",
    "other_resident",
    "worker",
    "worker_b",
    "office",
    "office_x",
]

# (method, path, body) → expected status per role, in ROLES order.
MATRIX = [
    (("get", "/me", None), [401, 200, 200, 200, 200, 200, 200, 200]),
    (("get", "/residents/{her}", None), [401, 200, 200, 404, 200, 404, 200, 404]),
    (("patch", "/residents/{her}", {"name": "新名字"}), [401, 200, 200, 404, 200, 404, 200, 404]),
    (("patch", "/residents/{her}", {"flags": ["dibao"]}), [401, 403, 403, 404, 200, 404, 200, 404]),
    (
        ("post", "/residents/{her}/verify-age", {"birth_date": "1941-01-15"}),
        [401, 403, 403, 404, 200, 404, 200, 404],
    ),
    (("post", "/residents/{her}/reset-code", None), [401, 403, 403, 404, 201, 404, 201, 404]),
    (
        ("post", "/residents/{her}/managers", {"phone": "{other_phone}"}),
        [401, 202, 403, 404, 403, 404, 403, 404],
    ),
    (
        (
            "post",
            "/residents",
            {"name": "新居民", "building_id": "{building}", "unit": "1", "room": "2"},
        ),
        [401, 403, 403, 403, 201, 403, 201, 422],
    ),
]


@pytest.fixture
def cast(make):
    community, elsewhere = make.community(), make.community()
    grid_a, grid_b = make.grid(community), make.grid(community)
    her = make.resident(grid_a)
    return {
        "her_resident": her,
        "building": make.building(grid_a),
        "anonymous": None,
        "her": her.account_user,
        "manager": make.manager(her),
        "other_resident": make.resident(grid_a).account_user,
        "worker": make.grid_worker(grid_a),
        "worker_b": make.grid_worker(grid_b),
        "office": make.office(community),
        "office_x": make.office(elsewhere),
    }


def _fill(value, cast):
    if isinstance(value, str):
        names = {
            "her": cast["her_resident"].id,
            "building": cast["building"].id,
            "other_phone": cast["other_resident"].phone,
        }
        if value.startswith("{") and value.endswith("}") and value[1:-1] in names:
            return names[value[1:-1]]
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, cast) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    ("role", "request_", "expected"),
    [(role, req, statuses[i]) for req, statuses in MATRIX for i, role in enumerate(ROLES)],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_each_role_gets_exactly_its_rights(api, cast, role, request_, expected):
    method, path, body = request_
    client = api.as_(cast[role])
    kwargs = {"json": _fill(body, cast)} if body is not None else {}
    before = api.as_(cast["office"]).get(f"/residents/{cast['her_resident'].id}").json
    response = getattr(client, method)(_fill(path, cast), **kwargs)
    assert response.status_code == expected, response.json
    if expected >= 400:
        after = api.as_(cast["office"]).get(f"/residents/{cast['her_resident'].id}").json
        assert after == before, "a refused call changed nothing"
