"""A community with a fair day's people: the office, stall volunteers with fair listings,
residents young and old, and people of another community; helpers to schedule and book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from happiness_fair.accounts.models import Resident, User
from happiness_fair.catalogue.categories import ensure_categories
from happiness_fair.catalogue.models import Listing, Volunteer, VolunteerStatus
from happiness_fair.extensions import db
from happiness_fair.fairs.models import FairDay
from tests.factories import tomorrow


@pytest.fixture(autouse=True)
def _categories_present(app):
    """The shared categories exist (a browser test elsewhere may have emptied every table)."""
    with app.app_context():
        ensure_categories()
        db.session.commit()
    yield


@dataclass
class Fair:
    community: object
    venue_grid: object
    home_grid: object
    office: User
    grid_worker: User
    barber: Volunteer  # 理发 at the fair, ¥10
    haircut: Listing
    knife_man: Volunteer  # 磨刀 at the fair, free
    knives: Listing
    home_only: Listing  # the barber's home-visit service, not at fairs
    pending: Volunteer
    grandma: Resident  # 85, age verified
    old_unverified: Resident  # 82, not yet verified
    neighbour: Resident  # 36
    stranger_office: User
    stranger: Resident  # lives in another community
    stranger_volunteer: Volunteer


@pytest.fixture
def fair(make) -> Fair:
    community = make.community()
    venue_grid, home_grid = make.grid(community), make.grid(community)
    barber = make.volunteer([home_grid], categories=("haircut",), name="剃头王")
    knife_man = make.volunteer([home_grid], categories=("knives",), name="磨刀李")
    elsewhere = make.community()
    other_grid = make.grid(elsewhere)
    return Fair(
        community=community,
        venue_grid=venue_grid,
        home_grid=home_grid,
        office=make.office(community),
        grid_worker=make.grid_worker(home_grid),
        barber=barber,
        haircut=make.listing(
            barber, category="haircut", fee_fen=1000, title="理发", home=False, fair=True
        ),
        knife_man=knife_man,
        knives=make.listing(
            knife_man, category="knives", fee_fen=0, title="磨刀", home=True, fair=True
        ),
        home_only=make.listing(barber, category="haircut", title="上门理发", home=True),
        pending=make.volunteer(
            [home_grid], categories=("haircut",), status=VolunteerStatus.pending
        ),
        grandma=make.resident(
            home_grid, name="张奶奶", birth_date=date(1941, 1, 15), verified=True
        ),
        old_unverified=make.resident(home_grid, name="王爷爷", birth_date=date(1944, 3, 3)),
        neighbour=make.resident(home_grid, name="李明", birth_date=date(1990, 9, 12)),
        stranger_office=make.office(elsewhere),
        stranger=make.resident(other_grid, name="外人"),
        stranger_volunteer=make.volunteer([other_grid], categories=("haircut",)),
    )


DAY = {"starts_at": "09:00", "ends_at": "11:30", "venue": "虹桥东村广场", "slot_minutes": 30}


@pytest.fixture
def schedule(api, fair):
    """`schedule(**fields)` → the new fair day's JSON (tomorrow, 09:00–11:30, 30-minute slots)."""

    def schedule(user=None, *, expect=201, **fields) -> dict:
        body = {**DAY, "date": tomorrow().isoformat(), "grid_id": fair.venue_grid.id, **fields}
        response = api.as_(user or fair.office).post("/fair-days", json=body)
        assert response.status_code == expect, response.json
        return response.json

    return schedule


@pytest.fixture
def stall(api, fair):
    """`stall(fair_day, volunteer=barber, listing=haircut, capacity=2)` → the stall's JSON."""

    def stall(fair_day, volunteer=None, listing=None, capacity=2, *, expect=201) -> dict:
        volunteer = volunteer or fair.barber
        listing = listing or fair.haircut
        response = api.as_(volunteer.account_user).post(
            f"/fair-days/{fair_day['id']}/stalls",
            json={"listing_id": listing.id, "capacity_per_slot": capacity},
        )
        assert response.status_code == expect, response.json
        return response.json

    return stall


@pytest.fixture
def book_slot(api, fair):
    """`book_slot(user, fair_day, listing, "09:00")` → the response."""

    def book_slot(user, fair_day, listing=None, slot="09:00", **extra):
        body = {
            "listing_id": (listing or fair.haircut).id,
            "mode": "fair",
            "fair_day_id": fair_day["id"],
            "slot_start": slot,
            "date": fair_day["date"],
            "period": "morning",
            "description": "剪短一点",
            **extra,
        }
        return api.as_(user).post("/bookings", json=body)

    return book_slot


@pytest.fixture
def move_fair_day(app):
    """Put a fair day on another date (the office cannot schedule one in the past)."""

    def move(fair_day: dict, day: date) -> None:
        with app.app_context():
            db.session.execute(
                sa.update(FairDay).where(FairDay.id == fair_day["id"]).values(date=day)
            )
            db.session.commit()

    return move
