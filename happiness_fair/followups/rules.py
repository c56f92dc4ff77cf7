"""Working days for the closed loop: an accepted job left unrecorded too long is flagged.

Working days are Monday to Friday, less the holidays and plus the make-up days (调休) from the
calendar the office keeps; the calendar is passed in, so these rules stay pure.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

# 《志愿服务记录与证明出具办法》 art. 11: record within 10 working days of the activity.
OVERDUE_WORKING_DAYS = 10


def is_working_day(d: date, holidays: Collection[date], makeup_days: Collection[date]) -> bool:
    """Mon–Fri unless a holiday; Sat/Sun only if a make-up day. A date listed as both is a
    holiday, the safer reading of a calendar mistake."""
    if d in holidays:
        return False
    return d.weekday() < 5 or d in makeup_days


def add_working_days(
    start: date, n: int, holidays: Collection[date], makeup_days: Collection[date]
) -> date:
    """The n-th working day after start (before it when n is negative); start itself for n = 0,
    working day or not."""
    step = timedelta(days=1 if n >= 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        if is_working_day(day, holidays, makeup_days):
            left -= 1
    return day


def _weekdays_through(d: date) -> int:
    """Mon–Fri days from 0001-01-01 (a Monday) to d inclusive; differences count a range fast."""
    weeks, rest = divmod(d.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def working_days_between(
    start: date, end: date, holidays: Collection[date], makeup_days: Collection[date]
) -> int:
    """Working days strictly after start up to and including end (0 when end is not after start),
    so working_days_between(d, add_working_days(d, n, …), …) == n."""
    if end <= start:
        return 0
    holiday_set = set(holidays)
    count = _weekdays_through(end) - _weekdays_through(start)
    count -= sum(1 for h in holiday_set if start < h <= end and h.weekday() < 5)
    count += sum(
        1
        for m in set(makeup_days)
        if start < m <= end and m.weekday() >= 5 and m not in holiday_set
    )
    return count


def is_overdue(
    booked_date: date, today: date, holidays: Collection[date], makeup_days: Collection[date]
) -> bool:
    """More than 10 working days have passed since the booked date without a completion."""
    return working_days_between(booked_date, today, holidays, makeup_days) > OVERDUE_WORKING_DAYS
