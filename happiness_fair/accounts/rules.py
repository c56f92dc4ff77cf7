"""Account rules that need no database: what a phone number and a password must be."""

from __future__ import annotations

from datetime import date

from ..validation import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, PHONE_RE  # noqa: F401

RESET_CODE_DIGITS = 8
RESET_CODE_HOURS = 24
EARLIEST_BIRTH_DATE = date(1900, 1, 1)


def is_mainland_mobile(phone: str) -> bool:
    """Mainland mobile numbers: 11 digits starting with 1 (then 3–9)."""
    return bool(PHONE_RE.match(phone))


def mask_phone(phone: str | None) -> str | None:
    """138****1234, for lists where the full number is not needed."""
    if not phone:
        return phone
    if len(phone) < 8:
        return "****"
    return f"{phone[:3]}****{phone[-4:]}"


def phone_for_list(phone: str | None, viewer_phone: str | None) -> str | None:
    """The one rule for phone numbers in lists: one's own in full, anyone else's masked (the
    detail page, for those who may see it, has the full number)."""
    if phone and viewer_phone and phone == viewer_phone:
        return phone
    return mask_phone(phone)


def plausible_birth_date(birth_date: date, today: date) -> bool:
    return EARLIEST_BIRTH_DATE <= birth_date <= today
