"""Account use cases: register, sign in, families, staff acts on residents, password resets."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..database import utcnow
from ..errors import Conflict, Forbidden, Unauthenticated, ValidationFailed
from ..extensions import db
from ..places.models import Building, Community, Grid
from . import access, invitations, rules, security, totp
from .events import resident_deactivated, resident_fee_facts_changed
from .models import ResetCode, Resident, ResidentManager, Role, User, UserRole


def user_by_phone(phone: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.phone == phone)).scalar_one_or_none()


def _building(building_id: int, community_id: int | None = None) -> Building:
    building = db.session.get(Building, building_id)
    if building is None or (community_id is not None and building.community_id != community_id):
        raise ValidationFailed(fields={"building_id": [_("No such building in this community.")]})
    return building


def _address(data: dict, community_id: int | None, required: bool) -> tuple | None:
    """(building, unit, room) when the data names an address; all three or none."""
    given = [data.get(k) not in (None, "") for k in ("building_id", "unit", "room")]
    if not any(given):
        if required:
            raise ValidationFailed(
                fields={"building_id": [_("An address is required.")]},
            )
        return None
    missing = {
        key: [_("Give the building, unit and room together.")]
        for key, present in zip(("building_id", "unit", "room"), given, strict=True)
        if not present
    }
    if missing:
        raise ValidationFailed(fields=missing)
    return _building(data["building_id"], community_id), data["unit"], data["room"]


def _check_birth_date(birth_date: date | None) -> None:
    if birth_date is not None and not rules.plausible_birth_date(birth_date, date.today()):
        raise ValidationFailed(fields={"birth_date": [_("Enter a real date of birth.")]})


def _phone_taken() -> Conflict:
    """The clear answer residents need; it counts toward limits.registrations_of_taken_numbers
    (5 an hour per address), so it cannot be used to sweep numbers."""
    if has_request_context():
        g.phone_taken = True
    return Conflict(_("This phone number is already registered."))


def register(data: dict) -> User:
    """A person signs up; with an address she also becomes a resident record there."""
    _check_birth_date(data.get("birth_date"))
    address = _address(data, None, required=False)
    if address:
        community_id = address[0].community_id
    else:
        community_id = data.get("community_id")
        if community_id is None or db.session.get(Community, community_id) is None:
            raise ValidationFailed(
                fields={"community_id": [_("Choose your community, or give your address.")]}
            )
    if user_by_phone(data["phone"]) is not None:
        raise _phone_taken()
    user = User(
        community_id=community_id,
        phone=data["phone"],
        name=data["name"],
        password_hash=security.hash_password(data["password"]),
        roles=[UserRole(role=Role.resident)],
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise _phone_taken() from exc
    if address:
        building, unit, room = address
        db.session.add(
            Resident(
                community_id=community_id,
                user_id=user.id,
                name=user.name,
                phone=user.phone,
                birth_date=data.get("birth_date"),
                building_id=building.id,
                unit=unit,
                room=room,
            )
        )
    invitations.tell_new_account(user)  # invitations that waited for this number
    return user


def authenticate(phone: str, password: str, otp: str | None = None) -> User:
    """The right password, and for an account with two-step sign-in on, a fresh code."""
    user = user_by_phone(phone)
    if not security.check_password(user, password) or not user.active:
        raise Unauthenticated(_("Wrong phone number or password."))
    totp.check_second_factor(user, otp)
    return user


def own_resident(user: User) -> Resident | None:
    return db.session.execute(
        sa.select(Resident).where(Resident.user_id == user.id)
    ).scalar_one_or_none()


def household(user: User) -> list[Resident]:
    """The people this account manages (not herself)."""
    return db.session.scalars(
        sa.select(Resident)
        .join(ResidentManager, ResidentManager.resident_id == Resident.id)
        .where(ResidentManager.user_id == user.id)
        .order_by(Resident.id)
    ).all()


def people_to_book_for(user: User, chosen_id: int | None = None) -> list[Resident]:
    """Whom this person can book for: herself (with an address here) and those she manages;
    for a grid worker or the office also the resident chosen, if access.may_book_for allows.
    Closed records are left out, as create_booking() refuses them."""
    own = own_resident(user)
    people = [own] if own is not None and own.active else []
    people += [r for r in household(user) if r.active]
    if user.is_staff and chosen_id is not None and all(p.id != chosen_id for p in people):
        resident = db.session.get(Resident, chosen_id)
        if resident is not None and resident.active and access.may_book_for(user, resident):
            people.append(resident)
    return people


def add_household_member(user: User, data: dict) -> Resident:
    """A family member without an account, at the caller's address unless another is given."""
    _check_birth_date(data.get("birth_date"))
    own = own_resident(user)
    address = _address(data, user.community_id, required=own is None)
    building_id, unit, room = (
        (address[0].id, address[1], address[2])
        if address
        else (own.building_id, own.unit, own.room)
    )
    resident = Resident(
        community_id=user.community_id,
        name=data["name"],
        birth_date=data.get("birth_date"),
        building_id=building_id,
        unit=unit,
        room=room,
    )
    db.session.add(resident)
    db.session.flush()
    db.session.add(
        ResidentManager(resident_id=resident.id, user_id=user.id, relation=data.get("relation", ""))
    )
    return resident


