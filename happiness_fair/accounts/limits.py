"""Rate limits on the doors a guesser knocks at: signing in, registering, resetting a password.

Failed sign-ins count per address AND per phone-and-address pair, never per phone alone: a limit
keyed on the phone would let a stranger lock a grandmother out of her account by typing her number
with wrong passwords. Only failures count (a right password, or a wrong one-time code after it, is
answered 401 too and counts). The counters live in Redis when REDIS_URL is set, so every process
of a deployment shares them; in memory otherwise.
"""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address

DEFAULTS = {
    # Per address: a community centre behind one address may have several people typing.
    "RATELIMIT_LOGIN_PER_ADDRESS": "10/minute;50/hour",
    # Per account from one address: a guesser at one account gets fewer tries than the address.
    "RATELIMIT_LOGIN_PER_PHONE_AND_ADDRESS": "10/minute;20/hour",
    "RATELIMIT_REGISTER_PER_ADDRESS": "20/hour",
    "RATELIMIT_RESET_PER_ADDRESS": "10/hour",
    "RATELIMIT_PASSWORD_CHANGE_PER_ADDRESS": "10/hour",
}


def _setting(name: str):
    """The limit, read per request from the settings (a deployment may tighten it)."""
    return lambda: current_app.config.get(name) or DEFAULTS[name]


LOGIN_PER_ADDRESS = _setting("RATELIMIT_LOGIN_PER_ADDRESS")
LOGIN_PER_PHONE_AND_ADDRESS = _setting("RATELIMIT_LOGIN_PER_PHONE_AND_ADDRESS")
REGISTER_PER_ADDRESS = _setting("RATELIMIT_REGISTER_PER_ADDRESS")
RESET_PER_ADDRESS = _setting("RATELIMIT_RESET_PER_ADDRESS")
PASSWORD_CHANGE_PER_ADDRESS = _setting("RATELIMIT_PASSWORD_CHANGE_PER_ADDRESS")


def failed(response) -> bool:
    """Only refusals count against a sign-in limit (wrong password, missing or wrong code)."""
    return response.status_code == 401


def _posted_phone() -> str:
    if request.is_json or request.path.startswith("/api/"):
        body = request.get_json(silent=True)
        phone = body.get("phone") if isinstance(body, dict) else None
    else:
        phone = request.form.get("phone")
    return phone.strip()[:20] if isinstance(phone, str) else ""


def phone_and_address() -> str:
    """The key of one account tried from one address."""
    return f"{get_remote_address()}|{_posted_phone()}"
