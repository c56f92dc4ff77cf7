"""Working days with the office's holiday calendar, and when an accepted job is overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from happiness_fair.followups.rules import (
    OVERDUE_WORKING_DAYS,
    add_working_days,
    is_overdue,
    is_working_day,
    working_days_between,
)


def _days(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


# The 2024 calendar (国务院办公厅 notice): Spring Festival 10–17 Feb with make-up Sundays 4 and
# 18 Feb; Mid-Autumn 15–17 Sep with make-up Saturday 14 Sep; National Day 1–7 Oct with make-up
# Sunday 29 Sep and Saturday 12 Oct.
HOLIDAYS = (
    _days(date(2024, 2, 10), date(2024, 2, 17))
    | _days(date(2024, 9, 15), date(2024, 9, 17))
    | _days(date(2024, 10, 1), date(2024, 10, 7))
)
MAKEUP_DAYS = {date(2024, 2, 4), date(2024, 2, 18), date(2024, 9, 14), date(2024, 9, 29)} | {
    date(2024, 10, 12)
}


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 11, 4), True),  # an ordinary Monday
        (date(2024, 11, 8), True),  # an ordinary Friday
        (date(2024, 11, 9), False),  # an ordinary Saturday
        (date(2024, 11, 10), False),  # an ordinary Sunday
        (date(2024, 10, 1), False),  # National Day, a Tuesday
        (date(2024, 10, 5), False),  # a Saturday inside the holiday
        (date(2024, 9, 29), True),  # make-up Sunday
        (date(2024, 10, 12), True),  # make-up Saturday
        (date(2024, 10, 13), False),  # the Sunday after it
        (date(2024, 10, 8), True),  # back to work
    ],
)
def test_working_days_are_weekdays_less_holidays_plus_make_up_days(
    day: date, working: bool
) -> None:
    assert is_working_day(day, HOLIDAYS, MAKEUP_DAYS) is working


def test_a_date_listed_as_both_holiday_and_make_up_day_counts_as_a_holiday() -> None:
    saturday = date(2024, 11, 9)
    assert is_working_day(saturday, {saturday}, {saturday}) is False


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 11, 1), 0, date(2024, 11, 1)),
        (date(2024, 11, 1), 1, date(2024, 11, 4)),  # Friday + 1 → Monday
        (date(2024, 11, 1), 5, date(2024, 11, 8)),
        (date(2024, 11, 2), 0, date(2024, 11, 2)),  # a Saturday stays itself for n = 0
        (date(2024, 11, 2), 1, date(2024, 11, 4)),
        (date(2024, 9, 28), 1, date(2024, 9, 29)),  # Saturday + 1 → make-up Sunday
        (date(2024, 9, 30), 1, date(2024, 10, 8)),  # over the National Day holiday
        (date(2024, 11, 4), -1, date(2024, 11, 1)),  # backwards over a weekend
    ],
)
def test_adding_working_days_skips_weekends_and_holidays(
    start: date, n: int, expected: date
) -> None:
    assert add_working_days(start, n, HOLIDAYS, MAKEUP_DAYS) == expected


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2024, 11, 1), date(2024, 11, 1), 0),
        (date(2024, 11, 1), date(2024, 11, 4), 1),  # Friday to Monday
        (date(2024, 11, 4), date(2024, 11, 1), 0),  # end before start
        (date(2024, 11, 1), date(2024, 11, 30), 20),
        # Sep 29 (make-up), Sep 30, Oct 8–11, Oct 12 (make-up), Oct 14.
        (date(2024, 9, 27), date(2024, 10, 14), 8),
        (date(2024, 2, 9), date(2024, 2, 18), 1),  # Spring Festival; only the make-up Sunday
    ],
)
def test_working_days_between_counts_days_after_start_up_to_and_including_end(
    start: date, end: date, count: int
) -> None:
    assert working_days_between(start, end, HOLIDAYS, MAKEUP_DAYS) == count


@pytest.mark.parametrize(
    ("booked", "today", "overdue"),
    [
        (date(2024, 11, 1), date(2024, 11, 1), False),
        (date(2024, 11, 1), date(2024, 11, 15), False),  # exactly 10 working days
        (date(2024, 11, 1), date(2024, 11, 17), False),  # the weekend after adds none
        (date(2024, 11, 1), date(2024, 11, 18), True),  # the 11th working day
        (date(2024, 9, 27), date(2024, 10, 16), False),  # the holiday does not count
        (date(2024, 9, 27), date(2024, 10, 17), True),
        (date(2024, 11, 20), date(2024, 11, 1), False),  # booked in the future
    ],
)
def test_an_accepted_job_is_overdue_after_more_than_10_working_days(
    booked: date, today: date, overdue: bool
) -> None:
    assert OVERDUE_WORKING_DAYS == 10
    assert is_overdue(booked, today, HOLIDAYS, MAKEUP_DAYS) is overdue


dates = st.dates(date(2023, 1, 1), date(2026, 12, 31))
calendars = st.tuples(st.frozensets(dates, max_size=40), st.frozensets(dates, max_size=20))


@settings(database=None, max_examples=200)
@given(start=dates, end=dates, calendar=calendars)
def test_counting_working_days_agrees_with_checking_each_day(
    start: date, end: date, calendar: tuple[frozenset[date], frozenset[date]]
) -> None:
    holidays, makeup = calendar
    expected = sum(
        is_working_day(start + timedelta(days=i), holidays, makeup)
        for i in range(1, (end - start).days + 1)
    )
    assert working_days_between(start, end, holidays, makeup) == expected


@settings(database=None, max_examples=200)
@given(start=dates, n=st.integers(0, 60), calendar=calendars)
def test_adding_n_working_days_then_counting_them_gives_n(
    start: date, n: int, calendar: tuple[frozenset[date], frozenset[date]]
) -> None:
    holidays, makeup = calendar
    end = add_working_days(start, n, holidays, makeup)
    assert working_days_between(start, end, holidays, makeup) == n
    assert n == 0 or is_working_day(end, holidays, makeup)
