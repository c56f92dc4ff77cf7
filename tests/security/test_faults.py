"""Faults a user can meet, in-process (docs/RELIABILITY.md): the database away, too slow or
refusing writes, and errors nobody expected. Each ends in the app's own translated answer — API.md's
error body with `Retry-After` for 503, the app's own page in the reader's language (and 长辈版) —
never Werkzeug's bare page or a 500 in English. The same faults against real servers under
gunicorn: tests/deploy/test_faults.py."""

from __future__ import annotations

import errno
import socket
import sqlite3
import uuid

import psycopg
import pytest
import sqlalchemy as sa

from happiness_fair import create_app
from happiness_fair.bookings import reading as booking_reading
from happiness_fair.database import is_unavailable, long_statements
from happiness_fair.extensions import db, limiter
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page

MAINTENANCE_ZH = "系统正在维护，请稍后再试"
MAINTENANCE_EN = "The system is under maintenance. Please try again later."


def _closed_port() -> int:
    """A port on which nothing listens: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_down(app):
    """An app whose PostgreSQL refuses connections (stopped), as production configures it."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/hf"
    down = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "down-secret"})
    yield down
    with down.app_context():
        db.engine.dispose()
    limiter.init_app(app)  # the suite's own limiter storage again


def _assert_unavailable_json(response, message: str) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.json == {"error": {"code": "unavailable", "message": message}}
    assert int(response.headers["Retry-After"]) > 0


def _assert_maintenance_page(response, message: str = MAINTENANCE_ZH) -> str:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) > 0
    assert message in html
    assert 'class="site-name"' in html and "app.css" in html  # the app's own page
    assert "Internal Server Error" not in html and "werkzeug" not in html.lower()
    return html


def test_api_answers_503_unavailable_in_the_request_language_when_postgresql_is_down(
    database_down,
):
    client = database_down.test_client()
    zh = client.get(
        "/api/v1/bookings",
        headers={"Authorization": "Bearer some-token", "Accept-Language": "zh-CN"},
    )
    _assert_unavailable_json(zh, MAINTENANCE_ZH)
    en = client.get(
        "/api/v1/bookings", headers={"Authorization": "Bearer t", "Accept-Language": "en"}
    )
    _assert_unavailable_json(en, MAINTENANCE_EN)
    # Signing in (the rate limiter runs first, then the account look-up): 503, not 500.
    token = client.post(
        "/api/v1/auth/tokens",
        json={"phone": "13900000004", "password": "demo-pass-2024"},
        headers={"Accept-Language": "zh-CN"},
    )
    _assert_unavailable_json(token, MAINTENANCE_ZH)
    assert client.get("/healthz").status_code == 503


def test_pages_answer_the_apps_own_maintenance_page_without_touching_the_database(
    database_down,
):
    client = database_down.test_client()
    _assert_maintenance_page(client.get("/", headers={"Accept-Language": "zh-CN"}))
    client.set_cookie("lang", "en")
    english = client.get("/")
    assert 'lang="en"' in _assert_maintenance_page(english, MAINTENANCE_EN)
    client.delete_cookie("lang")
    # Signed in (a session cookie whose account cannot be looked up now): the same page, no
    # redirect to sign in, no sign-out button, no unread count.
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["sid"] = "a-web-session"
    html = _assert_maintenance_page(client.get("/bookings"))
    assert "badge" not in html and "logout" not in html
    # 长辈版 keeps its large type on the maintenance page too.
    client.set_cookie("elder", "1")
    elder = _assert_maintenance_page(client.get("/notifications"))
    assert 'class="elder"' in elder
    # A form sent now: the same page, nothing half-saved.
    _assert_maintenance_page(client.post("/login", data={"phone": "1", "password": "x"}))


def _refused() -> sa.exc.OperationalError:
    orig = psycopg.OperationalError("connection failed: Connection refused")
    return sa.exc.OperationalError("SELECT 1", {}, orig)


