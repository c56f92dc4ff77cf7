"""Volunteer hours: star levels, ranking periods and order, the masked name on the honour board.

Pure rules, so rankings, certificates and exports count the same way everywhere.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import pairwise
from typing import Protocol, TypeVar

# 《中国社区志愿者注册管理办法》 art. 18: 一星 … 五星 at these cumulative verified hours.
DEFAULT_STAR_THRESHOLDS_HOURS: tuple[int, ...] = (100, 300, 600, 1000, 1500)


def star_level(
    verified_minutes: int, thresholds_hours: Sequence[int] = DEFAULT_STAR_THRESHOLDS_HOURS
) -> int:
    """Stars earned (0 = none yet) by cumulative verified minutes; thresholds are configuration
    because local schemes differ (Beijing: 100/200/500/800/1000)."""
    if verified_minutes < 0:
        raise ValueError(f"verified minutes cannot be negative: {verified_minutes}")
    if any(h <= 0 for h in thresholds_hours) or any(a >= b for a, b in pairwise(thresholds_hours)):
        raise ValueError(f"star thresholds must be positive and rising: {thresholds_hours}")
    return sum(1 for hours in thresholds_hours if verified_minutes >= hours * 60)


class Period(enum.StrEnum):
    """A ranking period: a calendar period in Asia/Shanghai containing today, or all time."""

    month = "month"
    quarter = "quarter"
    year = "year"
    all = "all"


def period_range(period: Period | str, today: date) -> tuple[date | None, date | None]:
    """First and last day (both inclusive) of the period containing today; (None, None) for all
    time. The caller passes today's date in Asia/Shanghai (see service_date_of)."""
    period = Period(period)
    if period is Period.all:
        return None, None
    if period is Period.year:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    first_month = today.month if period is Period.month else 3 * ((today.month - 1) // 3) + 1
    last_month = first_month if period is Period.month else first_month + 2
    last_day = calendar.monthrange(today.year, last_month)[1]
    return date(today.year, first_month, 1), date(today.year, last_month, last_day)


def ranking_sort_key(
    minutes: int, services: int, name: str, volunteer_id: int
) -> tuple[int, int, str, int]:
    """More verified minutes first; ties by more services, then name, then id, so the order is
    total and stable. Names compare by code point (not pinyin), the same in Python and SQLite."""
    return (-minutes, -services, name, volunteer_id)


class Rankable(Protocol):
    """Anything with the four fields a ranking is ordered by (a dataclass, a SQLAlchemy row)."""

    @property
    def minutes(self) -> int: ...
    @property
    def services(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def volunteer_id(self) -> int: ...


R = TypeVar("R", bound=Rankable)


def assign_ranks(rows: Iterable[R]) -> list[tuple[int, R]]:
    """Rows in ranking order with ranks 1..n; the tie-breaks make every rank distinct."""
    ordered = sorted(
        rows, key=lambda r: ranking_sort_key(r.minutes, r.services, r.name, r.volunteer_id)
    )
    return list(enumerate(ordered, start=1))


def mask_name(name: str) -> str:
    """The honour-board name of a volunteer who has not chosen to show it in full: the first
    character, then one * per remaining non-space character (at least one), so "沈林益" → "沈**",
    "李明" → "李*", "John Smith" → "J********" and a one-character name is not shown whole."""
    name = name.strip()
    if not name:
        return ""
    hidden = sum(1 for ch in name[1:] if not ch.isspace())
    return name[0] + "*" * max(1, hidden)
