"""Fair-day rules with no database: the slots of a day, the time of day a slot falls in, and
whether the day has come for its own record (duty hours, walk-ins)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from happiness_fair.bookings.rules import Period
from happiness_fair.fairs import rules

DAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("today", "come"),
    [(date(2026, 12, 4), False), (DAY, True), (date(2026, 12, 6), True), (date(2027, 1, 1), True)],
)
def test_a_fairs_own_record_is_made_on_its_day_or_after(today, come):
    assert rules.has_come(DAY, today) is come


def test_the_slots_that_fit_whole_in_the_window():
    assert rules.slot_starts(time(9, 0), time(11, 30), 30) == [
        time(9, 0), time(9, 30), time(10, 0), time(10, 30), time(11, 0)
    ]  # fmt: skip
    assert rules.slot_starts(time(9, 0), time(9, 20), 30) == []


@pytest.mark.parametrize(
    ("start", "period"),
    [
        (time(11, 59), Period.morning),
        (time(12, 0), Period.afternoon),
        (time(17, 59), Period.afternoon),
        (time(18, 0), Period.evening),
    ],
)
def test_a_slot_falls_in_the_time_of_day_it_starts_in(start, period):
    assert rules.period_of(start) is period


def test_a_slot_has_begun_once_its_start_has_passed_in_shanghai():
    assert not rules.slot_has_begun(DAY, time(9, 30), datetime(2026, 12, 5, 9, 29))
    assert rules.slot_has_begun(DAY, time(9, 30), datetime(2026, 12, 5, 9, 30))
    assert rules.slot_has_begun(DAY, time(9, 30), datetime(2026, 12, 6, 8, 0))


@pytest.mark.parametrize("text", ["9:00", "24:00", "09:60", "", "0900", None])
def test_only_a_two_digit_clock_time_is_read(text):
    assert rules.parse_hhmm(text) is None
    assert rules.hhmm(rules.parse_hhmm("09:05")) == "09:05"
