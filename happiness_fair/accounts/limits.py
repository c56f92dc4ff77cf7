"""Rate limits on the doors a guesser knocks at: signing in, registering, resetting a password.

Failed sign-ins count per address AND per phone-and-address pair, never per phone alone: a limit
keyed on the phone would let a stranger lock a grandmother out of her account by typing her number
with wrong passwords. Only failures count (a right password, or a wrong one-time code after it, is
answered 401 too and counts). The counters live in Redis when REDIS_URL is set, so every process
of a deployment shares them; in memory otherwise.
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..extensions import limiter

DEFAULTS = {
    # Per address: a community centre behind one address may have several people typing.
    "RATELIMIT_LOGIN_PER_ADDRESS": "10/minute;50/hour",
    # Per account from one address: a guesser at one account gets fewer tries than the address.
    "RATELIMIT_LOGIN_PER_PHONE_AND_ADDRESS": "10/minute;20/hour",
    "RATELIMIT_REGISTER_PER_ADDRESS": "20/hour",
    "RATELIMIT_RESET_PER_ADDRESS": "10/hour",
    # Wrong reset codes for one phone from one address. A wrong code never kills the right one
    # (a stranger could otherwise burn the code a grid worker just gave her): guesses are limited
    # here and by the address limit above, and the code has 10^8 values and lives 24 hours.
    "RATELIMIT_RESET_WRONG_PER_PHONE_AND_ADDRESS": "5/hour",
    "RATELIMIT_PASSWORD_CHANGE_PER_ADDRESS": "10/hour",
    # Every wrong password (signing in, changing it, turning two-step sign-in off, deleting the
    # account), wherever it was typed, counts toward this one limit per address.
    "RATELIMIT_PASSWORD_CHECKS_PER_ADDRESS": "10/minute;50/hour",
    # "Already registered" tells whether a number has an account: only those answers count.
    "RATELIMIT_REGISTER_TAKEN_PER_ADDRESS": "5/hour",
    "RATELIMIT_PHOTOS_PER_ACCOUNT": "30/hour",
}


def _setting(name: str):
    """The limit, read per request from the settings (a deployment may tighten it)."""
    return lambda: current_app.config.get(name) or DEFAULTS[name]


LOGIN_PER_ADDRESS = _setting("RATELIMIT_LOGIN_PER_ADDRESS")
LOGIN_PER_PHONE_AND_ADDRESS = _setting("RATELIMIT_LOGIN_PER_PHONE_AND_ADDRESS")
REGISTER_PER_ADDRESS = _setting("RATELIMIT_REGISTER_PER_ADDRESS")
RESET_PER_ADDRESS = _setting("RATELIMIT_RESET_PER_ADDRESS")
RESET_WRONG_PER_PHONE_AND_ADDRESS = _setting("RATELIMIT_RESET_WRONG_PER_PHONE_AND_ADDRESS")
PASSWORD_CHANGE_PER_ADDRESS = _setting("RATELIMIT_PASSWORD_CHANGE_PER_ADDRESS")
PASSWORD_CHECKS_PER_ADDRESS = _setting("RATELIMIT_PASSWORD_CHECKS_PER_ADDRESS")
REGISTER_TAKEN_PER_ADDRESS = _setting("RATELIMIT_REGISTER_TAKEN_PER_ADDRESS")
PHOTOS_PER_ACCOUNT = _setting("RATELIMIT_PHOTOS_PER_ACCOUNT")


def failed(response) -> bool:
    """Only refusals count against a sign-in limit (wrong password, missing or wrong code)."""
    return response.status_code == 401


def _posted_phone() -> str:
    if request.is_json or request.path.startswith("/api/"):
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # nested thousands deep: the view answers 400
            body = None
        phone = body.get("phone") if isinstance(body, dict) else None
    else:
        phone = request.form.get("phone")
    return phone.strip()[:20] if isinstance(phone, str) else ""


def phone_and_address() -> str:
    """The key of one account tried from one address."""
    return f"{get_remote_address()}|{_posted_phone()}"


def password_refused(response) -> bool:
    """A password was checked during this request and was wrong (security.check_password)."""
    return bool(g.get("password_refused"))


def reset_code_refused(response) -> bool:
    """A reset code was tried for an account during this request and was wrong."""
    return bool(g.get("reset_code_refused"))


def phone_taken(response) -> bool:
    """Registration was refused because the number already has an account."""
    return bool(g.get("phone_taken"))


def _account() -> str:
    """The key of one signed-in account (photo uploads are counted per account)."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"address:{get_remote_address()}"


def photos_sent() -> int:
    return sum(1 for name in request.files for f in request.files.getlist(name) if f.filename)


# One counter each, shared by every route that carries the decorator (pages and API alike).
password_checks = limiter.shared_limit(
    PASSWORD_CHECKS_PER_ADDRESS,
    scope="password-checks",
    deduct_when=password_refused,
    methods=["POST", "DELETE"],
)
registrations_of_taken_numbers = limiter.shared_limit(
    REGISTER_TAKEN_PER_ADDRESS,
    scope="register-taken",
    deduct_when=phone_taken,
    methods=["POST"],
)
wrong_reset_codes = limiter.shared_limit(
    RESET_WRONG_PER_PHONE_AND_ADDRESS,
    scope="reset-wrong-codes",
    key_func=phone_and_address,
    deduct_when=reset_code_refused,
    methods=["POST"],
)
photo_uploads = limiter.shared_limit(
    PHOTOS_PER_ACCOUNT,
    scope="photo-uploads",
    key_func=_account,
    methods=["POST"],
    cost=lambda: max(1, photos_sent()),
    exempt_when=lambda: photos_sent() == 0,
)


def sign_in(view):
    """The sign-in page and POST /auth/token alike: per address and per phone at that address
    (each route its own counters, counting only refusals), and the shared password checks."""
    view = password_checks(view)
    view = limiter.limit(
        LOGIN_PER_PHONE_AND_ADDRESS,
        key_func=phone_and_address,
        deduct_when=failed,
        methods=["POST"],
    )(view)
    return limiter.limit(LOGIN_PER_ADDRESS, deduct_when=failed, methods=["POST"])(view)
