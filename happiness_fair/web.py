"""What every signed-in page needs: the signed-in person, or a trip to the sign-in page."""

from __future__ import annotations

import functools
import unicodedata
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import g, redirect, request, url_for
from flask_login import current_user

from .accounts.security import me  # noqa: F401  (pages ask for the signed-in person here)
from .extensions import db


def signed_in(view):
    """Pages for a signed-in person send anyone else to sign in, and back here afterwards."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            target = request.full_path if request.method == "GET" else request.path
            return redirect(url_for("accounts.login", next=target.rstrip("?")), code=303)
        return view(*args, **kwargs)

    return wrapper


def safe_next(target, default: str | None = None) -> str:
    """The one check for every redirect target taken from a request (?next=, a form's next, the
    referrer): a local path only. No control characters (a tab, CR or LF is dropped by the
    browser's URL parser after the check, so "/\t/evil.example" becomes "//evil.example"), no
    backslash (read as a slash), no scheme, no host, not starting with "//"; else home."""
    home = default or url_for("pages.index")
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return home
    if "\\" in target or any(unicodedata.category(c).startswith("C") for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return target


def shell_facts() -> tuple[int, object]:
    """What every signed-in page's menu shows, the unread count and the volunteer status (None
    for a non-volunteer), in one statement, once per request."""
    if not current_user.is_authenticated:
        return 0, None
    facts = g.get("_shell_facts")
    if facts is None:
        from .catalogue.models import Volunteer
        from .notifications.models import Notification

        user_id = current_user.id
        unread = (
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .scalar_subquery()
        )
        status = sa.select(Volunteer.status).where(Volunteer.user_id == user_id).scalar_subquery()
        row = db.session.execute(sa.select(unread, status)).one()
        facts = g._shell_facts = (row[0], row[1])
    return facts


def is_htmx() -> bool:
    """An htmx request wants the fragment, not the whole page (answers then Vary on it)."""
    return request.headers.get("HX-Request") == "true"


def page_number() -> int:
    """?page=N of a list page; anything else is the first page."""
    page = request.args.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
