"""Ranking periods and order, and the service date in Nantong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from happiness_fair.hours.rules import (
    RankingPeriod,
    period_range,
    ranking_sort_key,
)
from happiness_fair.places.clock import service_date_of


@pytest.mark.parametrize(
    ("period", "today", "first", "last"),
    [
        ("month", date(2024, 2, 15), date(2024, 2, 1), date(2024, 2, 29)),
        ("month", date(2023, 2, 1), date(2023, 2, 1), date(2023, 2, 28)),
        ("month", date(2024, 12, 31), date(2024, 12, 1), date(2024, 12, 31)),
        ("quarter", date(2024, 1, 1), date(2024, 1, 1), date(2024, 3, 31)),
        ("quarter", date(2024, 5, 20), date(2024, 4, 1), date(2024, 6, 30)),
        ("quarter", date(2024, 9, 30), date(2024, 7, 1), date(2024, 9, 30)),
        ("quarter", date(2024, 10, 1), date(2024, 10, 1), date(2024, 12, 31)),
        ("year", date(2024, 7, 4), date(2024, 1, 1), date(2024, 12, 31)),
        ("all", date(2024, 7, 4), None, None),
    ],
)
def test_a_ranking_period_is_the_calendar_period_containing_today(
    period: str, today: date, first: date | None, last: date | None
) -> None:
    assert period_range(RankingPeriod(period), today) == (first, last)
    assert period_range(period, today) == (first, last)


@dataclass(frozen=True)
class Row:
    volunteer_id: int
    name: str
    minutes: int
    services: int


ROWS = [
    Row(7, "王建国", 600, 5),
    Row(3, "沈林益", 900, 12),
    Row(9, "李明", 600, 8),  # same hours as 王建国, more services
    Row(4, "张伟", 600, 5),  # same hours and services as 王建国, name sorts first
    Row(2, "张伟", 600, 5),  # a namesake: the lower id goes first
    Row(5, "陈芳", 0, 0),
]


def test_rankings_order_by_hours_then_services_then_name_then_id() -> None:
    for rows in (ROWS, list(reversed(ROWS))):
        ranked = sorted(
            rows, key=lambda r: ranking_sort_key(r.minutes, r.services, r.name, r.volunteer_id)
        )
        assert [row.volunteer_id for row in ranked] == [3, 9, 2, 4, 7, 5]


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2024, 1, 1, 15, 59, 59, tzinfo=UTC), date(2024, 1, 1)),
        (datetime(2024, 1, 1, 16, 0, 0, tzinfo=UTC), date(2024, 1, 2)),  # midnight in Nantong
        (datetime(2023, 12, 31, 23, 30, tzinfo=UTC), date(2024, 1, 1)),
        (datetime(2024, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=-5))), date(2024, 1, 1)),
    ],
)
def test_the_service_date_is_the_date_in_shanghai(moment: datetime, day: date) -> None:
    assert service_date_of(moment) == day


def test_a_moment_without_a_time_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        service_date_of(datetime(2024, 1, 1, 12, 0))
