"""A small community with everyone a booking can involve, and helpers to book and act."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from happiness_fair.accounts.models import Resident, User
from happiness_fair.catalogue.models import Listing, Volunteer
from tests.factories import tomorrow


@dataclass
class World:
    """虹西-like: one grid with a grid worker, an office, 张奶奶 (85, verified), her son who
    manages her, a plumber 沈师傅 with a listing, another plumber, and people with no part."""

    community: object
    grid: object
    other_grid: object
    office: User
    grid_worker: User
    other_grid_worker: User
    grandma: Resident
    son: User
    neighbour: Resident
    plumber: Volunteer
    listing: Listing
    plumber2: Volunteer
    far_plumber: Volunteer  # serves another grid
    barber: Volunteer  # another skill
    stranger_office: User  # office of another community

    @property
    def grandma_user(self) -> User:
        return self.grandma.account_user


@pytest.fixture
def world(make) -> World:
    community = make.community()
    grid = make.grid(community)
    other_grid = make.grid(community)
    grandma = make.resident(grid, name="张奶奶", birth_date=date(1940, 1, 15), verified=True)
    plumber = make.volunteer([grid], name="沈林益")
    elsewhere = make.community()
    return World(
        community=community,
        grid=grid,
        other_grid=other_grid,
        office=make.office(community),
        grid_worker=make.grid_worker(grid),
        other_grid_worker=make.grid_worker(other_grid),
        grandma=grandma,
        son=make.manager(grandma),
        neighbour=make.resident(grid, name="李明", birth_date=date(1990, 9, 12)),
        plumber=plumber,
        listing=make.listing(plumber, fee_fen=2000, title="修水龙头"),
        plumber2=make.volunteer([grid], name="王师傅"),
        far_plumber=make.volunteer([other_grid], name="远师傅"),
        barber=make.volunteer([grid], categories=("haircut",), name="剃头匠"),
        stranger_office=make.office(elsewhere),
    )


@pytest.fixture
def plumbing(make):
    return make.category("plumbing")


@pytest.fixture
def book(api, world, plumbing):
    """`book(user, **fields)` posts a booking and returns its JSON; open request by default."""

    def book(user=None, *, expect=201, headers=None, **fields) -> dict:
        body = {
            "category_id": plumbing.id,
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "厨房水龙头漏水",
        }
        if "listing_id" in fields:
            body.pop("category_id")
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        response = api.as_(user or world.grandma_user).post(
            "/bookings", json=body, headers=headers or {}
        )
        assert response.status_code == expect, response.json
        return response.json

    return book


@pytest.fixture
def act(api):
    """`act(user, booking_id, "accept", **body)` returns the response."""

    def act(user, booking_id: int, action: str, **body):
        return api.as_(user).post(f"/bookings/{booking_id}/{action}", json=body)

    return act


@pytest.fixture
def advance(act, world):
    """Bring a booking to a state along the usual path, each step by the right person."""

    steps = {
        "accepted": lambda b, v: act(v.account_user, b, "accept"),
        "in_progress": lambda b, v: act(v.account_user, b, "start"),
        "completed": lambda b, v: act(v.account_user, b, "complete", minutes=45, materials_fen=0),
        "confirmed": lambda b, v: act(world.grandma_user, b, "confirm", rating=5),
    }
    order = ["accepted", "in_progress", "completed", "confirmed"]

    def advance(booking_id: int, to: str, volunteer=None) -> dict:
        volunteer = volunteer or world.plumber
        response = None
        if to in ("disputed",):
            advance(booking_id, "completed", volunteer)
            response = act(world.grandma_user, booking_id, "dispute", reason="还是漏")
        elif to == "cancelled":
            response = act(world.grandma_user, booking_id, "cancel")
        else:
            for state in order[: order.index(to) + 1]:
                response = steps[state](booking_id, volunteer)
                assert response.status_code == 200, (state, response.json)
        assert response.status_code == 200, response.json
        return response.json

    return advance


@pytest.fixture
def shown(api, world):
    """沈林益 chose to show his full name."""
    response = api.as_(world.plumber.account_user).patch(
        "/me/volunteer", json={"show_full_name": True}
    )
    assert response.status_code == 200
    return world
