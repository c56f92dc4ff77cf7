"""The office's working-day calendar, read by the overdue-job rule (followups.rules)."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit, versions
from ..accounts.models import User
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..validation import whole_number
from .models import CalendarDay, DayKind

# The package's English names, as the State Council's notice names them in Chinese.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def published_years() -> frozenset[int]:
    """The years whose holidays and make-up days the chinese-calendar package knows (it is
    updated when the State Council publishes the next year's notice)."""
    return frozenset(day.year for day in chinese_calendar.holidays)


def published_days(year: int) -> list[CalendarDay] | None:
    """The year's holidays on weekdays and make-up working days on weekends from the package,
    as unsaved CalendarDay rows; None for a year it does not cover yet."""
    if year not in published_years():
        return None
    days = [
        CalendarDay(day=d, kind=DayKind.holiday, name=HOLIDAY_NAMES_ZH.get(name, name))
        for d, name in chinese_calendar.holidays.items()
        if d.year == year and d.weekday() < 5
    ]
    days += [
        CalendarDay(day=d, kind=DayKind.makeup, name=HOLIDAY_NAMES_ZH.get(name, name))
        for d, name in chinese_calendar.workdays.items()
        if d.year == year and d.weekday() >= 5
    ]
    return sorted(days, key=lambda d: d.day)


def _saved(community_id: int, first: date, last: date) -> list[CalendarDay]:
    return db.session.scalars(
        sa.select(CalendarDay)
        .where(CalendarDay.community_id == community_id, CalendarDay.day.between(first, last))
        .order_by(CalendarDay.day)
    ).all()


def year_source(community_id: int, year: int) -> str:
    """Where the year's days come from: "office" (the office saved its own list, which wins),
    "published" (the package), or "not_published" (neither: weekdays only, to be corrected)."""
    if _saved(community_id, date(year, 1, 1), date(year, 12, 31)):
        return "office"
    return "published" if year in published_years() else "not_published"


def days_of(community_id: int, first: date, last: date) -> list[CalendarDay]:
    """The special days in the range: for each year, the office's own list if it saved one,
    else the published calendar (pre-filled; the office only corrects)."""
    result: list[CalendarDay] = []
    for year in range(first.year, last.year + 1):
        start, end = max(first, date(year, 1, 1)), min(last, date(year, 12, 31))
        saved = _saved(community_id, start, end)
        if saved or year_source(community_id, year) == "office":
            result += saved
        else:
            result += [d for d in published_days(year) or [] if start <= d.day <= end]
    return result


def unpublished_years(community_id: int, first: date, last: date) -> list[int]:
    """Years of the range with neither the office's list nor a published calendar."""
    return [
        y
        for y in range(first.year, last.year + 1)
        if year_source(community_id, y) == "not_published"
    ]


def holidays_and_makeup(community_id: int, first: date, last: date) -> tuple[frozenset, frozenset]:
    """Read once per process while the calendar's version stays the same (versions.py)."""

    def read():
        days = days_of(community_id, first, last)
        return (
            frozenset(d.day for d in days if d.kind is DayKind.holiday),
            frozenset(d.day for d in days if d.kind is DayKind.makeup),
        )

    return versions.cached(versions.CALENDAR, (community_id, first, last), read)


# --- the calendar page's form: one row a day, the kind chosen from a list -------------------------

BLANK_ROWS = 3  # empty rows under the year's days, to add new ones without JavaScript
MAX_ROWS = 200

KIND_NAMES = {
    DayKind.holiday.value: _l("Day off (休息日)"),
    DayKind.makeup.value: _l("Make-up working day (调休上班日)"),
}


def rows_of(days: list[CalendarDay]) -> list[dict]:
    """The page's rows for the year's days, and a few empty ones to add more."""
    rows = [{"day": d.day.isoformat(), "kind": d.kind.value, "name": d.name} for d in days]
    return rows + [{"day": "", "kind": DayKind.holiday.value, "name": ""}] * BLANK_ROWS


def rows_from_form(form) -> list[dict]:
    """The rows as sent (day-0, kind-0, name-0, remove-0, …), kept to show them again."""
    rows = []
    for i in range(MAX_ROWS):
        if f"day-{i}" not in form:
            break
        rows.append(
            {
                "day": form.get(f"day-{i}", "").strip(),
                "kind": form.get(f"kind-{i}", ""),
                "name": form.get(f"name-{i}", "").strip()[:40],
                "remove": form.get(f"remove-{i}") == "1",
            }
        )
    return rows


def days_from_rows(rows: list[dict]) -> tuple[list[dict], dict[int, list], list[int]]:
    """The days to save (rows with a date, not marked for removal), errors by row index, and
    the row each day came from."""
    items, errors, where = [], {}, []
    for index, row in enumerate(rows):
        if row.get("remove") or not row["day"]:
            continue
        try:
            day = date.fromisoformat(row["day"])
            kind = DayKind(row["kind"])
        except ValueError:
            errors[index] = [_l("Choose a date and whether it is a day off or a working day.")]
            continue
        items.append({"day": day, "kind": kind.value, "name": row["name"]})
        where.append(index)
    return items, errors, where


def row_errors(fields: dict, where: list[int]) -> dict[int, list]:
    """set_year's refusals ("items.3.day") placed on the page's rows."""
    errors: dict[int, list] = {}
    for key, messages in fields.items():
        parts = str(key).split(".")
        index = whole_number(parts[1]) if len(parts) > 1 else None
        index = -1 if index is None else index
        errors.setdefault(where[index] if 0 <= index < len(where) else -1, []).extend(messages)
    return errors


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
    audit.record_by(actor, "calendar_set", "calendar", year, days=len(items))
    db.session.flush()
    return days_of(actor.community_id, first, last)
