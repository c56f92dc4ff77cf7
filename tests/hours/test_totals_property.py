"""The kept totals always equal a recount from the hours records, after any sequence of
completions, confirmations, disputes, manual entries and corrections (property-based), and a
ranking over any range equals the same recount."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from happiness_fair.accounts.models import User
from happiness_fair.bookings import moving, raising
from happiness_fair.bookings.models import Booking
from happiness_fair.bookings.rules import Action, BookingStatus
from happiness_fair.catalogue.models import Volunteer
from happiness_fair.errors import DomainError
from happiness_fair.hours import rankings, service
from happiness_fair.hours.models import (
    HoursDayTotal,
    HoursMonthTotal,
    HoursRecord,
    HoursStatus,
    Source,
)
from happiness_fair.hours.rules import ranking_sort_key
from happiness_fair.places import clock
from tests.factories import tomorrow

VOLUNTEERS, RESIDENTS, GRIDS = 3, 2, 2

operations = st.lists(
    st.one_of(
        st.tuples(
            st.just("complete"),
            st.integers(0, VOLUNTEERS - 1),
            st.integers(0, RESIDENTS - 1),
            st.integers(1, 720),
        ),
        st.tuples(st.just("confirm"), st.integers(0, 20)),
        st.tuples(st.just("dispute"), st.integers(0, 20), st.booleans()),
        st.tuples(
            st.just("manual"),
            st.integers(0, VOLUNTEERS - 1),
            st.integers(0, GRIDS - 1),
            st.integers(1, 1440),
            st.integers(0, 500),
        ),
        st.tuples(st.just("correct"), st.integers(0, 20), st.integers(1, 1440), st.booleans()),
    ),
    max_size=14,
)
ranges = st.tuples(st.integers(0, 520), st.integers(0, 520)).map(sorted)


def _recount(session, group):
    minutes, services = Counter(), Counter()
    for r in session.execute(
        sa.select(HoursRecord).where(HoursRecord.status == HoursStatus.verified)
    ).scalars():
        key = (r.volunteer_id, r.grid_id, group(r.date))
        minutes[key] += r.minutes
        services[key] += r.source is Source.booking
    return {k: (minutes[k], services[k]) for k in minutes}


def _kept(session, model, column):
    return {
        (t.volunteer_id, t.grid_id, getattr(t, column)): (t.minutes, t.services)
        for t in session.execute(sa.select(model)).scalars()
        if t.minutes or t.services
    }


class _Run:
    def __init__(self, session, world):
        self.session, self.world = session, world
        self.done: list[int] = []

    def user(self, user_id) -> User:
        return self.session.get(User, user_id)

    def booking(self, index) -> Booking | None:
        if not self.done:
            return None
        return self.session.get(Booking, self.done[index % len(self.done)])

    def apply(self, op) -> None:
        kind, *args = op
        try:
            with self.session.begin_nested():
                getattr(self, kind)(*args)
        except DomainError:
            pass  # a move the state forbids: nothing may change

    def complete(self, v, r, minutes):
        volunteer, listing = self.world["volunteers"][v], self.world["listings"][v]
        resident = self.world["residents"][r]
        made = raising.create_booking(
            self.user(resident.user_id),
            {
                "listing_id": listing.id,
                "date": tomorrow(),
                "period": "morning",
                "mode": "home",
                "description": "修理",
            },
        )
        worker = self.user(volunteer.user_id)
        for action, details in (
            (Action.accept, {}),
            (Action.start, {}),
            (Action.complete, {"minutes": minutes, "materials_fen": 0}),
        ):
            moving.transition(made, worker, action, **details)
        self.done.append(made.id)

    def confirm(self, k):
        booking = self.booking(k)
        if booking is not None:
            moving.transition(booking, self.user(booking.booker_id), Action.confirm, rating=5)

    def dispute(self, k, against_volunteer):
        booking = self.booking(k)
        if booking is None:
            return
        if booking.status is BookingStatus.completed:
            moving.transition(booking, self.user(booking.booker_id), Action.dispute, reason="x")
        office = self.user(self.world["office"].id)
        outcome = Action.resolve_reopen if against_volunteer else Action.resolve_confirm
        moving.transition(booking, office, outcome, note="回访结论")

    def manual(self, v, g, minutes, days_ago):
        service.add_manual(
            self.user(self.world["office"].id),
            {
                "volunteer_id": self.world["volunteers"][v].id,
                "grid_id": self.world["grids"][g].id,
                "minutes": minutes,
                "date": clock.today() - timedelta(days=days_ago),
                "reason": "活动",
            },
        )

    def correct(self, k, minutes, accept):
        records = self.session.execute(sa.select(HoursRecord).order_by(HoursRecord.id)).scalars()
        records = list(records)
        if not records:
            return
        record = records[k % len(records)]
        volunteer = self.session.get(Volunteer, record.volunteer_id)
        correction = service.request_correction(
            self.user(volunteer.user_id), record.id, minutes, "更正"
        )
        service.decide_correction(self.user(self.world["office"].id), correction.id, accept, "")


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, span=ranges)
def test_kept_totals_equal_a_recount_after_any_sequence(make, in_app, ops, span):
    community = make.community()
    grids = [make.grid(community) for _ in range(GRIDS)]
    world = {
        "grids": grids,
        "office": make.office(community),
        "volunteers": (vols := [make.volunteer(grids) for _ in range(VOLUNTEERS)]),
        "listings": [make.listing(v, fee_fen=1000) for v in vols],
        "residents": [make.resident(grids[i % GRIDS]) for i in range(RESIDENTS)],
    }
    with in_app() as session:
        run = _Run(session, world)
        for op in ops:
            run.apply(op)
        session.flush()

        assert _kept(session, HoursDayTotal, "day") == _recount(session, lambda d: d)
        assert _kept(session, HoursMonthTotal, "month") == _recount(
            session, lambda d: d.replace(day=1)
        )
        per_volunteer = defaultdict(int)
        for (volunteer_id, _grid, _day), (minutes, _s) in _recount(session, lambda d: d).items():
            per_volunteer[volunteer_id] += minutes
        for v in vols:
            assert session.get(Volunteer, v.id).verified_minutes == per_volunteer[v.id]

        first = clock.today() - timedelta(days=span[1])
        last = clock.today() - timedelta(days=span[0])
        expected = defaultdict(lambda: [0, 0])
        for (volunteer_id, _grid, day), (minutes, services) in _recount(
            session, lambda d: d
        ).items():
            if first <= day <= last:
                expected[volunteer_id][0] += minutes
                expected[volunteer_id][1] += services
        names = {v.id: session.get(Volunteer, v.id).name for v in vols}
        want = sorted(
            ((vid, m, s) for vid, (m, s) in expected.items() if m > 0),
            key=lambda row: ranking_sort_key(row[1], row[2], names[row[0]], row[0]),
        )
        got = rankings.volunteer_ranking(community.id, first, last)
        assert [(r.volunteer_id, r.minutes, r.services) for r in got] == want
        assert [r.rank for r in got] == list(range(1, len(got) + 1))
        session.rollback()


def test_a_range_is_read_as_whole_months_and_ragged_days():
    from happiness_fair.hours.totals import split_range

    assert split_range(None, None) == ((None, None), [])
    assert split_range(date(2026, 1, 1), date(2026, 12, 31)) == (
        (date(2026, 1, 1), date(2026, 12, 1)),
        [],
    )
    assert split_range(date(2026, 1, 15), date(2026, 3, 10)) == (
        (date(2026, 2, 1), date(2026, 2, 1)),
        [(date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 3, 1), date(2026, 3, 10))],
    )
    assert split_range(date(2026, 2, 3), date(2026, 2, 20)) == (
        None,
        [(date(2026, 2, 3), date(2026, 2, 20))],
    )
    assert split_range(date(2024, 2, 1), date(2024, 2, 29)) == (
        (date(2024, 2, 1), date(2024, 2, 1)),
        [],
    )