def test_a_database_failure_after_sign_in_shows_the_page_without_any_more_queries(
    client, make, monkeypatch, count_queries
):
    """The person was looked up, then the database went away: the 503 page is built without
    another query (no unread count, no volunteer menu, no user locale)."""
    resident = make.resident().account_user
    assert sign_in_page(client, resident.phone, PASSWORD).status_code == 303

    with count_queries() as counter:
        sent_before_the_fault = []

        def fail(*args, **kwargs):
            sent_before_the_fault.extend(counter.statements)
            raise _refused()

        monkeypatch.setattr(booking_reading, "bookings_for", fail)
        response = client.get("/bookings", headers={"Accept-Language": "zh-CN"})
        after_the_fault = counter.statements[len(sent_before_the_fault) :]
    _assert_maintenance_page(response)
    assert sent_before_the_fault  # the person was looked up first
    assert [s for s in after_the_fault if not s.lstrip().upper().startswith("ROLLBACK")] == []
    api = client.get("/api/v1/bookings", headers={"Accept-Language": "en", "X-CSRFToken": "x"})
    _assert_unavailable_json(api, MAINTENANCE_EN)


@pytest.fixture
def failing_routes(app, database_url):
    """An app with routes that fail the way code can: in a view, and after it (an after_request
    hook, outside any view, where Flask wraps the error in its own InternalServerError)."""
    broken = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bug-secret"})

    @broken.get("/fault-test/boom")
    def fault_test_boom():
        raise RuntimeError("a bug")

    @broken.get("/api/v1/fault-test/boom")
    def fault_test_api_boom():
        raise KeyError("a bug")

    @broken.get("/fault-test/after")
    def fault_test_after():
        return "fine"

    @broken.after_request
    def fail_after(response):
        if response.get_data() == b"fine":
            raise ValueError("a bug after the view")
        return response

    yield broken
    with broken.app_context():
        db.engine.dispose()
    limiter.init_app(app)


def test_an_unexpected_error_is_the_apps_own_500_page_and_body_translated(failing_routes):
    client = failing_routes.test_client()
    page = client.get("/fault-test/boom", headers={"Accept-Language": "zh-CN"})
    html = page.get_data(as_text=True)
    assert page.status_code == 500
    assert "系统出了点问题" in html and 'class="site-name"' in html
    assert "Internal Server Error" not in html
    assert "Retry-After" not in page.headers
    body = client.get("/api/v1/fault-test/boom", headers={"Accept-Language": "en"})
    assert body.status_code == 500
    assert body.json == {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on our side. Please try again.",
        }
    }
    after = client.get("/fault-test/after", headers={"Accept-Language": "zh-CN"})
    assert after.status_code == 500
    assert "系统出了点问题" in after.get_data(as_text=True)


def test_a_commit_the_database_refuses_is_503_and_nothing_is_stored(
    app, api, make, monkeypatch, in_app
):
    """A commit that fails (the disk full, the file read-only, the server gone) answers 503;
    nothing of the request is stored (here: the sign-in's new token)."""
    from happiness_fair.accounts.models import AuthSession

    resident = make.resident().account_user

    def refuse(*args, **kwargs):
        raise sa.exc.OperationalError(
            "COMMIT", {}, sqlite3.OperationalError("database or disk is full")
        )

    monkeypatch.setattr(db.session, "commit", refuse)
    response = api.post(
        "/auth/tokens",
        json={"phone": resident.phone, "password": PASSWORD},
        headers={"Accept-Language": "zh-CN"},
    )
    monkeypatch.undo()
    _assert_unavailable_json(response, MAINTENANCE_ZH)
    with in_app() as session:
        held = sa.select(sa.func.count()).where(AuthSession.user_id == resident.id)
        assert session.execute(held).scalar_one() == 0


