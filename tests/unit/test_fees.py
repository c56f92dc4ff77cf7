"""Quotes and the free-service rule: 80 and over pay no labour fee, once the age is verified."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from happiness_fair.bookings.fees import (
    DEFAULT_WAIVER_RULES,
    Beneficiary,
    Quote,
    WaiverRule,
    age_on,
    quote_for,
    rules_from_snapshot,
    rules_to_snapshot,
)
from happiness_fair.i18n import money

LABOUR = 2000  # ¥20.00
MATERIALS = 350  # ¥3.50


def verified(born: date | None, *flags: str) -> Beneficiary:
    return Beneficiary(birth_date=born, age_verified=True, flags=frozenset(flags))


def unverified(born: date | None, *flags: str) -> Beneficiary:
    return Beneficiary(birth_date=born, age_verified=False, flags=frozenset(flags))


def rules(
    *, age_80: bool = True, min_age: int = 80, age_materials: bool = False, **others: str
) -> list[WaiverRule]:
    """Rules with age_80 as given; others maps a flag rule to "on" or "on+materials"."""
    made = [WaiverRule("age_80", active=age_80, min_age=min_age, waive_materials=age_materials)]
    for code in ("dibao", "disabled", "living_alone"):
        setting = others.get(code, "off")
        made.append(
            WaiverRule(code, active=setting != "off", waive_materials=setting == "on+materials")
        )
    return made


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1944, 5, 10), date(2024, 5, 9), 79),
        (date(1944, 5, 10), date(2024, 5, 10), 80),
        (date(1944, 5, 10), date(2024, 5, 11), 80),
        (date(1944, 5, 10), date(1944, 5, 10), 0),
        (date(1944, 12, 31), date(2025, 1, 1), 80),
        # Born 29 Feb: in a common year the birthday is 1 Mar.
        (date(1944, 2, 29), date(2023, 2, 28), 78),
        (date(1944, 2, 29), date(2023, 3, 1), 79),
        # In a leap year it is 29 Feb itself.
        (date(1944, 2, 29), date(2024, 2, 28), 79),
        (date(1944, 2, 29), date(2024, 2, 29), 80),
        (date(1944, 2, 29), date(2024, 3, 1), 80),
    ],
)
def test_age_is_counted_in_whole_years_on_the_date(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def test_an_age_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


@pytest.mark.parametrize(
    ("born", "service_date", "due", "rule"),
    [
        (date(1944, 5, 10), date(2024, 5, 9), LABOUR + MATERIALS, None),  # the day before
        (date(1944, 5, 10), date(2024, 5, 10), MATERIALS, "age_80"),  # the 80th birthday
        (date(1944, 5, 10), date(2024, 5, 11), MATERIALS, "age_80"),
        (date(1930, 1, 1), date(2024, 5, 11), MATERIALS, "age_80"),
        (date(1944, 2, 29), date(2024, 2, 28), LABOUR + MATERIALS, None),  # leap year
        (date(1944, 2, 29), date(2024, 2, 29), MATERIALS, "age_80"),
        (date(1990, 6, 1), date(2024, 5, 11), LABOUR + MATERIALS, None),
    ],
)
def test_resident_aged_80_on_service_date_pays_no_labour_fee(
    born: date, service_date: date, due: int, rule: str | None
) -> None:
    quote = quote_for(LABOUR, MATERIALS, verified(born), DEFAULT_WAIVER_RULES, service_date)
    assert (quote.amount_due_fen, quote.waiver_rule) == (due, rule)
    assert quote.waived_fen == LABOUR + MATERIALS - due
    assert quote.waiver_pending_verification is False


@pytest.mark.parametrize(
    ("service_date", "due"),
    [(date(2025, 2, 28), LABOUR), (date(2025, 3, 1), 0)],
)
def test_someone_born_29_february_turns_older_on_1_march_in_a_common_year(
    service_date: date, due: int
) -> None:
    quote = quote_for(LABOUR, 0, verified(date(1944, 2, 29)), rules(min_age=81), service_date)
    assert quote.amount_due_fen == due


@pytest.mark.parametrize(
    ("beneficiary", "due", "rule", "pending"),
    [
        (verified(date(1940, 1, 1)), MATERIALS, "age_80", False),
        (unverified(date(1940, 1, 1)), LABOUR + MATERIALS, None, True),
        (unverified(date(1970, 1, 1)), LABOUR + MATERIALS, None, False),  # too young anyway
        (unverified(None), LABOUR + MATERIALS, None, False),
        (verified(None), LABOUR + MATERIALS, None, False),
    ],
    ids=["verified", "not-verified", "too-young", "unknown-birth", "verified-but-no-date"],
)
def test_an_age_waiver_needs_a_verified_birth_date_until_then_it_is_pending(
    beneficiary: Beneficiary, due: int, rule: str | None, pending: bool
) -> None:
    quote = quote_for(LABOUR, MATERIALS, beneficiary, DEFAULT_WAIVER_RULES, date(2024, 6, 1))
    assert (quote.amount_due_fen, quote.waiver_rule) == (due, rule)
    assert quote.waiver_pending_verification is pending


@pytest.mark.parametrize("flag", ["dibao", "disabled", "living_alone"])
def test_a_flag_rule_waives_the_labour_fee_only_when_the_office_switched_it_on(flag: str) -> None:
    person = unverified(date(1980, 1, 1), flag)
    when = date(2024, 6, 1)
    off = quote_for(LABOUR, MATERIALS, person, DEFAULT_WAIVER_RULES, when)
    on = quote_for(LABOUR, MATERIALS, person, rules(**{flag: "on"}), when)
    assert (off.amount_due_fen, off.waiver_rule) == (LABOUR + MATERIALS, None)
    assert (on.amount_due_fen, on.waiver_rule, on.waived_fen) == (MATERIALS, flag, LABOUR)


@pytest.mark.parametrize("flag", ["dibao", "disabled", "living_alone"])
def test_a_flag_rule_switched_on_does_nothing_for_someone_without_the_flag(flag: str) -> None:
    quote = quote_for(
        LABOUR, MATERIALS, verified(date(1980, 1, 1)), rules(**{flag: "on"}), date(2024, 6, 1)
    )
    assert quote.waiver_rule is None


@pytest.mark.parametrize(
    ("rule_set", "beneficiary", "due", "waived", "rule"),
    [
        (rules(age_materials=False), verified(date(1940, 1, 1)), MATERIALS, LABOUR, "age_80"),
        (rules(age_materials=True), verified(date(1940, 1, 1)), 0, LABOUR + MATERIALS, "age_80"),
        (
            rules(dibao="on+materials"),
            unverified(None, "dibao"),
            0,
            LABOUR + MATERIALS,
            "dibao",
        ),
    ],
    ids=["age-labour-only", "age-and-materials", "dibao-and-materials"],
)
def test_materials_are_waived_only_when_the_rule_says_so(
    rule_set: list[WaiverRule], beneficiary: Beneficiary, due: int, waived: int, rule: str
) -> None:
    quote = quote_for(LABOUR, MATERIALS, beneficiary, rule_set, date(2024, 6, 1))
    assert (quote.amount_due_fen, quote.waived_fen, quote.waiver_rule) == (due, waived, rule)


@pytest.mark.parametrize(
    ("rule_set", "beneficiary", "rule", "due"),
    [
        # Several apply, none waives materials: the first in order (age_80) wins.
        (rules(dibao="on"), verified(date(1940, 1, 1), "dibao"), "age_80", MATERIALS),
        # Several apply, a later one waives materials too: it wins.
        (rules(disabled="on+materials"), verified(date(1940, 1, 1), "disabled"), "disabled", 0),
        (
            rules(dibao="on", living_alone="on"),
            verified(None, "living_alone", "dibao"),
            "dibao",
            MATERIALS,
        ),
        # An unverified age does not block a flag rule, and the quote is then not "pending".
        (rules(dibao="on"), unverified(date(1940, 1, 1), "dibao"), "dibao", MATERIALS),
    ],
    ids=["age-first", "materials-preferred", "flag-order", "flag-over-pending-age"],
)
def test_when_several_rules_apply_the_one_that_waives_most_wins(
    rule_set: list[WaiverRule], beneficiary: Beneficiary, rule: str, due: int
) -> None:
    quote = quote_for(LABOUR, MATERIALS, beneficiary, rule_set, date(2024, 6, 1))
    assert (quote.waiver_rule, quote.amount_due_fen) == (rule, due)
    assert quote.waiver_pending_verification is False
    assert quote_for(LABOUR, MATERIALS, beneficiary, rule_set[::-1], date(2024, 6, 1)) == quote


def test_an_age_rule_switched_off_waives_nothing_and_promises_nothing() -> None:
    for person in (verified(date(1930, 1, 1)), unverified(date(1930, 1, 1))):
        quote = quote_for(LABOUR, MATERIALS, person, rules(age_80=False), date(2024, 6, 1))
        assert (quote.waiver_rule, quote.waiver_pending_verification) == (None, False)


def test_a_free_listing_still_names_the_rule_that_applies() -> None:
    quote = quote_for(0, 0, verified(date(1940, 1, 1)), DEFAULT_WAIVER_RULES, date(2024, 6, 1))
    assert (quote.amount_due_fen, quote.waived_fen, quote.waiver_rule) == (0, 0, "age_80")


def test_a_rule_changed_after_booking_does_not_change_a_quote_from_the_kept_snapshot() -> None:
    grandma = verified(date(1944, 3, 1))
    kept = json.dumps(rules_to_snapshot(DEFAULT_WAIVER_RULES))  # stored on the booking
    # Later the office raises the age to 90 and switches the rule off altogether.
    rules_now = [WaiverRule("age_80", active=False, min_age=90)]
    completed_on = date(2024, 12, 20)
    assert quote_for(LABOUR, MATERIALS, grandma, rules_now, completed_on).waiver_rule is None
    kept_rules = rules_from_snapshot(json.loads(kept))
    assert kept_rules == DEFAULT_WAIVER_RULES
    quote = quote_for(LABOUR, MATERIALS, grandma, kept_rules, completed_on)
    assert (quote.waiver_rule, quote.amount_due_fen) == ("age_80", MATERIALS)


def test_the_kept_rules_are_applied_again_to_the_completion_date() -> None:
    # Booked the week before her 80th birthday, done the week after: free after all.
    born = date(1944, 6, 10)
    booked = quote_for(LABOUR, 0, verified(born), DEFAULT_WAIVER_RULES, date(2024, 6, 3))
    done = quote_for(LABOUR, 0, verified(born), DEFAULT_WAIVER_RULES, date(2024, 6, 12))
    assert (booked.amount_due_fen, done.amount_due_fen) == (LABOUR, 0)


def test_the_default_rules_are_the_seeded_80_and_over_rule_and_three_switched_off() -> None:
    assert [r.to_dict() for r in DEFAULT_WAIVER_RULES] == [
        {"code": "age_80", "active": True, "min_age": 80, "waive_materials": False},
        {"code": "dibao", "active": False, "min_age": None, "waive_materials": False},
        {"code": "disabled", "active": False, "min_age": None, "waive_materials": False},
        {"code": "living_alone", "active": False, "min_age": None, "waive_materials": False},
    ]


@pytest.mark.parametrize("rule", DEFAULT_WAIVER_RULES, ids=lambda r: r.code)
def test_a_waiver_rule_survives_a_round_trip_through_json(rule: WaiverRule) -> None:
    assert WaiverRule.from_dict(json.loads(json.dumps(rule.to_dict()))) == rule


def test_an_age_rule_without_a_minimum_age_means_80() -> None:
    assert WaiverRule.from_dict({"code": "age_80", "active": True}).min_age == 80


@pytest.mark.parametrize(
    "data",
    [
        {"code": "age_70", "active": True},
        {"code": "dibao", "active": "yes"},
        {"code": "age_80", "active": True, "min_age": -1},
        {"code": "age_80", "active": True, "waive_materials": 1},
    ],
)
def test_a_waiver_rule_that_makes_no_sense_is_refused(data: dict) -> None:
    with pytest.raises(ValueError):
        WaiverRule.from_dict(data)


@pytest.mark.parametrize(("labour", "materials"), [(-1, 0), (0, -1), (1.5, 0), (True, 0)])
def test_a_negative_or_fractional_amount_is_refused(labour: int, materials: int) -> None:
    with pytest.raises(ValueError):
        quote_for(labour, materials, verified(None), DEFAULT_WAIVER_RULES, date(2024, 6, 1))


def test_a_quote_is_kept_as_plain_json() -> None:
    quote = quote_for(
        LABOUR, MATERIALS, unverified(date(1940, 1, 1)), DEFAULT_WAIVER_RULES, date(2024, 6, 1)
    )
    assert json.loads(json.dumps(quote.to_dict())) == {
        "labour_fee_fen": LABOUR,
        "waived_fen": 0,
        "materials_fen": MATERIALS,
        "amount_due_fen": LABOUR + MATERIALS,
        "waiver_rule": None,
        "waiver_pending_verification": True,
    }


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (100, "¥1.00"),
        (1250, "¥12.50"),
        (123456, "¥1234.56"),
        (-50, "-¥0.50"),
        (None, ""),
    ],
)
def test_money_is_shown_in_yuan_with_two_decimals(fen: int | None, shown: str) -> None:
    assert money(fen) == shown


waiver_rules = st.tuples(
    st.builds(
        WaiverRule,
        code=st.just("age_80"),
        active=st.booleans(),
        min_age=st.integers(60, 100),
        waive_materials=st.booleans(),
    ),
    *[
        st.builds(
            WaiverRule, code=st.just(code), active=st.booleans(), waive_materials=st.booleans()
        )
        for code in ("dibao", "disabled", "living_alone")
    ],
).flatmap(lambda made: st.permutations(list(made)))

beneficiaries = st.builds(
    Beneficiary,
    birth_date=st.none() | st.dates(date(1900, 1, 1), date(2030, 12, 31)),
    age_verified=st.booleans(),
    flags=st.frozensets(st.sampled_from(["dibao", "disabled", "living_alone"])),
)


@settings(database=None, max_examples=300)
@given(
    labour=st.integers(0, 10**7),
    materials=st.integers(0, 10**7),
    beneficiary=beneficiaries,
    rule_set=waiver_rules,
    service_date=st.dates(date(2000, 1, 1), date(2030, 12, 31)),
)
def test_a_quote_is_never_negative_and_never_waives_without_verification_or_a_flag(
    labour: int,
    materials: int,
    beneficiary: Beneficiary,
    rule_set: list[WaiverRule],
    service_date: date,
) -> None:
    quote = quote_for(labour, materials, beneficiary, rule_set, service_date)
    assert isinstance(quote, Quote)
    assert quote.amount_due_fen >= 0
    assert 0 <= quote.waived_fen <= labour + materials
    assert quote.amount_due_fen == labour - quote.waived_fen + materials
    if quote.waived_fen:
        assert quote.waiver_rule is not None
    if quote.waiver_rule == "age_80":
        assert beneficiary.age_verified
        assert beneficiary.birth_date is not None
        assert age_on(beneficiary.birth_date, service_date) >= 60
        assert quote.waived_fen >= labour
    elif quote.waiver_rule is not None:
        assert quote.waiver_rule in beneficiary.flags
        assert quote.waived_fen >= labour
    if quote.waiver_pending_verification:
        assert not beneficiary.age_verified
        assert (quote.waiver_rule, quote.waived_fen) == (None, 0)