def create_resident(staff: User, data: dict) -> Resident:
    """Staff add a resident who has no phone or account."""
    _check_birth_date(data.get("birth_date"))
    building, unit, room = _address(data, staff.community_id, required=True)
    if not access.is_staff_for(staff, building.community_id, building.grid_id):
        raise Forbidden(_("This building is not in your grids."))
    resident = Resident(
        community_id=staff.community_id,
        name=data["name"],
        phone=data.get("phone"),
        birth_date=data.get("birth_date"),
        building_id=building.id,
        unit=unit,
        room=room,
    )
    db.session.add(resident)
    db.session.flush()
    audit.record_by(staff, "resident.create", "resident", resident.id)
    return resident


def set_own_address(user: User, data: dict) -> Resident:
    """PUT /me/address: a person who registered without an address gets her resident record
    there; one who has a record moves it (past bookings keep the grid they had)."""
    resident = own_resident(user)
    if resident is not None:
        return update_resident(user, resident, data)
    building, unit, room = _address(data, user.community_id, required=True)
    resident = Resident(
        community_id=user.community_id,
        user_id=user.id,
        name=user.name,
        phone=user.phone,
        building_id=building.id,
        unit=unit,
        room=room,
    )
    db.session.add(resident)
    db.session.flush()
    return resident


def _refuse_on_closed_record(actor: User, resident: Resident) -> None:
    """A closed record (moved away, passed away) is kept as it was closed: only reopening it
    changes it. Who may not act on her at all is told so first (403), not that it is closed."""
    if not (
        access.is_self_or_manager(actor, resident)
        or access.is_staff_for(actor, resident.community_id, resident.grid_id)
    ):
        raise Forbidden()
    if not resident.active:
        raise Conflict(_l("This record is closed. Reopen it first to change it."))


