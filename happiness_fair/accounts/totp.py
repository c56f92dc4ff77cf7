"""Two-step sign-in for staff: a code from an authenticator app (TOTP, RFC 6238), or one of ten
one-time recovery codes for a lost phone.

Enrolment keeps the new secret on the account but off until a first code from the app proves the
phone has it. A code works once: the newest time step used is kept, and an older or equal one is
refused, so a code read over a shoulder cannot be replayed within its 30 seconds. Recovery codes are
kept only as SHA-256 hashes and are spent by a conditional UPDATE, so two requests cannot both use
one. Turning two-step sign-in on or off is audited. A staff member who lost the phone is reset by
another office account of the community (`reset_by_office`), audited as account.totp_reset.
"""

from __future__ import annotations

import io
import logging
import secrets
from datetime import UTC, datetime

import pyotp
import segno
import sqlalchemy as sa
from flask_babel import gettext as _

from .. import audit, crypto
from ..database import utcnow
from ..errors import Conflict, Forbidden, NotFound, OtpRequired, ValidationFailed
from ..extensions import db
from . import security
from .models import RecoveryCode, Role, User, UserRole

log = logging.getLogger(__name__)

ISSUER = "幸福事集"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
VALID_WINDOW = 1  # one step (30 s) either side, for a phone clock a little off


def secret_of(user: User) -> str | None:
    """The authenticator's secret in plain text: it is kept encrypted (crypto.py); a value from
    before encryption is read as it is until `flask rotate-keys` encrypts it."""
    if not user.totp_secret:
        return None
    if not crypto.is_encrypted(user.totp_secret):
        return user.totp_secret
    try:
        return crypto.decrypt(user.totp_secret, crypto.TOTP)
    except crypto.InvalidToken:
        # SECRET_KEY changed without the old one in SECRET_KEY_FALLBACKS: no code matches;
        # a recovery code still signs in, and the secret can be set up again.
        log.error("a two-step sign-in secret cannot be decrypted with the configured keys")
        return None


def _totp(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(secret_of(user))


def provisioning_uri(user: User) -> str:
    return _totp(user).provisioning_uri(name=user.phone or str(user.id), issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> str:
    """The otpauth URI as an SVG QR code, drawn on the server (no script, no inline style)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=5, border=3, light="#fff", title=title
    )
    return out.getvalue().decode()


def begin(user: User) -> str:
    """Start (or restart) enrolment: a fresh secret, not yet in force. Returns the secret."""
    if not user.is_staff:
        raise Forbidden(_("Two-step sign-in is for staff accounts."))
    if user.totp_enabled:
        raise Conflict(_("Two-step sign-in is already on."))
    secret = pyotp.random_base32()
    user.totp_secret = crypto.encrypt(secret, crypto.TOTP)
    user.totp_last_step = None
    return secret


def _matching_step(user: User, code: str, now: datetime | None = None) -> int | None:
    code = "".join(code.split())
    secret = secret_of(user)
    if not (code.isascii() and code.isdigit() and len(code) == 6) or not secret:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or datetime.now(UTC))
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if security.digests_equal(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record the step as used; False when it (or a later one) was used already."""
    claimed = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:
        user.totp_last_step = step
        return True
    return False


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _j in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(raw)))
    return codes


def _recovery_digest(code: str) -> str:
    return security.token_digest("".join(ch for ch in code.lower() if ch.isalnum()))


def confirm(user: User, code: str) -> list[str]:
    """The first code from the app turns two-step sign-in on; returns the recovery codes, shown
    once."""
    if not user.is_staff:
        raise Forbidden(_("Two-step sign-in is for staff accounts."))
    if user.totp_enabled:
        raise Conflict(_("Two-step sign-in is already on."))
    if not user.totp_secret:
        raise Conflict(_("Start setting up two-step sign-in first."))
    step = _matching_step(user, code)
    if step is None or not _claim_step(user, step):
        raise ValidationFailed(fields={"otp": [_("This code is wrong or has expired.")]})
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    audit.record_by(user, "account.totp_on", "user", user.id)
    return codes


def disable(user: User, password: str) -> None:
    """Turn two-step sign-in off, after the password is given again. Audited."""
    if not security.check_password(user, password):
        raise ValidationFailed(fields={"password": [_("This is not your current password.")]})
    if not user.totp_enabled and not user.totp_secret:
        return
    was_on = user.totp_enabled
    clear(user)
    if was_on:
        audit.record_by(user, "account.totp_off", "user", user.id)


def clear(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def recovery_codes_left(user: User) -> int:
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def _spend_recovery_code(user: User, code: str) -> bool:
    spent = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _recovery_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        return False
    audit.record_by(user, "account.recovery_code_used", "user", user.id)
    return True


def check_second_factor(user: User, code: str | None) -> None:
    """At sign-in, after the right password: an account with two-step sign-in on needs a fresh
    code from the app or an unused recovery code; otherwise 401 otp_required."""
    if not user.totp_enabled:
        return
    if not code or not code.strip():
        raise OtpRequired()
    step = _matching_step(user, code)
    if step is not None:
        if _claim_step(user, step):
            return
    elif len("".join(ch for ch in code if ch.isalnum())) == 10 and _spend_recovery_code(user, code):
        return
    raise OtpRequired(_("The one-time code is wrong or was already used."))


def community_staff(office: User) -> list[User]:
    """The staff accounts (office and grid workers) of the office's community, by name, with
    whether each has two-step sign-in on: who still needs it, and whom to reset."""
    if not office.is_office:
        raise Forbidden(_("Only the office may see its staff accounts."))
    staff = db.session.execute(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.community_id == office.community_id,
            User.deleted_at.is_(None),
            UserRole.role.in_((Role.office, Role.grid_worker)),
        )
        .order_by(User.name, User.id)
        .distinct()
    )
    return list(staff.scalars())


def colleague(office: User, user_id: int) -> User:
    """A staff account of the office's own community; 403 for anyone but the office, 404 for an
    account that is not such a colleague (another community's is never shown to exist)."""
    if not office.is_office:
        raise Forbidden(_("Only the office may turn off a colleague's two-step sign-in."))
    user = db.session.get(User, user_id)
    if (
        user is None
        or user.community_id != office.community_id
        or user.deleted_at is not None
        or not user.is_staff
    ):
        raise NotFound()
    return user


def reset_by_office(office: User, user: User) -> bool:
    """A colleague lost the phone: another office account turns two-step sign-in off (the secret
    and the recovery codes go), after checking who it is, in person or by phone. The colleague
    signs in with the password alone and sets it up again on the new phone. Audited, with the
    office account as the actor. Returns whether it was on."""
    if user.id == office.id:
        raise Conflict(
            _("Turn off your own two-step sign-in on your account page, with your password.")
        )
    was_on = user.totp_enabled
    if not was_on and not user.totp_secret:
        return False
    clear(user)
    if was_on:
        audit.record(
            "account.totp_reset",
            community_id=user.community_id,
            actor_id=office.id,
            subject_type="user",
            subject_id=user.id,
        )
    return was_on
