"""Everything a grid worker does over the API stays in his grids: a grid worker of grid 1 is
refused in grid 2, and the staff of 濠北社区 see nothing of 虹西社区."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import tomorrow


@pytest.fixture
def two_communities(make, world):
    """world's community stands for 虹西社区 (grid 1 and grid 2); 濠北社区 has its own grid
    worker and office, and a resident of its own."""
    haobei = make.community(name="濠北社区")
    haobei_grid = make.grid(haobei)
    return {
        "office": make.office(haobei),
        "grid_worker": make.grid_worker(haobei_grid),
        "resident": make.resident(haobei_grid, name="濠北居民"),
    }


def _ids(page) -> set[int]:
    return {item["id"] for item in page["items"]}


def test_haobei_staff_see_nothing_of_hongxi(api, world, book, advance, two_communities):
    new = book()["id"]
    done = book(listing_id=world.listing.id)["id"]
    advance(done, "completed")
    for user in (two_communities["office"], two_communities["grid_worker"]):
        client = api.as_(user)
        board = client.get("/board").json
        assert all(section["items"] == [] for section in board.values()), board
        assert client.get("/follow-ups").json["items"] == []
        assert client.get("/residents", query_string={"q": "张"}).json["items"] == []
        for booking_id in (new, done):
            assert client.get(f"/bookings/{booking_id}").status_code == 404
        assert (
            client.post(
                f"/bookings/{new}/assign", json={"volunteer_id": world.plumber.id}
            ).status_code
            == 404
        )
        assert (
            client.post(f"/bookings/{done}/follow-up", json={"outcome": "solved"}).status_code
            == 404
        )
        assert client.get(f"/residents/{world.grandma.id}").status_code == 404
        verify = client.post(
            f"/residents/{world.neighbour.id}/verify-age", json={"birth_date": "1990-09-12"}
        )
        assert verify.status_code == 404
        booked = client.post(
            "/bookings",
            json={
                "beneficiary_id": world.grandma.id,
                "category_id": world.listing.category_id,
                "date": tomorrow().isoformat(),
                "period": "morning",
                "description": "越界",
            },
        )
        assert booked.status_code == 422
    # and the 虹西 staff see nothing of 濠北
    assert (
        api.as_(world.office).get(f"/residents/{two_communities['resident'].id}").status_code == 404
    )


def test_a_grid_worker_of_grid_1_is_refused_in_grid_2(api, world, make, plumbing, advance, act):
    far = make.resident(world.other_grid, name="二网格的人", birth_date=date(1950, 5, 5))
    client = api.as_(world.grid_worker)
    booked = client.post(
        "/bookings",
        json={
            "beneficiary_id": far.id,
            "category_id": plumbing.id,
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "越界",
        },
    )
    assert booked.status_code == 422
    assert set(booked.json["error"]["fields"]) == {"beneficiary_id"}
    theirs = api.as_(world.other_grid_worker).post(
        "/bookings",
        json={
            "beneficiary_id": far.id,
            "category_id": plumbing.id,
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "漏水",
        },
    )
    assert theirs.status_code == 201, theirs.json
    booking_id = theirs.json["id"]
    assert booking_id not in _ids(client.get("/board").json["new"])
    assert booking_id in _ids(api.as_(world.other_grid_worker).get("/board").json["new"])
    assign = client.post(
        f"/bookings/{booking_id}/assign", json={"volunteer_id": world.far_plumber.id}
    )
    assert assign.status_code == 404
    assert client.post(
        f"/residents/{far.id}/verify-age", json={"birth_date": "1950-05-05"}
    ).status_code in (403, 404)
    assert client.patch(f"/residents/{far.id}", json={"flags": ["dibao"]}).status_code in (403, 404)


def test_staff_act_for_a_volunteer_without_a_smartphone_recorded_as_themselves(api, world, book):
    booking_id = book(listing_id=world.listing.id)["id"]
    client = api.as_(world.grid_worker)
    for action, body in [("accept", {}), ("start", {}), ("complete", {"minutes": 30})]:
        response = client.post(f"/bookings/{booking_id}/{action}", json=body)
        assert response.status_code == 200, response.json
    events = client.get(f"/bookings/{booking_id}").json["events"]
    assert [e["actor_id"] for e in events if e["action"] in ("accept", "start", "complete")] == [
        world.grid_worker.id
    ] * 3
    assert response.json["volunteer_id"] == world.plumber.id