def update_resident(actor: User, resident: Resident, data: dict) -> Resident:
    """Name and address by the person or her managers; flags and active by her grid's staff."""
    personal = {k: data[k] for k in ("name", "building_id", "unit", "room") if k in data}
    staff_only = {k: data[k] for k in ("flags", "active", "inactive_reason") if k in data}
    if not resident.active and data.get("active") is not True:
        _refuse_on_closed_record(actor, resident)
    if personal:
        if not (
            access.is_self_or_manager(actor, resident)
            or access.is_staff_for(actor, resident.community_id, resident.grid_id)
        ):
            raise Forbidden()
        if "name" in personal:
            resident.name = personal["name"]
        if {"building_id", "unit", "room"} & personal.keys():
            merged = {
                "building_id": personal.get("building_id", resident.building_id),
                "unit": personal.get("unit", resident.unit),
                "room": personal.get("room", resident.room),
            }
            building, resident.unit, resident.room = _address(
                merged, resident.community_id, required=True
            )
            resident.building_id = building.id
            resident.building = building
    if staff_only:
        access.require_staff_for(actor, resident)
        if "flags" in staff_only:
            chosen = set(staff_only["flags"])
            flags_before = set(resident.flags)
            for name in Resident.FLAG_CODES:
                setattr(resident, name, name in chosen)
        closing = staff_only.get("active") is False and resident.active
        was_active, reason_before = resident.active, resident.inactive_reason
        if "active" in staff_only:
            resident.active = staff_only["active"]
            resident.inactive_reason = (
                None if resident.active else staff_only.get("inactive_reason") or "other"
            )
        elif "inactive_reason" in staff_only and not resident.active:
            resident.inactive_reason = staff_only["inactive_reason"]
        if "flags" in staff_only:
            audit.record(
                "resident.flags",
                community_id=resident.community_id,
                actor_id=actor.id,
                subject_type="resident",
                subject_id=resident.id,
                changed=["flags"],  # that they changed, never her flags themselves
            )
        if (was_active, reason_before) != (resident.active, resident.inactive_reason):
            # Closing (or reopening) her record is its own act in the log, with its reason.
            audit.record(
                "resident.reopen" if resident.active else "resident.close",
                community_id=resident.community_id,
                actor_id=actor.id,
                subject_type="resident",
                subject_id=resident.id,
                reason=resident.inactive_reason or "",
            )
        if "flags" in staff_only and set(resident.flags) != flags_before:
            resident_fee_facts_changed.send(resident, actor=actor)
        if closing:
            db.session.flush()
            resident_deactivated.send(resident, actor=actor, reason=resident.inactive_reason)
    db.session.flush()
    return resident


def verify_age(staff: User, resident: Resident, birth_date: date) -> Resident:
    """Staff have checked the ID: the birth date is now trusted for waivers."""
    access.require_staff_for(staff, resident)
    _refuse_on_closed_record(staff, resident)
    _check_birth_date(birth_date)
    resident.birth_date = birth_date
    resident.age_verified = True
    resident.age_verified_by_id = staff.id
    resident.age_verified_at = utcnow()
    audit.record(
        "resident.verify_age",
        community_id=resident.community_id,
        actor_id=staff.id,
        subject_type="resident",
        subject_id=resident.id,
    )  # what happened, never the personal value (the date is on her record, erasable)
    resident_fee_facts_changed.send(resident, actor=staff)
    return resident


