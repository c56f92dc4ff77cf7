"""Accepting is first come, first served: of many volunteers pressing at once, exactly one wins
(PRODUCT.md "Bookings"). Real threads, real commits, each with its own connection."""

from __future__ import annotations

import threading
from datetime import date

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking, BookingEvent
from happiness_fair.extensions import db
from tests.factories import tomorrow
from tests.helpers import ApiClient

VOLUNTEERS = 20


def test_twenty_volunteers_accept_at_once_and_exactly_one_wins(app, committed):
    make = committed
    community = make.community()
    grid = make.grid(community)
    grandma = make.resident(grid, birth_date=date(1941, 1, 15), verified=True)
    plumbers = [make.volunteer([grid], name=f"师傅{i}") for i in range(VOLUNTEERS)]
    plumbing = make.category("plumbing")
    booking = (
        ApiClient(app)
        .as_(grandma.account_user)
        .post(
            "/bookings",
            json={
                "category_id": plumbing.id,
                "date": tomorrow().isoformat(),
                "period": "morning",
                "description": "水管爆了",
            },
        )
    )
    assert booking.status_code == 201, booking.json
    booking_id = booking.json["id"]
    # Tokens first, so that the threads do nothing but accept.
    clients = [ApiClient(app).as_(p.account_user) for p in plumbers]
    start = threading.Barrier(VOLUNTEERS)
    answers: list[tuple[int, int]] = []

    def press_accept(client: ApiClient, volunteer_id: int) -> None:
        start.wait()
        response = client.post(f"/bookings/{booking_id}/accept", json={})
        answers.append((response.status_code, volunteer_id))

    threads = [
        threading.Thread(target=press_accept, args=(c, p.id))
        for c, p in zip(clients, plumbers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [409] * (VOLUNTEERS - 1)
    (winner,) = [volunteer_id for status, volunteer_id in answers if status == 200]
    with app.app_context():
        saved = db.session.get(Booking, booking_id)
        assert saved.status == "accepted"
        assert saved.volunteer_id == winner
        accepts = (
            db.session.execute(
                sa.select(BookingEvent).where(
                    BookingEvent.booking_id == booking_id, BookingEvent.action == "accept"
                )
            )
            .scalars()
            .all()
        )
        assert len(accepts) == 1
        assert accepts[0].actor_id == next(p.account_user.id for p in plumbers if p.id == winner)


def test_the_volunteer_a_moment_too_late_is_told_it_is_already_taken(book, act, world):
    booking = book()
    assert act(world.plumber.account_user, booking["id"], "accept").status_code == 200
    late = act(world.plumber2.account_user, booking["id"], "accept")
    assert late.status_code == 409
    assert late.json["error"]["code"] == "conflict"
    assert "already taken" in late.json["error"]["message"]


def test_two_retries_of_one_request_at_once_make_one_booking(app, committed):
    make = committed
    grid = make.grid(make.community())
    grandma = make.resident(grid)
    plumbing = make.category("plumbing")
    clients = [ApiClient(app).as_(grandma.account_user) for _ in range(4)]
    body = {
        "category_id": plumbing.id,
        "date": tomorrow().isoformat(),
        "period": "afternoon",
        "description": "水管漏水",
    }
    start = threading.Barrier(len(clients))
    answers: list[tuple[int, int]] = []

    def send(client: ApiClient) -> None:
        start.wait()
        response = client.post("/bookings", json=body, headers={"Idempotency-Key": "same-tap"})
        answers.append((response.status_code, response.json.get("id")))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in answers] == [201] * len(clients)
    assert len({booking_id for _, booking_id in answers}) == 1
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Booking)).scalar_one() == 1
