"""The office dashboard's figures: headline totals, the closed loop per grid and month, demand
against supply per category and grid, and the top volunteers.

A community's bookings of one year are a few thousand rows: they are read once with their
first acceptance and follow-up, and counted here, so every figure comes from the same rows.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ..bookings.models import Booking, BookingEvent
from ..bookings.rules import BookingStatus
from ..catalogue.models import (
    Category,
    Volunteer,
    VolunteerStatus,
    volunteer_categories,
    volunteer_grids,
)
from ..concerns import summary as concern_lists
from ..extensions import db
from ..followups.models import FollowUp, Outcome
from ..hours import rankings
from ..places.clock import service_date_of
from ..places.models import Grid
from ..teams import totals as team_totals

DONE = (BookingStatus.completed, BookingStatus.confirmed, BookingStatus.disputed)


@dataclass(frozen=True)
class BookingRow:
    id: int
    grid_id: int
    category_id: int
    beneficiary_id: int
    status: BookingStatus
    raised_on: date
    created_at: datetime
    completed_on: date | None
    first_accept: datetime | None
    escalated: bool
    followed_up: bool


def booking_rows(community_id: int, first: date, last: date) -> list[BookingRow]:
    """Bookings raised or completed in the range (a UTC day's margin, then exact in Shanghai)."""
    first_accept = (
        sa.select(sa.func.min(BookingEvent.at))
        .where(BookingEvent.booking_id == Booking.id, BookingEvent.action == "accept")
        .scalar_subquery()
    )
    # Counted per booking from its own few rows (the booking_id indexes). As EXISTS, PostgreSQL
    # chose to read every event of the district once into a hash: 0.7 s at a district's scale
    # instead of 34 ms (docs/PERFORMANCE.md, round 7).
    escalated = (
        sa.select(sa.func.count())
        .where(
            BookingEvent.booking_id == Booking.id, BookingEvent.action.in_(("escalate", "no_show"))
        )
        .scalar_subquery()
    )
    followed = (
        sa.select(sa.func.count())
        .where(FollowUp.booking_id == Booking.id, FollowUp.outcome != Outcome.unreachable)
        .scalar_subquery()
    )
    start = datetime.combine(first - timedelta(days=1), time.min, UTC)
    end = datetime.combine(last + timedelta(days=1), time.max, UTC)
    result = db.session.execute(
        sa.select(
            Booking.id,
            Booking.grid_id,
            Booking.category_id,
            Booking.beneficiary_id,
            Booking.status,
            Booking.created_at,
            Booking.completed_at,
            Booking.escalated,
            Booking.no_show,
            first_accept.label("first_accept"),
            escalated.label("was_escalated"),
            followed.label("followed_up"),
        ).where(
            Booking.community_id == community_id,
            Booking.mode == "home",
            sa.or_(
                Booking.created_at.between(start, end), Booking.completed_at.between(start, end)
            ),
        )
    )
    rows = []
    for r in result:
        rows.append(
            BookingRow(
                id=r.id,
                grid_id=r.grid_id,
                category_id=r.category_id,
                beneficiary_id=r.beneficiary_id,
                status=r.status,
                raised_on=service_date_of(r.created_at),
                created_at=r.created_at,
                completed_on=service_date_of(r.completed_at) if r.completed_at else None,
                first_accept=r.first_accept,
                escalated=bool(r.escalated or r.no_show or r.was_escalated),
                followed_up=bool(r.followed_up),
            )
        )
    return rows


def _in(day: date | None, first: date, last: date) -> bool:
    return day is not None and first <= day <= last


@dataclass(frozen=True)
class Headline:
    residents_served: int
    services: int
    minutes: int
    volunteers: int  # approved now
    active_volunteers: int  # with verified minutes in the range


def headline(community_id: int, first: date, last: date, rows: list[BookingRow] | None = None):
    rows = booking_rows(community_id, first, last) if rows is None else rows
    done = [r for r in rows if r.status in DONE and _in(r.completed_on, first, last)]
    ranking = rankings.volunteer_ranking(community_id, first, last)
    approved = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Volunteer)
        .where(Volunteer.community_id == community_id, Volunteer.status == VolunteerStatus.approved)
    ).scalar_one()
    return Headline(
        residents_served=len({r.beneficiary_id for r in done}),
        services=len(done),
        minutes=sum(line.minutes for line in ranking),
        volunteers=approved,
        active_volunteers=len(ranking),
    )


@dataclass(frozen=True)
class LoopLine:
    grid_id: int
    grid: str
    month: date
    raised: int
    taken: int
    done: int
    followed_up: int
    median_minutes_to_take: int | None


