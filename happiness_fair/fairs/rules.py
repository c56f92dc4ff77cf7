"""Fair-day rules with no database: the slots of a day, the time of day a slot falls in, and
what a time looks like on the page and in the API ("09:00")."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from ..bookings.rules import Period

HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 240
MAX_CAPACITY = 50
MAX_WINDOW_MINUTES = 720  # a fair day is at most 12 hours


def parse_hhmm(text: str) -> time | None:
    """ "09:00" → 09:00; anything else → None."""
    if not isinstance(text, str) or not HHMM_RE.match(text):
        return None
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def minute_of_day(value: time) -> int:
    return value.hour * 60 + value.minute


def slot_starts(starts_at: time, ends_at: time, slot_minutes: int) -> list[time]:
    """Every slot that fits whole in the window: 09:00–11:30 by 30 minutes gives five."""
    first, last = minute_of_day(starts_at), minute_of_day(ends_at)
    return [time(m // 60, m % 60) for m in range(first, last - slot_minutes + 1, slot_minutes)]


def period_of(slot_start: time) -> Period:
    """The booking's time of day, from the slot's start."""
    if slot_start < time(12, 0):
        return Period.morning
    if slot_start < time(18, 0):
        return Period.afternoon
    return Period.evening


def slot_has_begun(day, slot_start: time, now_local: datetime) -> bool:
    """True once the slot's start (in Asia/Shanghai) has passed."""
    return (day, slot_start) <= (now_local.date(), now_local.time().replace(tzinfo=None))


def has_come(fair_day_date: date, today: date) -> bool:
    """A fair's own record (who kept a stall, who walked in) is made on its day or after."""
    return fair_day_date <= today