@pytest.mark.parametrize(
    ("orig", "unavailable"),
    [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("attempt to write a readonly database"), True),
        (sqlite3.OperationalError("database or disk is full"), True),
        (sqlite3.OperationalError("disk I/O error"), True),
        (sqlite3.OperationalError("no such table: bookings"), False),
        (psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), True),
        (psycopg.errors.TooManyConnections("sorry, too many clients already"), True),
        (psycopg.errors.ReadOnlySqlTransaction("cannot execute UPDATE"), True),
        (psycopg.errors.AdminShutdown("terminating connection"), True),
        (psycopg.errors.UndefinedTable("relation does not exist"), False),
        (psycopg.errors.UniqueViolation("duplicate key"), False),
    ],
)
def test_which_errors_mean_try_again_later(orig, unavailable):
    wrapper = sa.exc.DBAPIError.instance("SELECT 1", {}, orig, psycopg.Error)
    if isinstance(orig, sqlite3.Error):
        wrapper = sa.exc.DBAPIError.instance("SELECT 1", {}, orig, sqlite3.Error)
    assert is_unavailable(wrapper) is unavailable
    assert is_unavailable(RuntimeError("not a database error")) is False
    # An upload spooled to a temporary file on a full disk: try again later too.
    assert is_unavailable(OSError(errno.ENOSPC, "No space left on device")) is True
    assert is_unavailable(OSError(errno.EFBIG, "File too large")) is True
    assert is_unavailable(FileNotFoundError(errno.ENOENT, "a bug")) is False


def _is_postgresql(database_url: str) -> bool:
    return database_url.startswith("postgresql")


def test_a_statement_held_past_the_statement_timeout_answers_503(
    app, database_url, monkeypatch, committed_db
):
    """PostgreSQL: a table locked by someone else (a long migration, a stuck session) holds the
    request only DB_STATEMENT_TIMEOUT, then she is told to try again later; exports get longer."""
    if not _is_postgresql(database_url):
        pytest.skip("statement timeouts are PostgreSQL's")
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "0.5")
    slow = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "slow-secret",
            "RATELIMIT_KEY_PREFIX": f"hf-fault-{uuid.uuid4().hex[:8]}",
        }
    )
    with app.app_context():
        from happiness_fair.accounts import security
        from tests.factories import Factories

        user = Factories(app).resident().account_user
        token = security.open_auth_session(user, "api", "test")
        db.session.commit()
    locker = sa.create_engine(database_url)
    try:
        with locker.connect() as conn:
            conn.exec_driver_sql("LOCK TABLE bookings IN ACCESS EXCLUSIVE MODE")
            client = slow.test_client()
            import time

            started = time.monotonic()
            response = client.get(
                "/api/v1/bookings",
                headers={"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"},
            )
            waited = time.monotonic() - started
            conn.rollback()
        _assert_unavailable_json(response, MAINTENANCE_ZH)
        assert waited < 5
        # The lock gone: the same app answers at once, no restart.
        again = client.get("/api/v1/bookings", headers={"Authorization": f"Bearer {token}"})
        assert again.status_code == 200
        with slow.app_context():
            show = db.session.execute(sa.text("SHOW statement_timeout")).scalar_one()
            assert show == "500ms"
            long_statements()
            assert db.session.execute(sa.text("SHOW statement_timeout")).scalar_one() == "5min"
            db.session.rollback()
            db.engine.dispose()
    finally:
        locker.dispose()
        limiter.init_app(app)


def test_the_maintenance_page_says_a_sent_form_was_not_saved_and_retries_that_page(
    database_down,
):
    """The review's L1: after a form was sent, the page said nothing was "lost" and its button
    went home. Now it says the sending did not save, and "try again" goes back to the form."""
    client = database_down.test_client()
    zh = {"Accept-Language": "zh-CN"}
    form = client.get("/login?next=%2Fbookings", headers=zh)
    assert form.status_code == 200  # the sign-in page needs no database
    form = {"phone": "13900000004", "password": "x", "csrf_token": csrf_token_of(form.text)}
    sent = client.post(
        "/login", data=form, headers={**zh, "Referer": "http://localhost/login?next=%2Fbookings"}
    )
    html = _assert_maintenance_page(sent)
    assert "这次提交没有保存成功" in html
    assert "不会丢失" not in html
    assert 'href="/login?next=%2Fbookings">再试一次' in html
    elsewhere = client.post(
        "/login", data=form, headers={**zh, "Referer": "https://evil.example/login"}
    )
    assert 'href="/">再试一次' in _assert_maintenance_page(elsewhere)
    no_referrer = client.post("/login", data=form, headers=zh)
    assert 'href="/">再试一次' in _assert_maintenance_page(no_referrer)
    page = _assert_maintenance_page(client.get("/services?page=2", headers=zh))
    assert 'href="/services?page=2">再试一次' in page
    assert "这次提交没有保存成功" not in page
