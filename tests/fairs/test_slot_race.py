"""A slot holds as many people as the stall has seats: of twenty residents pressing "book" at
once for a slot of three, exactly three get it and seventeen hear it is full. Real threads,
real commits, each request on its own connection (run on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking
from happiness_fair.extensions import db
from happiness_fair.fairs.models import SlotBooking, StallSlot
from tests.factories import tomorrow
from tests.helpers import ApiClient

from .conftest import DAY

RESIDENTS = 20
SEATS = 3


def test_twenty_residents_book_a_slot_of_three_at_once_and_exactly_three_get_it(app, committed):
    make = committed
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    barber = make.volunteer([grid], categories=("haircut",))
    haircut = make.listing(barber, category="haircut", fee_fen=0, home=False, fair=True)
    residents = [make.resident(grid, name=f"居民{i}") for i in range(RESIDENTS)]

    fair_day = (
        ApiClient(app)
        .as_(office)
        .post("/fair-days", json={**DAY, "date": tomorrow().isoformat(), "grid_id": grid.id})
    )
    assert fair_day.status_code == 201, fair_day.json
    fair_day_id = fair_day.json["id"]
    stall = (
        ApiClient(app)
        .as_(barber.account_user)
        .post(
            f"/fair-days/{fair_day_id}/stalls",
            json={"listing_id": haircut.id, "capacity_per_slot": SEATS},
        )
    )
    assert stall.status_code == 201, stall.json
    # Tokens first, so that the threads do nothing but book.
    clients = [ApiClient(app).as_(r.account_user) for r in residents]
    start = threading.Barrier(RESIDENTS)
    answers: list[int] = []

    def press_book(client: ApiClient) -> None:
        start.wait()
        response = client.post(
            "/bookings",
            json={
                "listing_id": haircut.id,
                "mode": "fair",
                "fair_day_id": fair_day_id,
                "slot_start": "10:00",
                "date": tomorrow().isoformat(),
                "period": "morning",
                "description": "理发",
            },
        )
        answers.append(response.status_code)

    threads = [threading.Thread(target=press_book, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(answers) == [201] * SEATS + [409] * (RESIDENTS - SEATS)
    slots = ApiClient(app).get(f"/fair-days/{fair_day_id}/slots").json["items"]
    ten = next(s for s in slots if s["slot_start"] == "10:00")
    assert ten["free"] == 0
    assert all(s["free"] == SEATS for s in slots if s["slot_start"] != "10:00")
    with app.app_context():
        booked = db.session.execute(
            sa.select(StallSlot.booked).where(StallSlot.stall_id == stall.json["id"])
        ).scalars()
        assert sorted(booked) == [0, 0, 0, 0, SEATS]
        held = db.session.execute(sa.select(sa.func.count()).select_from(SlotBooking))
        assert held.scalar_one() == SEATS
        statuses = db.session.execute(sa.select(Booking.status)).scalars().all()
        assert statuses == ["accepted"] * SEATS
