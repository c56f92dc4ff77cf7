"""The office's working-day calendar, read by the overdue-job rule (followups.rules)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit, versions
from ..accounts.models import User
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from .models import CalendarDay, DayKind


def days_of(community_id: int, first: date, last: date) -> list[CalendarDay]:
    return list(
        db.session.execute(
            sa.select(CalendarDay)
            .where(CalendarDay.community_id == community_id, CalendarDay.day.between(first, last))
            .order_by(CalendarDay.day)
        ).scalars()
    )


def holidays_and_makeup(community_id: int, first: date, last: date) -> tuple[frozenset, frozenset]:
    """Read once per process while the calendar's version stays the same (versions.py)."""

    def read():
        days = days_of(community_id, first, last)
        return (
            frozenset(d.day for d in days if d.kind is DayKind.holiday),
            frozenset(d.day for d in days if d.kind is DayKind.makeup),
        )

    return versions.cached(versions.CALENDAR, (community_id, first, last), read)


def set_year(actor: User, year: int, items: list[dict]) -> list[CalendarDay]:
    """Replace the year's special days with the list given (the office types in the State
    Council's notice once a year). A holiday on a weekend or a make-up day on a weekday is a
    mistake, refused with the day named."""
    if not actor.is_office:
        raise Forbidden(_l("Only the community office keeps the calendar."))
    errors = {}
    seen = set()
    for index, item in enumerate(items):
        day, kind = item["day"], DayKind(item["kind"])
        if day.year != year:
            errors[f"items.{index}.day"] = [_l("This day is not in %(year)s.", year=year)]
        elif day in seen:
            errors[f"items.{index}.day"] = [_l("This day is listed twice.")]
        elif kind is DayKind.holiday and day.weekday() >= 5:
            errors[f"items.{index}.day"] = [_l("A weekend day is already a day off.")]
        elif kind is DayKind.makeup and day.weekday() < 5:
            errors[f"items.{index}.day"] = [_l("A weekday is already a working day.")]
        seen.add(day)
    if errors:
        raise ValidationFailed(fields=errors)
    first, last = date(year, 1, 1), date(year, 12, 31)
    db.session.execute(
        sa.delete(CalendarDay).where(
            CalendarDay.community_id == actor.community_id, CalendarDay.day.between(first, last)
        )
    )
    db.session.add_all(
        CalendarDay(
            community_id=actor.community_id,
            day=item["day"],
            kind=DayKind(item["kind"]),
            name=item.get("name") or "",
        )
        for item in items
    )
    audit.record(
        "calendar_set",
        community_id=actor.community_id,
        actor_id=actor.id,
        subject_type="calendar",
        subject_id=year,
        days=len(items),
    )
    db.session.flush()
    return days_of(actor.community_id, first, last)
