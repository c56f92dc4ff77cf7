"""The demo has bookings in every state, after the newspaper report."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.accounts.models import Resident, User
from happiness_fair.bookings.models import Booking
from happiness_fair.bookings.rules import BookingStatus
from happiness_fair.catalogue.models import Volunteer
from happiness_fair.demo import seed_demo
from happiness_fair.places.models import Building


def test_the_demo_has_bookings_in_every_state_and_loads_twice(in_app, api):
    with in_app() as session:
        seed_demo()
        session.commit()
        count = session.execute(sa.select(sa.func.count()).select_from(Booking)).scalar_one()
        seed_demo()
        session.commit()
        assert session.execute(sa.select(sa.func.count()).select_from(Booking)).scalar_one() == (
            count
        )
        bookings = session.execute(sa.select(Booking)).scalars().all()
        assert {b.status for b in bookings} == set(BookingStatus)

        shen = session.execute(
            sa.select(Volunteer)
            .join(User, User.id == Volunteer.user_id)
            .where(User.phone == "13900000003")
        ).scalar_one()
        (tap,) = [b for b in bookings if b.idempotency_key == "demo-tap-cold-day"]
        grandma = session.get(Resident, tap.beneficiary_id)
        assert (grandma.name, tap.volunteer_id, tap.status, tap.rating) == (
            "张奶奶",
            shen.id,
            BookingStatus.confirmed,
            5,
        )
        assert tap.quote["amount_due_fen"] == 0
        assert tap.quote["waiver_rule"] == "age_80"

        (leak,) = [b for b in bookings if b.idempotency_key == "demo-leak-152"]
        building = session.get(Building, session.get(Resident, leak.beneficiary_id).building_id)
        assert building.name == "152幢"
        assert (leak.status, leak.escalated, leak.volunteer_id) == (
            BookingStatus.requested,
            True,
            None,
        )
        grid_worker = session.execute(
            sa.select(User).where(User.phone == "13900000002")
        ).scalar_one()
        leak_id = leak.id
    timeline = api.as_(grid_worker).get(f"/bookings/{leak_id}").json
    assert timeline["events"][-1]["action"] == "escalate"
    told = api.as_(grid_worker).get("/notifications").json["items"]
    assert any(n["kind"] == "booking_escalated" and n["booking_id"] == leak_id for n in told)
