"""The demo has a fair day: last month's with walk-ins and confirmed duty hours, and the coming
one with stalls and 张奶奶's haircut booked; loading it twice changes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking
from happiness_fair.demo import seed_demo
from happiness_fair.fairs.models import Attendance, FairDay, WalkIn
from happiness_fair.hours.models import HoursRecord, Source
from happiness_fair.places.clock import today


def test_the_demo_has_a_past_and_a_coming_fair_day_and_loads_twice(database, in_app):
    with in_app() as session:
        seed_demo()
        session.commit()
        seed_demo()
        session.commit()
        days = session.execute(sa.select(FairDay).order_by(FairDay.date)).scalars().all()
        assert len(days) == 2
        past, coming = days
        assert past.date < today() < coming.date and coming.date.weekday() == 5
        attended = session.execute(
            sa.select(sa.func.count())
            .select_from(Attendance)
            .where(Attendance.fair_day_id == past.id)
        ).scalar_one()
        duty = (
            session.execute(sa.select(HoursRecord).where(HoursRecord.source == Source.fair))
            .scalars()
            .all()
        )
        assert attended == len(duty) >= 3
        assert {(r.minutes, r.status, r.grid_id) for r in duty} == {(150, "verified", past.grid_id)}
        assert session.execute(sa.select(sa.func.count()).select_from(WalkIn)).scalar_one() >= 2
        (haircut,) = (
            session.execute(sa.select(Booking).where(Booking.mode == "fair")).scalars().all()
        )
        assert (haircut.status, haircut.date) == ("accepted", coming.date)
        assert haircut.quote["amount_due_fen"] == 0  # 张奶奶 is over 80
