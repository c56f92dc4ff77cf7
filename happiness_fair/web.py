"""What every page needs: the signed-in person (or a trip to the sign-in page), the page number
of a list, and the one way a form is sent: run the service; on a refusal show the form again."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_login import current_user

from . import versions
from .accounts import security
from .accounts.security import me  # noqa: F401  (pages ask for the signed-in person here)
from .database import undo
from .errors import Conflict, DomainError, ValidationFailed
from .extensions import db
from .forms import refusal_messages, refusal_said
from .http import referring_page, safe_next  # noqa: F401  (pages import them from here)
from .validation import whole_number

T = TypeVar("T")

# The refusals a form page answers by showing the form again (others go to the error page).
REFUSALS: tuple[type[DomainError], ...] = (ValidationFailed, Conflict)


def signed_in(view):
    """Pages for a signed-in person send anyone else to sign in, and back here afterwards."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            target = request.full_path if request.method == "GET" else request.path
            return redirect(url_for("accounts.login", next=target.rstrip("?")), code=303)
        return view(*args, **kwargs)

    return wrapper


# What the menu's facts are read from: a change to either in the request reads them again.
_SHELL_TABLES = frozenset({"notifications", "volunteers"})


def _shell_columns(user_id) -> list:
    """The unread count and the volunteer status (None for a non-volunteer) of the account."""
    from .catalogue.models import Volunteer
    from .notifications.models import Notification

    unread = (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )
    status = sa.select(Volunteer.status).where(Volunteer.user_id == user_id).scalar_subquery()
    return [unread, status]


def _keep_shell_facts(user, values) -> None:
    facts = (values[0], values[1])
    versions.memo(("shell", user.id), _SHELL_TABLES, lambda: facts)


def shell_facts() -> tuple[int, object]:
    """What every signed-in page's menu shows, the unread count and the volunteer status (None
    for a non-volunteer): read with the web sign-in (init_app), or in one statement when the
    request has changed them since."""
    if not current_user.is_authenticated:
        return 0, None
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()  # what the request wrote counts (a flush forgets what it changes)
    user_id = current_user.id

    def read():
        row = db.session.execute(sa.select(*_shell_columns(user_id))).one()
        return (row[0], row[1])

    return versions.memo(("shell", user_id), _SHELL_TABLES, read)


def init_app(app) -> None:
    """The menu's facts are read with the account when a page signs in (every page shows them)."""
    from .accounts.models import User

    security.read_with_account(
        app,
        "shell_facts",
        lambda: [c.correlate(User) for c in _shell_columns(User.id)],
        _keep_shell_facts,
        kind="web",
    )


def is_htmx() -> bool:
    """An htmx request wants the fragment, not the whole page (answers then Vary on it)."""
    return request.headers.get("HX-Request") == "true"


def page_number(last: int = 9_999) -> int:
    """?page=N of a list page; anything else is the first page."""
    page = whole_number(request.args.get("page", "1"))
    return page if page and page <= last else 1


def pages_for(total: int, per_page: int) -> int:
    """How many pages a list of `total` has (at least one, for the pager)."""
    return max(1, -(-total // per_page))


def done(message, url: str):
    """A form's success: say so once, then go (303) where the result is shown."""
    flash(str(message), "success")
    return redirect(url, code=303)


def attempt(
    act: Callable[[], T],
    *,
    again: Callable[[dict, int], object],
    then: Callable[[T], object],
    errors: dict | None = None,
    refusals: tuple[type[DomainError], ...] = REFUSALS,
    status: int | None = None,
    field: str = "_schema",
    roll_back: bool = True,
):
    """The one way a form page sends. With messages from reading the form, show it again (422)
    without acting; else run the service: a refusal (errors.py) is rolled back and the form shown
    again with its messages (on `field` when it names none), at the refusal's status (or
    `status`); success answers then(result). `again(errors, status)` renders the form with what
    the person typed. roll_back=False where the refusal itself is kept (a wrong password counts
    towards its limit)."""
    if errors:
        return again(errors, 422)
    try:
        result = act()
    except refusals as err:
        if roll_back:
            undo()
        return again(refusal_messages(err, field), status or err.status)
    return then(result)


def said_and_gone(act: Callable[[], T], *, said, go: str, refusals=(DomainError,)):
    """A button with no form to show again: run the service, then say how it went (its refusal
    rolled back and shown as an error, or `said`, text or a function of the result) and go
    (303) to `go`."""
    try:
        result = act()
    except refusals as err:
        undo()
        flash(refusal_said(err), "error")
    else:
        flash(str(said(result) if callable(said) else said), "success")
    return redirect(go, code=303)
