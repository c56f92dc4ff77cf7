"""Passwords, tokens and signed-in sessions.

Passwords are hashed with argon2id. Web sessions and API tokens are both rows in auth_sessions
holding only a SHA-256 of a random token, so signing out, revoking a token, or a password change
ends them on the server, not only in one browser.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, has_request_context, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from .. import versions
from ..database import prebuilt, utcnow
from ..extensions import db, login_manager
from .models import AuthSession, User

WEB_SESSION_DAYS = 30
API_TOKEN_DAYS = 365


def _hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=current_app.config["PASSWORD_HASH_TIME_COST"],
        memory_cost=current_app.config["PASSWORD_HASH_MEMORY_KIB"],
    )


def me() -> User | None:
    """The signed-in person, or None for a visitor: the one way pages, the API and schemas ask
    who is calling (flask_login's proxy unwrapped, so it can be compared and stored)."""
    return current_user._get_current_object() if current_user.is_authenticated else None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Verify in roughly constant time, also when there is no such user."""
    hasher = _hasher()
    right = False
    if user is None:
        hasher.hash(password)
    else:
        try:
            right = hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            right = False
    if not right and has_request_context():
        g.password_refused = True  # counts toward limits.password_checks
    return right


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def open_auth_session(user: User, kind: str, label: str = "") -> str:
    """Create a web session or API token for the user; returns the raw token (shown once)."""
    token = new_token()
    days = WEB_SESSION_DAYS if kind == "web" else API_TOKEN_DAYS
    db.session.add(
        AuthSession(
            user_id=user.id,
            kind=kind,
            token_hash=token_digest(token),
            label=label[:80],
            expires_at=utcnow() + timedelta(days=days),
        )
    )
    return token


def end_auth_session(token: str) -> None:
    db.session.execute(sa.delete(AuthSession).where(AuthSession.token_hash == token_digest(token)))


def end_all_auth_sessions(user_id: int) -> None:
    db.session.execute(sa.delete(AuthSession).where(AuthSession.user_id == user_id))


def end_other_auth_sessions(user_id: int, keep_token: str | None) -> int:
    """End every web session and API token of the account but the one given; how many ended."""
    stmt = sa.delete(AuthSession).where(AuthSession.user_id == user_id)
    if keep_token:
        stmt = stmt.where(AuthSession.token_hash != token_digest(keep_token))
    return db.session.execute(stmt).rowcount


def current_token() -> str | None:
    """The token of this request: its bearer token, or the web session's."""
    return g.get("api_token") or session.get("sid")


def read_with_account(
    app,
    name: str,
    columns: Callable[[], list],
    keep: Callable[[User, Sequence], None],
    *,
    kind: str | None = None,
) -> None:
    """At start-up, a part above gives what most signed-in requests then ask of it, to be read
    in the sign-in's statement rather than in a round trip of its own: `columns()` are scalar
    subqueries over the account (correlated to users), `keep(user, values)` holds their values
    for the request. `kind` "web" or "api": only for that kind of sign-in. The name stands
    for the columns: the sign-in's statement is built once per process (database.prebuilt)."""
    app.extensions["read_with_account"][name] = (kind, columns, keep)


def _riders(kind: str) -> list[tuple[str, Callable, Callable]]:
    riders = current_app.extensions.get("read_with_account", {}).items()
    return [(name, columns, keep) for name, (k, columns, keep) in riders if k in (None, kind)]


def _session_user(token: str, kind: str, user_id: int | None = None) -> User | None:
    """The active account behind a live session or token, with its roles and grids, in one
    round trip (every signed-in request pays for this; it was four). The cache versions ride
    along (nearly every request needs them, and this transaction keeps them: versions.py), and
    what the parts above gave to read_with_account()."""
    riders = _riders(kind)
    # A rider's name stands for its columns (read_with_account): the statement is built once.
    with_id = user_id is not None
    key = ("security.session_user", kind, with_id, *(name for name, _columns, _keep in riders))
    stmt, widths = prebuilt(key, lambda: _session_user_statement(riders, with_user_id=with_id))
    bound = {"token_hash": token_digest(token), "kind": kind, "now": utcnow(), "user_id": user_id}
    row = db.session.execute(stmt, bound).unique().one_or_none()
    if row is None:
        return None
    user, values = row[0], row[1:]
    versions.read_with(values[: len(versions.NAMES)])
    values = values[len(versions.NAMES) :]
    for (_name, _columns, keep), width in zip(riders, widths, strict=True):
        keep(user, values[:width])
        values = values[width:]
    return user


def _session_user_statement(riders, *, with_user_id: bool) -> tuple[sa.Select, tuple[int, ...]]:
    """The sign-in's statement, its values bound at execute, and how many columns each rider
    adds."""
    columns = [columns() for _name, columns, _keep in riders]
    stmt = (
        sa.select(User, *versions.columns(), *(c for cs in columns for c in cs))
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(
            AuthSession.token_hash == sa.bindparam("token_hash"),
            AuthSession.kind == sa.bindparam("kind"),
            AuthSession.expires_at > sa.bindparam("now"),
            User.active.is_(True),
        )
        .options(joinedload(User.roles), joinedload(User.staff_grids))
    )
    if with_user_id:
        stmt = stmt.where(User.id == sa.bindparam("user_id"))
    return stmt, tuple(len(cs) for cs in columns)


def sign_in(user: User) -> None:
    """Start a web session: a fresh cookie session (new id) tied to a server-side row."""
    session.clear()
    token = open_auth_session(user, "web", label=request.user_agent.string[:80])
    session["sid"] = token
    session.permanent = True
    login_user(user)


def sign_out() -> None:
    token = session.get("sid")
    if token:
        end_auth_session(token)
    logout_user()
    session.clear()


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def init_app(app) -> None:
    app.extensions["read_with_account"] = {}
    login_manager.init_app(app)
    login_manager.session_protection = None  # sessions are checked against the server instead

    @login_manager.user_loader
    def _load_from_cookie(user_id: str) -> User | None:
        # A request with an Authorization header is authenticated by that header alone.
        if "Authorization" in request.headers:
            return None
        token = session.get("sid")
        if not token or not user_id.isdigit():
            return None
        return _session_user(token, "web", int(user_id))

    @login_manager.request_loader
    def _load_from_bearer(req) -> User | None:
        token = bearer_token()
        if token is None:
            return None
        user = _session_user(token, "api")
        if user is None:
            return None
        g.api_token = token
        return user
