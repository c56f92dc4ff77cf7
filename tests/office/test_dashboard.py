"""The dashboard's figures, checked against an independent count of the demo community's
bookings, events and follow-up calls (plain Python over the rows, no shared code)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from happiness_fair.accounts.models import User
from happiness_fair.bookings.models import Booking, BookingEvent
from happiness_fair.catalogue.models import Volunteer
from happiness_fair.demo import seed_demo
from happiness_fair.extensions import db
from happiness_fair.followups.models import FollowUp
from happiness_fair.hours.models import HoursRecord
from happiness_fair.places.clock import today

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_dashboard_counts_what_the_demo_holds(api, in_app):
    year = today().year
    with in_app() as session:
        seed_demo()
        session.commit()
        office = session.execute(sa.select(User).where(User.phone == "13900000001")).scalar_one()
        community_id = office.community_id
        bookings = [
            b
            for b in session.execute(
                sa.select(Booking).where(
                    Booking.community_id == community_id, Booking.mode == "home"
                )
            ).scalars()
        ]
        events = defaultdict(list)
        for e in session.execute(sa.select(BookingEvent)).scalars():
            events[e.booking_id].append(e)
        calls = defaultdict(list)
        for c in session.execute(sa.select(FollowUp)).scalars():
            calls[c.booking_id].append(c.outcome.value)
        verified = [
            r
            for r in session.execute(sa.select(HoursRecord)).scalars()
            if r.status.value == "verified"
            and r.date.year == year
            and r.community_id == community_id
        ]
        approved = session.execute(
            sa.select(sa.func.count())
            .select_from(Volunteer)
            .where(Volunteer.community_id == community_id, Volunteer.status == "approved")
        ).scalar_one()

    def local(moment):
        return moment.astimezone(SHANGHAI).date()

    done = [
        b
        for b in bookings
        if b.status.value in ("completed", "confirmed", "disputed")
        and local(b.completed_at).year == year
    ]
    raised = [b for b in bookings if local(b.created_at).year == year]

    answer = api.as_(office).get("/dashboard?period=year")
    assert answer.status_code == 200, answer.json
    figures = answer.json
    assert figures["headline"] == {
        "residents_served": len({b.beneficiary_id for b in done}),
        "services": len(done),
        "minutes": sum(r.minutes for r in verified),
        "volunteers": approved,
        "active_volunteers": len({r.volunteer_id for r in verified}),
    }
    assert figures["headline"]["services"] > 50  # the demo has a real history

    loop = defaultdict(lambda: {"raised": 0, "taken": 0, "done": 0, "followed_up": 0, "waits": []})
    for b in raised:
        line = loop[(b.grid_id, local(b.created_at).replace(day=1).isoformat())]
        line["raised"] += 1
        accepts = [e.at for e in events[b.id] if e.action == "accept"]
        if accepts:
            line["taken"] += 1
            line["waits"].append((min(accepts) - b.created_at).total_seconds() / 60)
        line["done"] += b.status.value in ("completed", "confirmed", "disputed")
        line["followed_up"] += any(o != "unreachable" for o in calls[b.id])
    got = {(line["grid_id"], line["month"]): line for line in figures["closed_loop"]}
    assert set(got) == set(loop)
    for key, want in loop.items():
        line = got[key]
        assert (line["raised"], line["taken"], line["done"], line["followed_up"]) == (
            want["raised"],
            want["taken"],
            want["done"],
            want["followed_up"],
        ), key
        median = round(statistics.median(want["waits"])) if want["waits"] else None
        assert line["median_minutes_to_take"] == median, key
    assert sum(line["followed_up"] for line in figures["closed_loop"]) > 0

    demand = defaultdict(int)
    for b in raised:
        demand[(b.category_id, b.grid_id)] += 1
    for line in figures["demand"]:
        assert line["raised"] == demand.get((line["category_id"], line["grid_id"]), 0)
    assert sum(line["raised"] for line in figures["demand"]) == len(raised)
    top = figures["top_volunteers"]
    assert top[0]["name"] == "沈林益"
    assert len(top) == 5


def test_the_dashboard_is_the_offices(api, world):
    assert api.as_(world.grid_worker).get("/dashboard").status_code == 403
    assert api.as_(world.grandma_user).get("/dashboard").status_code == 403
    empty = api.as_(world.stranger_office).get("/dashboard").json
    assert empty["headline"]["services"] == 0


def test_postgresql_never_jit_compiles_the_apps_statements(app):
    """PostgreSQL compiled the dashboard's year of bookings, which its planner priced high, for
    0.65 s to save nothing (docs/PERFORMANCE.md, round 7): the app's connections have JIT off."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("JIT is PostgreSQL's")
        assert db.session.execute(sa.text("SHOW jit")).scalar_one() == "off"
        db.session.rollback()
