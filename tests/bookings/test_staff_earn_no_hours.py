"""Staff earn no volunteer hours in their own grids (STANDARDS.md): a grid worker who is also a
volunteer takes no requests, is handed none, and runs no fair stall in the grids he serves as
staff (office staff nowhere in their community); elsewhere he volunteers as anyone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from happiness_fair.places.clock import today
from tests.factories import tomorrow


@pytest.fixture
def worker_volunteer(make, world):
    """The grid worker of world.grid, also a plumber serving world.grid and world.other_grid."""
    return make.volunteer([world.grid, world.other_grid], user=world.grid_worker)


def _open_in(api, make, grid, category_id):
    resident = make.resident(grid)
    made = api.as_(resident.account_user).post(
        "/bookings",
        json={"category_id": category_id, "date": tomorrow().isoformat(), "period": "morning",
              "description": "水管漏了"},
    )  # fmt: skip
    assert made.status_code == 201
    return made.json["id"]


def test_no_jobs_in_his_own_grid_but_jobs_elsewhere(api, make, world, worker_volunteer, book):
    plumbing = world.listing.category_id
    here = book()["id"]  # 张奶奶, world.grid
    there = _open_in(api, make, world.other_grid, plumbing)
    jobs = [j["id"] for j in api.as_(world.grid_worker).get("/jobs").json["items"]]
    assert here not in jobs and there in jobs
    took = api.as_(world.grid_worker).post(f"/bookings/{here}/accept", json={})
    assert took.status_code in (403, 409)
    assert api.as_(world.grandma_user).get(f"/bookings/{here}").json["status"] == "requested"
    assert api.as_(world.grid_worker).post(f"/bookings/{there}/accept", json={}).status_code == 200


def test_he_is_not_handed_a_request_of_his_grid(api, world, worker_volunteer, book):
    here = book()["id"]
    refused = api.as_(world.office).post(
        f"/bookings/{here}/assign", json={"volunteer_id": worker_volunteer.id}
    )
    assert refused.status_code == 422
    assert "volunteer_id" in refused.json["error"]["fields"]


def test_his_listing_cannot_be_booked_by_a_resident_of_his_grid(api, make, world, worker_volunteer):
    listing = make.listing(worker_volunteer, fee_fen=0, title="网格员修水管")
    made = api.as_(world.grandma_user).post(
        "/bookings",
        json={"listing_id": listing.id, "date": tomorrow().isoformat(), "period": "morning",
              "description": "漏水"},
    )  # fmt: skip
    assert made.status_code == 422
    assert "listing_id" in made.json["error"]["fields"]


def test_office_staff_volunteer_nowhere_in_their_community(api, make, world, book):
    make.volunteer([world.grid], user=world.office)
    book()
    assert api.as_(world.office).get("/jobs").json["items"] == []


def test_no_fair_stall_in_his_own_grid(api, make, world, worker_volunteer):
    listing = make.listing(worker_volunteer, fee_fen=0, title="集市修水管", home=False, fair=True)
    day = api.as_(world.office).post(
        "/fair-days",
        json={"date": (today() + timedelta(days=2)).isoformat(), "starts_at": "09:00",
              "ends_at": "11:00", "venue": "广场", "grid_id": world.grid.id, "slot_minutes": 30},
    ).json  # fmt: skip
    refused = api.as_(world.grid_worker).post(
        f"/fair-days/{day['id']}/stalls", json={"listing_id": listing.id, "capacity_per_slot": 2}
    )
    assert refused.status_code == 403
