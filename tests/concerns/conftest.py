"""One community round 'her' flat in grid A, for the concern tests."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from PIL import Image

from happiness_fair.extensions import limiter


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def town(make, api):
    """her (grid A, building A1), her manager, a neighbour in the same building, a resident of
    another compound, a volunteer living in her compound and one living elsewhere, grid
    workers of A and B, the office, another community's office, a handler (物业)."""
    limiter.enabled = False
    community, elsewhere = make.community(), make.community()
    grid_a, grid_b = make.grid(community), make.grid(community)
    building = make.building(grid_a, name="152幢")
    her = make.resident(building=building, name="王阿姨")
    neighbour = make.resident(building=building, name="邻居李")
    far = make.resident(grid_b, name="远处张")
    volunteer_near_resident = make.resident(building=building, name="沈师傅")
    vol_near = make.volunteer([grid_a], user=volunteer_near_resident.account_user)
    vol_far = make.volunteer([grid_a], name="外区师傅")
    helper = make.resident(grid_b, name="微网格员周")  # lives elsewhere: sees by his role
    office = make.office(community)
    t = SimpleNamespace(
        community=community,
        elsewhere=elsewhere,
        grid_a=grid_a,
        grid_b=grid_b,
        building=building,
        her=her,
        neighbour=neighbour,
        far=far,
        vol_near=vol_near,
        vol_far=vol_far,
        helper=helper,
        people={
            "her": her.account_user,
            "manager": make.manager(her),
            "neighbour": neighbour.account_user,
            "far": far.account_user,
            "vol_near": vol_near.account_user,
            "vol_far": vol_far.account_user,
            "helper": helper.account_user,
            "worker": make.grid_worker(grid_a),
            "worker_b": make.grid_worker(grid_b),
            "office": office,
            "office_x": make.office(elsewhere),
        },
    )
    other_building = make.building(grid_a, name="153幢")
    t.other_building = other_building
    appointed = api.as_(office).put(
        f"/residents/{helper.id}/micro-grid", json={"building_ids": [building.id]}
    )
    assert appointed.status_code == 200, appointed.json
    made = api.as_(office).post(
        "/handlers",
        json={
            "name": "虹桥东村物业",
            "kind": "property",
            "compound_id": building.compound_id,
            "contact_name": "物业刘经理",
            "contact_phone": "051385550001",
        },
    )
    assert made.status_code == 201, made.json
    t.handler_id = made.json["id"]
    t.as_ = lambda who: api.as_(t.people[who])
    yield t
    limiter.enabled = True
