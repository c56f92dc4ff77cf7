"""One community never sees another's data."""

import pytest


@pytest.fixture
def two_communities(make):
    hongxi, haobei = make.community("虹西"), make.community("濠北")
    grid_a, grid_b = make.grid(hongxi), make.grid(haobei)
    return {
        "resident_a": make.resident(grid_a),
        "office_b": make.office(haobei),
        "worker_b": make.grid_worker(grid_b),
        "building_a": make.building(grid_a),
    }


@pytest.mark.parametrize("who", ["office_b", "worker_b"])
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/residents/{rid}", None),
        ("patch", "/residents/{rid}", {"flags": ["dibao"]}),
        ("post", "/residents/{rid}/verify-age", {"birth_date": "1940-01-01"}),
        ("post", "/residents/{rid}/reset-code", None),
    ],
)
def test_staff_of_another_community_see_nothing(api, two_communities, who, method, path, body):
    actor = two_communities[who]
    resident = two_communities["resident_a"]
    kwargs = {"json": body} if body is not None else {}
    response = getattr(api.as_(actor), method)(path.format(rid=resident.id), **kwargs)
    assert response.status_code == 404
    after = api.as_(resident.account_user).get(f"/residents/{resident.id}").json
    assert after["flags"] == [] and after["age_verified"] is False


def test_staff_cannot_add_residents_in_another_communitys_building(api, two_communities):
    response = api.as_(two_communities["office_b"]).post(
        "/residents",
        json={
            "name": "钱阿姨",
            "building_id": two_communities["building_a"].id,
            "unit": "1",
            "room": "1",
        },
    )
    assert response.status_code == 422
