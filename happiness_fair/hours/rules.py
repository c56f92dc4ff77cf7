"""Volunteer hours: ranking periods and order, and the service date of a moment.

Pure rules, so rankings, certificates and exports count the same way everywhere. The star level
and the masked public name are the catalogue's (catalogue/rules.py), which shows them.
"""

from __future__ import annotations

import calendar
import enum
from datetime import date


class RankingPeriod(enum.StrEnum):
    """A ranking period: a calendar period in Asia/Shanghai containing today, or all time."""

    month = "month"
    quarter = "quarter"
    year = "year"
    all = "all"


def period_range(period: RankingPeriod | str, today: date) -> tuple[date | None, date | None]:
    """First and last day (both inclusive) of the period containing today; (None, None) for all
    time. The caller passes today's date in Asia/Shanghai (see service_date_of)."""
    period = RankingPeriod(period)
    if period is RankingPeriod.all:
        return None, None
    if period is RankingPeriod.year:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    first_month = today.month if period is RankingPeriod.month else 3 * ((today.month - 1) // 3) + 1
    last_month = first_month if period is RankingPeriod.month else first_month + 2
    last_day = calendar.monthrange(today.year, last_month)[1]
    return date(today.year, first_month, 1), date(today.year, last_month, last_day)


def ranking_sort_key(
    minutes: int, services: int, name: str, volunteer_id: int
) -> tuple[int, int, str, int]:
    """More verified minutes first; ties by more services, then name, then id, so the order is
    total and stable. Names compare by code point (not pinyin), the same in Python and SQLite."""
    return (-minutes, -services, name, volunteer_id)