def _grids(community_id: int) -> dict[int, Grid]:
    return {
        g.id: g
        for g in db.session.execute(
            sa.select(Grid).where(Grid.community_id == community_id).order_by(Grid.number)
        ).scalars()
    }


def closed_loop(community_id: int, first: date, last: date, rows: list[BookingRow] | None = None):
    """Per grid and month of raising: raised → taken → done → followed up, and the median time
    from raised to first taken."""
    rows = booking_rows(community_id, first, last) if rows is None else rows
    groups: dict[tuple[int, date], list[BookingRow]] = defaultdict(list)
    for r in rows:
        if _in(r.raised_on, first, last):
            groups[(r.grid_id, r.raised_on.replace(day=1))].append(r)
    grids = _grids(community_id)
    lines = []
    for (grid_id, month), group in groups.items():
        waits = [
            (r.first_accept - r.created_at).total_seconds() / 60
            for r in group
            if r.first_accept is not None
        ]
        lines.append(
            LoopLine(
                grid_id=grid_id,
                grid=grids[grid_id].name,
                month=month,
                raised=len(group),
                taken=sum(r.first_accept is not None for r in group),
                done=sum(r.status in DONE for r in group),
                followed_up=sum(r.followed_up for r in group),
                median_minutes_to_take=round(statistics.median(waits)) if waits else None,
            )
        )
    order = {gid: n for n, gid in enumerate(grids)}
    return sorted(lines, key=lambda line: (line.month, order[line.grid_id]))


@dataclass(frozen=True)
class DemandLine:
    category_id: int
    category: str
    grid_id: int
    grid: str
    raised: int
    escalated: int
    untaken: int
    volunteers: int  # approved volunteers with this skill serving this grid


def demand_and_supply(
    community_id: int, first: date, last: date, locale: str, rows: list[BookingRow] | None = None
):
    """Per category and grid: requests raised, escalated, never taken, against the approved
    volunteers who could take them; the widest gaps first, so the office knows whom to recruit."""
    rows = booking_rows(community_id, first, last) if rows is None else rows
    demand: dict[tuple[int, int], list[BookingRow]] = defaultdict(list)
    for r in rows:
        if _in(r.raised_on, first, last):
            demand[(r.category_id, r.grid_id)].append(r)
    supply = {
        (category_id, grid_id): count
        for category_id, grid_id, count in db.session.execute(
            sa.select(
                volunteer_categories.c.category_id, volunteer_grids.c.grid_id, sa.func.count()
            )
            .select_from(Volunteer)
            .join(volunteer_categories, volunteer_categories.c.volunteer_id == Volunteer.id)
            .join(volunteer_grids, volunteer_grids.c.volunteer_id == Volunteer.id)
            .where(
                Volunteer.community_id == community_id,
                Volunteer.status == VolunteerStatus.approved,
            )
            .group_by(volunteer_categories.c.category_id, volunteer_grids.c.grid_id)
        )
    }
    grids = _grids(community_id)
    categories = {c.id: c for c in db.session.execute(sa.select(Category)).scalars()}
    lines = []
    for key in set(demand) | set(supply):
        category_id, grid_id = key
        group = demand.get(key, [])
        category = categories[category_id]
        lines.append(
            DemandLine(
                category_id=category_id,
                category=category.name_zh if locale.startswith("zh") else category.name_en,
                grid_id=grid_id,
                grid=grids[grid_id].name,
                raised=len(group),
                escalated=sum(r.escalated for r in group),
                untaken=sum(
                    r.first_accept is None
                    and r.status in (BookingStatus.requested, BookingStatus.cancelled)
                    for r in group
                ),
                volunteers=supply.get(key, 0),
            )
        )
    return sorted(
        lines, key=lambda line: (-(line.raised - line.volunteers), line.category_id, line.grid_id)
    )


def figures(community_id: int, first: date, last: date, locale: str) -> dict:
    """Every figure of the dashboard over one range, from one read of the bookings."""
    rows = booking_rows(community_id, first, last)
    return {
        "from_": first,
        "to": last,
        "headline": headline(community_id, first, last, rows),
        "closed_loop": closed_loop(community_id, first, last, rows),
        "demand": demand_and_supply(community_id, first, last, locale, rows),
        "top_volunteers": rankings.volunteer_ranking(community_id, first, last, limit=5),
        "teams": team_totals.team_table(community_id, first, last),
        "concerns": concern_lists.community_totals(
            community_id, first, last, service_date_of(datetime.now(UTC))
        ),
    }