def issue_reset_code(staff: User, resident: Resident) -> tuple[str, ResetCode]:
    """Staff who checked who it is hand over a one-time code; earlier unused codes stop working."""
    access.require_staff_for(staff, resident)
    if resident.user_id is None:
        raise Conflict(_("This resident has no account to reset."))
    db.session.execute(
        sa.update(ResetCode)
        .where(ResetCode.user_id == resident.user_id, ResetCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    code = "".join(secrets.choice("0123456789") for _ in range(rules.RESET_CODE_DIGITS))
    row = ResetCode(
        user_id=resident.user_id,
        code_hash=security.token_digest(code),
        issued_by_id=staff.id,
        expires_at=utcnow() + timedelta(hours=rules.RESET_CODE_HOURS),
    )
    db.session.add(row)
    audit.record(
        "account.reset_code",
        community_id=resident.community_id,
        actor_id=staff.id,
        subject_type="user",
        subject_id=resident.user_id,
    )
    db.session.flush()
    return code, row


def reset_password(phone: str, code: str, new_password: str) -> User:
    """Use a reset code once; every session and token of the account ends."""
    refused = Unauthenticated(_("This code is wrong, used or expired."))
    if has_request_context():  # every refusal below counts as a wrong code (limits.py)
        g.reset_code_refused = True
    user = user_by_phone(phone)
    if user is None:
        raise refused
    row = db.session.execute(
        sa.select(ResetCode)
        .where(
            ResetCode.user_id == user.id,
            ResetCode.used_at.is_(None),
            ResetCode.expires_at > utcnow(),
        )
        .order_by(ResetCode.id.desc())
        .limit(1)
        .with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise refused
    if not security.digests_equal(row.code_hash, security.token_digest(code)):
        # The code stays good: wrong guesses are limited per phone and address (limits.py), so
        # a stranger who knows her number cannot burn the code her grid worker just gave her.
        row.failed_attempts += 1
        db.session.commit()  # kept for the record even though the request fails
        raise refused
    claimed = db.session.execute(
        sa.update(ResetCode)
        .where(ResetCode.id == row.id, ResetCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise refused
    if has_request_context():
        g.reset_code_refused = False
    user.password_hash = security.hash_password(new_password)
    security.end_all_auth_sessions(user.id)
    audit.record_by(user, "account.reset", "user", user.id)
    return user


def change_password(user: User, current: str, new: str, keep_token: str | None) -> int:
    """A new password; every other session and token of the account ends, this one stays.
    Returns how many ended."""
    if not security.check_password(user, current):
        raise ValidationFailed(
            fields={"current_password": [_("This is not your current password.")]}
        )
    if current == new:
        raise ValidationFailed(
            fields={"new_password": [_("Choose a password different from the current one.")]}
        )
    user.password_hash = security.hash_password(new)
    ended = security.end_other_auth_sessions(user.id, keep_token)
    audit.record_by(user, "account.password_change", "user", user.id, sessions_ended=ended)
    return ended


def create_user(
    *, phone: str, name: str, password: str, role: Role, community_id: int, grid_ids=()
) -> User:
    """Make a staff account from the command line. Residents sign up themselves (their age and
    consent are their own); volunteers and helpers are residents given a part."""
    if role not in (Role.office, Role.grid_worker):
        raise ValidationFailed(
            fields={"role": [_("Only office and grid worker accounts are made here.")]}
        )
    if user_by_phone(phone) is not None:
        raise Conflict(_("This phone number is already registered."))
    grids = []
    for grid_id in grid_ids:
        grid = db.session.get(Grid, grid_id)
        if grid is None or grid.community_id != community_id:
            raise ValidationFailed(fields={"grids": [_("No such grid in this community.")]})
        grids.append(grid)
    user = User(
        community_id=community_id,
        phone=phone,
        name=name,
        password_hash=security.hash_password(password),
        roles=[UserRole(role=role)],
        staff_grids=grids,
    )
    db.session.add(user)
    db.session.flush()
    return user


# --- one's own data -----------------------------------------------------------------------------
# Everything held about a person is in every part, and they sit above this one: privacy.py's
# export() and erase() are given here at start-up (create_app), for the account's pages and API.
# So is earned_roles (the catalogue's): the roles a person earns in a part above, not given as a
# UserRole ("volunteer" once his record is approved).


def init_app(app, *, export, erase, earned_roles) -> None:
    app.extensions["accounts_own_data"] = {
        "export": export,
        "erase": erase,
        "earned_roles": earned_roles,
    }


def roles_of(user: User) -> list[str]:
    """The account's roles as API.md shows them: those given, and those earned above."""
    roles = {r.role.value for r in user.roles}
    roles |= current_app.extensions["accounts_own_data"]["earned_roles"](user)
    return sorted(roles)


def export_own_data(user: User) -> dict:
    """Everything held about the person (privacy.export)."""
    return current_app.extensions["accounts_own_data"]["export"](user)


def erase_own_data(user: User, password: str) -> None:
    """Delete the account, with its password again (privacy.erase)."""
    current_app.extensions["accounts_own_data"]["erase"](user, password)
