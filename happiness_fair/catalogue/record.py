"""A volunteer's personal record as order 67 art. 5 asks: gender, date of birth, ID document
number (optional, with his consent), area of residence, contact. Himself and the office only.

The ID number is stored encrypted (happiness_fair/crypto.py: Fernet under SECRET_KEY, rotated by
`rotate-keys`) and shown masked everywhere (3206**********1234).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from .. import crypto
from ..accounts.models import User
from ..database import utcnow
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from .models import Volunteer, VolunteerRecord
from .service import volunteer_of

GENDERS = ("male", "female")


def seal(text: str) -> str:
    """Encrypt an ID number for storage."""
    return crypto.encrypt(text, crypto.ID_NUMBER)


def unseal(token: str) -> str | None:
    """Decrypt a stored ID number; None if no key (current or fallback) opens it."""
    try:
        return crypto.decrypt(token, crypto.ID_NUMBER)
    except crypto.InvalidToken:
        return None


def mask(id_number: str) -> str:
    """3206**********1234: the first four and the last four, never more."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


# GB 11643-1999: the weights of the first 17 digits, and the check character by the sum mod 11.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_birth_date(text: str) -> date | None:
    """The birth date a mainland resident ID (18 characters: 17 digits and a digit or X) carries,
    if its check character and date are right; None otherwise."""
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        return None
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != text[17]:
        return None
    try:
        return date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return None


def _looks_like_resident_id(text: str) -> bool:
    return len(text) == 18 and text[:17].isdigit()


def _valid_id_number(text: str) -> bool:
    """A mainland resident ID whose check character and birth date are right (GB 11643), or
    another document's number: 6 to 20 letters or digits."""
    if _looks_like_resident_id(text):
        return resident_id_birth_date(text) is not None
    return text.isascii() and text.isalnum() and 6 <= len(text) <= 20


def _own(user: User) -> Volunteer:
    volunteer = volunteer_of(user)
    if volunteer is None:
        raise Forbidden(_l("Only volunteers have a volunteer record."))
    return volunteer


def record_of(volunteer: Volunteer) -> VolunteerRecord | None:
    return db.session.get(VolunteerRecord, volunteer.id)


def view(volunteer: Volunteer) -> dict:
    """The record as shown to him and the office: the ID number masked."""
    row = record_of(volunteer)
    return {
        "gender": row.gender if row else None,
        "birth_date": row.birth_date if row else None,
        "id_number": row.id_number_masked if row and row.id_number_masked else None,
        "area": row.area if row else "",
        "contact": row.contact if row else "",
    }


def own_record(user: User) -> dict:
    return view(_own(user))


def record_for_office(user: User, volunteer_id: int) -> dict:
    volunteer = db.session.get(Volunteer, volunteer_id) if 0 < volunteer_id < 2**31 else None
    if volunteer is None or volunteer.community_id != user.community_id:
        raise NotFound()
    if not user.is_office:
        raise Forbidden(_l("Only the community office sees a volunteer's record."))
    return view(volunteer)


def update_own(user: User, data: dict) -> dict:
    """He fills in or changes his record; an empty ID number removes it (consent withdrawn)."""
    volunteer = _own(user)
    row = record_of(volunteer)
    if row is None:
        row = VolunteerRecord(volunteer_id=volunteer.id)
        db.session.add(row)
    for key in ("gender", "birth_date", "area", "contact"):
        if key in data:
            setattr(row, key, data[key] if data[key] is not None else None)
    if "id_number" in data:
        text = (data["id_number"] or "").strip().upper()
        if not text:
            row.id_number_sealed, row.id_number_masked = None, None
        elif not _valid_id_number(text):
            raise ValidationFailed(fields={"id_number": [_l("Enter the number on your ID card.")]})
        elif (
            _looks_like_resident_id(text)
            and row.birth_date is not None
            and resident_id_birth_date(text) != row.birth_date
        ):
            raise ValidationFailed(
                fields={"id_number": [_l("This ID number is for another date of birth.")]}
            )
        else:
            row.id_number_sealed, row.id_number_masked = seal(text), mask(text)
    row.updated_at = utcnow()
    db.session.flush()
    return view(volunteer)


def full_id_number(volunteer: Volunteer) -> str | None:
    """The whole number, for a certificate print or his own data export only."""
    row = record_of(volunteer)
    return unseal(row.id_number_sealed) if row and row.id_number_sealed else None
