"""The kept totals: changed with every verified record, read by rankings over any date range.

A range is read as whole months from the month totals plus the days at its ragged ends from the
day totals, so a year's ranking reads at most twelve month rows and sixty-odd day rows per
volunteer and grid, however many records lie behind them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from .. import versions
from ..catalogue import stats
from ..extensions import db
from .models import HoursDayTotal, HoursMonthTotal, HoursRecord, Source


def counts_as_service(source: Source | str) -> bool:
    """A home visit is one service; stall duty and the office's manual entries are time given,
    not a service to someone (services at a stall are counted with the duty)."""
    return Source(source) is Source.booking


def _upsert(model, keys: dict, minutes: int, services: int) -> None:
    insert = (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert
    stmt = insert(model).values(**keys, minutes=minutes, services=services)
    stmt = stmt.on_conflict_do_update(
        index_elements=[k for k in keys if k != "community_id"],
        set_={
            "minutes": model.minutes + stmt.excluded.minutes,
            "services": model.services + stmt.excluded.services,
        },
    )
    db.session.execute(stmt)


def add(record: HoursRecord, sign: int) -> None:
    """Count a record into the totals (sign 1) or take it out again (sign -1), together with the
    volunteer's all-time verified minutes on his row, which his star level reads. Every
    verification, rejection and correction passes here."""
    minutes = sign * record.minutes
    services = sign * (1 if counts_as_service(record.source) else 0)
    common = {
        "volunteer_id": record.volunteer_id,
        "grid_id": record.grid_id,
        "community_id": record.community_id,
    }
    _upsert(HoursDayTotal, {**common, "day": record.date}, minutes, services)
    _upsert(HoursMonthTotal, {**common, "month": record.date.replace(day=1)}, minutes, services)
    stats.add_verified_minutes(record.volunteer_id, minutes)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_end(day: date) -> date:
    return _next_month(day) - timedelta(days=1)


def split_range(first: date | None, last: date | None):
    """(month span, day spans) covering [first, last]: whole months as (first month, last
    month), and the days before and after them. None, None is all time: every month."""
    if first is None and last is None:
        return (None, None), []
    assert first is not None and last is not None and first <= last
    month_from = first if first.day == 1 else _next_month(first)
    last_whole = last if last == _month_end(last) else last.replace(day=1) - timedelta(days=1)
    month_to = last_whole.replace(day=1)
    if month_to < month_from:
        return None, [(first, last)]
    days = []
    if first < month_from:
        days.append((first, month_from - timedelta(days=1)))
    if last_whole < last:
        days.append((last_whole + timedelta(days=1), last))
    return (month_from, month_to), days


# Services given beyond the kept totals come from parts above this one, which give a select of
# total rows at start-up: the walk-ins at fair stalls (fairs.service.init_app). Each is called as
# rows(community_id, first, last, grid_id=, volunteer_id=) -> a select of (volunteer_id,
# grid_id, minutes, services).
_more_rows: dict[str, Callable[..., sa.Select]] = {}


def register_rows(name: str, rows: Callable[..., sa.Select], tables: tuple[str, ...]) -> None:
    """Called once at start-up by the part that keeps them (again is a no-op); a change to
    `tables`, which the rows read, moves the hours version (the honour board's cached answer)."""
    _more_rows[name] = rows
    for table in tables:
        versions.watch(table, versions.HOURS)


def rows_in_range(
    community_id: int, first: date | None, last: date | None, *, grid_id=None, volunteer_id=None
):
    """A selectable of (volunteer_id, grid_id, minutes, services) rows covering the range in one
    community, possibly one grid or one volunteer; sum them per volunteer, grid or team. This is
    the one rule of what counts: verified minutes and services from the kept totals, and the
    walk-ins at fair stalls as services without minutes (rankings, their files, team totals,
    certificates and a volunteer's summary all read it)."""
    months, day_spans = split_range(first, last)
    parts = []
    if months is not None:
        stmt = sa.select(
            HoursMonthTotal.volunteer_id,
            HoursMonthTotal.grid_id,
            HoursMonthTotal.minutes,
            HoursMonthTotal.services,
        ).where(HoursMonthTotal.community_id == community_id)
        if months[0] is not None:
            stmt = stmt.where(HoursMonthTotal.month.between(months[0], months[1]))
        if grid_id is not None:
            stmt = stmt.where(HoursMonthTotal.grid_id == grid_id)
        if volunteer_id is not None:
            stmt = stmt.where(HoursMonthTotal.volunteer_id == volunteer_id)
        parts.append(stmt)
    for span_first, span_last in day_spans:
        stmt = sa.select(
            HoursDayTotal.volunteer_id,
            HoursDayTotal.grid_id,
            HoursDayTotal.minutes,
            HoursDayTotal.services,
        ).where(
            HoursDayTotal.community_id == community_id,
            HoursDayTotal.day.between(span_first, span_last),
        )
        if grid_id is not None:
            stmt = stmt.where(HoursDayTotal.grid_id == grid_id)
        if volunteer_id is not None:
            stmt = stmt.where(HoursDayTotal.volunteer_id == volunteer_id)
        parts.append(stmt)
    for rows in _more_rows.values():
        parts.append(rows(community_id, first, last, grid_id=grid_id, volunteer_id=volunteer_id))
    return sa.union_all(*parts).subquery("totals")


def volunteer_sums(
    community_id: int, volunteer_id: int, first: date | None, last: date | None
) -> tuple[int, int]:
    """One volunteer's (minutes, services) over the range, by the rule of rows_in_range."""
    rows = rows_in_range(community_id, first, last, volunteer_id=volunteer_id)
    minutes, services = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(rows.c.minutes), 0),
            sa.func.coalesce(sa.func.sum(rows.c.services), 0),
        )
    ).one()
    return int(minutes), int(services)
