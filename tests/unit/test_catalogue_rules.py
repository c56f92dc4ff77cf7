"""The catalogue's rules about a volunteer: his service-hours star level and his masked public
name (沈**)."""

from __future__ import annotations

import pytest

from happiness_fair.catalogue.rules import (
    DEFAULT_STAR_THRESHOLDS_HOURS,
    mask_name,
    public_name,
    star_level,
)

HOUR = 60


@pytest.mark.parametrize(
    ("minutes", "stars"),
    [
        (0, 0),
        (100 * HOUR - 1, 0),
        (100 * HOUR, 1),
        (300 * HOUR - 1, 1),
        (300 * HOUR, 2),
        (600 * HOUR, 3),
        (999 * HOUR, 3),
        (1000 * HOUR, 4),
        (1500 * HOUR - 1, 4),
        (1500 * HOUR, 5),
        (10_000 * HOUR, 5),
    ],
)
def test_star_level_follows_the_national_thresholds_by_verified_hours(
    minutes: int, stars: int
) -> None:
    assert DEFAULT_STAR_THRESHOLDS_HOURS == (100, 300, 600, 1000, 1500)
    assert star_level(minutes) == stars


@pytest.mark.parametrize(
    ("hours", "stars"), [(99, 0), (100, 1), (200, 2), (500, 3), (800, 4), (1000, 5)]
)
def test_a_community_may_use_its_own_thresholds_such_as_beijings(hours: int, stars: int) -> None:
    assert star_level(hours * HOUR, (100, 200, 500, 800, 1000)) == stars


@pytest.mark.parametrize(
    ("minutes", "thresholds"),
    [(-1, DEFAULT_STAR_THRESHOLDS_HOURS), (0, (300, 100)), (0, (0, 100)), (0, (100, 100))],
)
def test_negative_minutes_or_muddled_thresholds_are_refused(
    minutes: int, thresholds: tuple[int, ...]
) -> None:
    with pytest.raises(ValueError):
        star_level(minutes, thresholds)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("沈林益", "沈**"),
        ("李明", "李*"),
        ("欧阳娜娜", "欧***"),
        ("John Smith", "J********"),
        ("  沈林益 ", "沈**"),
        ("沈", "沈*"),  # never shown whole
        ("", ""),
    ],
)
def test_a_masked_name_shows_only_the_first_character(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(("full", "shown"), [(True, "沈林益"), (False, "沈**")])
def test_the_public_name_is_whole_only_when_he_chose_so(full: bool, shown: str) -> None:
    assert public_name("沈林益", full) == shown
