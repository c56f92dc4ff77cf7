"""Database plumbing shared by every part: UTC time stamps, SQLite behaviour, transactions."""

from __future__ import annotations

import contextvars
import errno
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

# SQLite: a transaction that may write begins IMMEDIATE so that two writers queue on the busy
# timeout instead of failing with "database is locked" when a reader tries to upgrade.
_read_only = contextvars.ContextVar("hf_read_only", default=False)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """Stores aware datetimes as UTC and returns them aware, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@contextmanager
def read_only() -> Iterator[None]:
    """Mark the work in this block as reads only (a GET request): SQLite may begin it DEFERRED."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


def set_read_only(value: bool) -> contextvars.Token:
    return _read_only.set(value)


def reset_read_only(token: contextvars.Token) -> None:
    _read_only.reset(token)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is broken for SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


def page_of(stmt: sa.Select, page: int, per_page: int) -> tuple[list, int]:
    """One page of a select's rows and how many rows there are in all: one statement, the total
    as a window count over the same rows (`count(*) OVER ()`, computed before LIMIT). Only a page
    past the end, which has no row to carry the total, costs a second statement to count."""
    counted = stmt.add_columns(sa.func.count().over().label("hf_total"))
    rows = db.session.execute(counted.limit(per_page).offset((page - 1) * per_page)).unique().all()
    if rows:
        return [row[0] for row in rows], rows[0][-1]
    if page == 1:
        return [], 0
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
    return [], total


# PostgreSQL error classes that mean "the database cannot serve this now", not "this request is
# wrong": connection exceptions, insufficient resources (too many connections, disk full),
# operator intervention (shut down, statement timeout), system errors, a lock not available, a
# read-only transaction (a standby after fail-over) and a serialization failure.
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57", "58", "55P03", "25006", "40001", "40P01")
# SQLite's words for the same: locked past its busy timeout, the disk full or failing, the file
# read-only or gone.
_SQLITE_UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "database or disk is full",
    "disk i/o error",
    "readonly database",
    "unable to open database file",
)
# The disk full, over a quota or a file-size limit, or mounted read-only.
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}
# Of those, the ones after which a pooled connection must not be reused: SQLite keeps a file
# opened read-only so even when it is writable again; a PostgreSQL standby stays one.
_SQLITE_REOPEN = ("readonly database", "disk i/o error", "unable to open database file")


def is_unavailable(exc: BaseException) -> bool:
    """True when an error means the database is away, full, read-only, locked or too slow, or the
    disk cannot take a file (a large upload is spooled to a temporary file first): the user is
    told to try again later (503), not a fault in the request or the code."""
    if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
        return True
    if isinstance(exc, sa.exc.TimeoutError | sa.exc.DisconnectionError):
        return True  # the pool had no connection to give in time
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(_UNAVAILABLE_SQLSTATE_CLASSES)
    if isinstance(exc, sa.exc.OperationalError):
        if type(exc.orig).__module__.startswith("sqlite3"):
            text = str(exc.orig).lower()
            return any(words in text for words in _SQLITE_UNAVAILABLE)
        return True  # psycopg's connection failures carry no sqlstate
    return False


@event.listens_for(Engine, "handle_error")
def _reopen_after(context) -> None:
    """A connection that has seen the file read-only or the disk fail, or PostgreSQL refuse a
    write as read-only, is thrown away with the rest of the pool: the next request opens new
    ones and works again as soon as the fault is gone (no restart)."""
    orig = context.original_exception
    if getattr(orig, "sqlstate", None) == "25006":
        context.is_disconnect = True
    elif type(orig).__module__.startswith("sqlite3"):
        text = str(orig).lower()
        if any(words in text for words in _SQLITE_REOPEN):
            context.is_disconnect = True


def long_statements() -> None:
    """Let the rest of this transaction's statements run up to DB_LONG_STATEMENT_TIMEOUT instead
    of the request's DB_STATEMENT_TIMEOUT (PostgreSQL; SQLite has none): exports and the scheduler,
    which read a lot on purpose."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    seconds = current_app.config["DB_LONG_STATEMENT_TIMEOUT"]
    db.session.execute(
        sa.select(sa.func.set_config("statement_timeout", f"{int(seconds * 1000)}", True))
    )


def ping() -> bool:
    """True when the database answers; used by /healthz."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False
