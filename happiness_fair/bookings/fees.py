"""Quotes and the free-service rule (80周岁以上免费, and the waivers the office can switch on).

Pure rules: the booking keeps a snapshot of the waiver rules in force when it was made, and the
same snapshot is applied again at completion, so a later rule change never rewrites a booking.
Money is counted in fen (integers) throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

AGE_80 = "age_80"
DIBAO = "dibao"  # 低保, household on subsistence allowance
DISABLED = "disabled"  # 残疾人
LIVING_ALONE = "living_alone"  # 独居老人

# The order rules are tried in; a rule's place in the office's list does not matter.
WAIVER_CODES: tuple[str, ...] = (AGE_80, DIBAO, DISABLED, LIVING_ALONE)
DEFAULT_MIN_AGE = 80


def age_on(birth_date: date, on: date) -> int:
    """Whole years on that date (周岁). Someone born 29 Feb has a birthday on 1 Mar in a common
    year, because 28 Feb still comes before their birthday."""
    if on < birth_date:
        raise ValueError(f"{on} is before the birth date {birth_date}")
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - before_birthday


@dataclass(frozen=True)
class WaiverRule:
    """One community's rule, as data, so the office can switch it on and off without a release."""

    code: str
    active: bool
    min_age: int | None = None  # only for age_80; None there means 80
    waive_materials: bool = False

    def __post_init__(self) -> None:
        if self.code not in WAIVER_CODES:
            raise ValueError(f"unknown waiver rule {self.code!r}")
        if not isinstance(self.active, bool) or not isinstance(self.waive_materials, bool):
            raise ValueError("active and waive_materials must be true or false")
        if self.code == AGE_80 and self.min_age is None:
            object.__setattr__(self, "min_age", DEFAULT_MIN_AGE)
        if self.min_age is not None and (
            isinstance(self.min_age, bool) or not isinstance(self.min_age, int) or self.min_age < 0
        ):
            raise ValueError(f"min_age must be a whole number of years, not {self.min_age!r}")

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept on the booking."""
        return {
            "code": self.code,
            "active": self.active,
            "min_age": self.min_age,
            "waive_materials": self.waive_materials,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WaiverRule:
        """Read a kept snapshot back; refuses anything it does not understand."""
        return cls(
            code=data["code"],
            active=data["active"],
            min_age=data.get("min_age"),
            waive_materials=data.get("waive_materials", False),
        )


DEFAULT_WAIVER_RULES: tuple[WaiverRule, ...] = (
    WaiverRule(AGE_80, active=True, min_age=DEFAULT_MIN_AGE, waive_materials=False),
    WaiverRule(DIBAO, active=False),
    WaiverRule(DISABLED, active=False),
    WaiverRule(LIVING_ALONE, active=False),
)


def rules_to_snapshot(rules: Sequence[WaiverRule]) -> list[dict[str, Any]]:
    """The rules in force, as the JSON list a booking keeps."""
    return [rule.to_dict() for rule in rules]


def rules_from_snapshot(snapshot: Sequence[Mapping[str, Any]]) -> tuple[WaiverRule, ...]:
    """The rules a booking kept, ready for quote_for."""
    return tuple(WaiverRule.from_dict(item) for item in snapshot)


@dataclass(frozen=True)
class Beneficiary:
    """What the fee rules need to know about the person served, and nothing more."""

    birth_date: date | None
    age_verified: bool  # a grid worker or the office checked the ID (audited elsewhere)
    flags: frozenset[str] = frozenset()  # only staff set these, so they count as verified


@dataclass(frozen=True)
class Quote:
    """What the beneficiary owes and why; kept on the booking and shown to the booker."""

    labour_fee_fen: int
    waived_fen: int
    materials_fen: int
    amount_due_fen: int
    waiver_rule: str | None
    waiver_pending_verification: bool  # "free once your age is verified"

    def to_dict(self) -> dict[str, Any]:
        return {
            "labour_fee_fen": self.labour_fee_fen,
            "waived_fen": self.waived_fen,
            "materials_fen": self.materials_fen,
            "amount_due_fen": self.amount_due_fen,
            "waiver_rule": self.waiver_rule,
            "waiver_pending_verification": self.waiver_pending_verification,
        }


def _age_qualifies(rule: WaiverRule, beneficiary: Beneficiary, service_date: date) -> bool:
    """Old enough on the service date, verified or not; a birth date after it qualifies nobody."""
    born = beneficiary.birth_date
    if born is None or born > service_date:
        return False
    min_age = DEFAULT_MIN_AGE if rule.min_age is None else rule.min_age
    return age_on(born, service_date) >= min_age


def _applies(rule: WaiverRule, beneficiary: Beneficiary, service_date: date) -> bool:
    if not rule.active:
        return False
    if rule.code == AGE_80:
        return beneficiary.age_verified and _age_qualifies(rule, beneficiary, service_date)
    return rule.code in beneficiary.flags


def _check_fen(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number of fen, not {value!r}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative: {value}")


def quote_for(
    labour_fee_fen: int,
    materials_fen: int,
    beneficiary: Beneficiary,
    rules: Sequence[WaiverRule],
    service_date: date,
) -> Quote:
    """Owed = labour fee − waiver + materials at cost.

    Rules are tried in the order age_80, dibao, disabled, living_alone; when several apply, the
    first that also waives materials wins, else the first. An age that would qualify but is not
    yet verified waives nothing and sets waiver_pending_verification, unless another rule applies.
    waiver_rule names the applying rule even when there was nothing to waive (a free listing).
    """
    _check_fen("labour_fee_fen", labour_fee_fen)
    _check_fen("materials_fen", materials_fen)
    in_order = sorted(rules, key=lambda rule: WAIVER_CODES.index(rule.code))
    applying = [rule for rule in in_order if _applies(rule, beneficiary, service_date)]
    if applying:
        rule = next((r for r in applying if r.waive_materials), applying[0])
        waived = labour_fee_fen + (materials_fen if rule.waive_materials else 0)
        return Quote(
            labour_fee_fen=labour_fee_fen,
            waived_fen=waived,
            materials_fen=materials_fen,
            amount_due_fen=labour_fee_fen + materials_fen - waived,
            waiver_rule=rule.code,
            waiver_pending_verification=False,
        )
    pending = not beneficiary.age_verified and any(
        rule.active and rule.code == AGE_80 and _age_qualifies(rule, beneficiary, service_date)
        for rule in in_order
    )
    return Quote(
        labour_fee_fen=labour_fee_fen,
        waived_fen=0,
        materials_fen=materials_fen,
        amount_due_fen=labour_fee_fen + materials_fen,
        waiver_rule=None,
        waiver_pending_verification=pending,
    )
