"""Database plumbing shared by every part: UTC time stamps, SQLite behaviour, transactions."""

from __future__ import annotations

import contextvars
import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

try:
    import fcntl
except ImportError:  # Windows: no file turn
    fcntl = None

log = logging.getLogger(__name__)
T = TypeVar("T")

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


# Raised in this process each time a connection met the file read-only or the disk failing: every
# pooled connection opened before is closed, in every thread, before it serves again.
_sqlite_epoch = 0


def _repair_sidecar_modes(dbapi_connection) -> None:
    """SQLite creates the -wal and -shm files with the database file's mode, so read-only ones
    while the file is read-only (chmod 444). A read-only -shm is then mapped read-only, once for
    every connection of the process, and writes keep failing after the file is writable again,
    even after a restart. The two files are ours and hold no data the database file does not
    guard: keep them writable by us (the database file's mode plus our write bit)."""
    row = dbapi_connection.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    if not path:
        return  # in memory
    try:
        mode = (os.stat(path).st_mode & 0o777) | 0o200
        for sidecar in (f"{path}-wal", f"{path}-shm"):
            try:
                info = os.stat(sidecar)
            except FileNotFoundError:
                continue
            if info.st_uid == os.geteuid() and not os.access(sidecar, os.W_OK):
                os.chmod(sidecar, mode)
                log.warning("gave %s the mode %o (it was read-only)", sidecar, mode)
    except OSError:
        log.warning("could not check the database's -wal and -shm files", exc_info=True)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        connection_record.info["hf_epoch"] = _sqlite_epoch
        _repair_sidecar_modes(dbapi_connection)
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is broken for SAVEPOINT).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    if _read_only.get():
        conn.exec_driver_sql("BEGIN")
        return
    _take_write_turn(conn)
    conn.exec_driver_sql("BEGIN IMMEDIATE")


# How long a writer waits for SQLite's one write lock before the request is told to try again
# later (503): SQLite's busy timeout, and at most half of it in the queue below before that.
SQLITE_BUSY_SECONDS = 15
# One queue of writers per database file in this process (_take_write_turn()).
_write_turns: dict[str, threading.Lock] = {}


def _take_write_turn(conn) -> None:
    """Queue the writers for SQLite's one write lock before BEGIN IMMEDIATE asks for it, and let
    it go as the transaction ends (its COMMIT or ROLLBACK), or at the latest when the connection
    leaves the pool's hands (given back, detached).

    SQLite lets a refused writer sleep and try again (1, 2, 5 … up to 100 ms between tries), so
    with a handful of writers at once the lock was free most of the time someone slept on it:
    creating a booking under 16 clients on the embedded default took 100 ms at p50 and 0.7-1.2 s
    at p99 (PERFORMANCE.md, round 7). This process's threads queue on a lock that is handed
    over the moment it is let go; then the processes (gunicorn's workers) take turns on a file
    lock beside the database, asked every half millisecond (_FileTurn)."""
    path = conn.engine.url.database
    held = conn.info.get("hf_write_turn")
    if not path or path == ":memory:" or (held is not None and held.held):
        return  # in memory (one shared connection), or this connection has its turn already
    lock = _write_turns.get(path) or _write_turns.setdefault(path, threading.Lock())
    waited = SQLITE_BUSY_SECONDS / 2
    deadline = time.monotonic() + waited
    if not lock.acquire(timeout=waited):
        # A writer of this process is stuck: SQLite's own busy timeout decides (503 past it).
        log.warning("waited %.1f s for a turn to write; asking SQLite", waited)
        return
    turn = _Turn(lock, _file_turn(path))
    conn.info["hf_write_turn"] = turn  # from here its ends let the lock go, whatever happens
    if turn.file is not None and not turn.file.take(deadline):
        if not turn.file.broken:
            log.warning("another process held the turn to write for %.1f s; asking SQLite", waited)
        turn.file = None


class _FileTurn:
    """The processes' turn to write one database file: an exclusive flock() on an empty file
    beside it (`-writer`, made with the database file's mode but none for other accounts),
    opened once per process: a descriptor inherited across fork would be one lock for all. The
    kernel lets it go if the process dies, so a crashed worker never holds it."""

    POLL_SECONDS = 0.0005

    def __init__(self, path: str):
        self.path, self.broken = path, False
        mode = os.stat(path).st_mode & 0o660  # no other account may hold it
        self.fd = os.open(f"{path}-writer", os.O_RDONLY | os.O_CREAT, mode)

    def take(self, deadline: float) -> bool:
        """False when another process held it past the deadline, or the file system keeps no
        locks (NFS without lockd: ENOLCK): SQLite's own waiting then serves."""
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(self.POLL_SECONDS)
            except OSError:
                log.warning("no file lock on %s's file system", self.path, exc_info=True)
                self.broken = True  # not asked again by this process
                return False

    def give_back(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        except OSError:  # closing the file lets the lock go; this process asks SQLite from now on
            log.warning("could not let go of %s-writer: closed it", self.path, exc_info=True)
            self.broken = True
            os.close(self.fd)


# This process's file turns, by database file (opened after a fork, never inherited), and the
# files it could not open (told once; asked again at each write, which costs one system call).
_file_turns: dict[tuple[int, str], _FileTurn] = {}
_unopened: set[str] = set()


def _file_turn(path: str) -> _FileTurn | None:
    """None while no file can be made or opened beside the database (a read-only directory, a
    full disk), or where there are no such locks (Windows): the processes then wait in SQLite's
    own way."""
    if fcntl is None:
        return None
    key = (os.getpid(), path)
    turn = _file_turns.get(key)
    if turn is None:
        try:
            turn = _file_turns[key] = _FileTurn(path)
        except OSError as error:
            if path not in _unopened:
                _unopened.add(path)
                log.warning("cannot open %s-writer (%s): SQLite queues the writers", path, error)
    return None if turn is None or turn.broken else turn


class _Turn:
    """One writer's turn: let go once, whichever of its ends comes first (a detached
    connection carries a copy of the pool's info, so two dicts may name the same turn)."""

    __slots__ = ("file", "held", "lock")

    def __init__(self, lock: threading.Lock, file: _FileTurn | None = None):
        self.lock, self.file, self.held = lock, file, True

    def end(self) -> None:
        if self.held:
            self.held = False
            try:
                if self.file is not None:
                    self.file.give_back()
            finally:
                self.lock.release()


def _end_write_turn(info: dict) -> None:
    turn = info.pop("hf_write_turn", None)
    if turn is not None:
        turn.end()


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _transaction_ends(conn) -> None:
    """Just before the COMMIT or ROLLBACK: the next writer's BEGIN IMMEDIATE, a few Python lines
    later, finds SQLite's lock free or waits its first millisecond for it. A connection that
    was invalidated (the file read-only) has none to give: its pool record's checkin ends it."""
    if not conn.invalidated:
        _end_write_turn(conn.info)


@event.listens_for(Engine, "checkin")
@event.listens_for(Engine, "detach")
def _connection_leaves(dbapi_connection, connection_record) -> None:
    _end_write_turn(connection_record.info)


# Statements built once per process, by shape (prebuilt()).
_prebuilt: dict[Hashable, object] = {}


def prebuilt(key: Hashable, build: Callable[[], T]) -> T:
    """What `build()` returns (statements whose values are bound parameters), built once per
    process for `key`, which names everything its shape depends on. Building a large select
    and working out its cache key cost a signed-in list more Python than reading its rows
    (issue 22); a kept statement has both done (SQLAlchemy keeps the key on the object)."""
    built = _prebuilt.get(key)
    if built is None:
        built = _prebuilt.setdefault(key, build())
    return built  # type: ignore[return-value]


def page_of(stmt: sa.Select, page: int, per_page: int) -> tuple[list, int]:
    """One page of a select's rows and how many rows there are in all: one statement, the total
    a scalar subquery beside the page (both databases compute it once). Not a window count over
    the rows (`count(*) OVER ()`): that makes the database fetch every matching row whole before
    it can stop at the page, 17,500 of them for a community's follow-up calls (PERFORMANCE.md,
    round 7), where an index in the page's order stops at 20 and the total can come from an
    index alone. Only a page past the end, which has no row to carry the total, costs a second
    statement to count."""
    return _read_page(*_paged(stmt), page, per_page, {})


def prebuilt_page(
    key: Hashable,
    build: Callable[[], sa.Select],
    values: dict,
    page: int,
    per_page: int,
    *,
    shape: Callable[[sa.Select], sa.Select],
    read: Callable[[sa.Result], tuple[list, int | None]],
) -> tuple[list, int]:
    """page_of() for a select built once per process (prebuilt()), its `values` bound at execute.
    `shape`: what the counted, limited page becomes (records.timelined() adds the timelines);
    `read`: the page's items and the total from its rows."""
    paged, counter = prebuilt(("page", key), lambda: _paged(build(), shape))
    return _read_page(paged, counter, page, per_page, values, read)


def _paged(stmt: sa.Select, shape=None) -> tuple[sa.Select, sa.Select]:
    counter = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    counted = stmt.add_columns(counter.scalar_subquery().label("hf_total"))
    paged = counted.limit(sa.bindparam("hf_limit", type_=sa.Integer)).offset(
        sa.bindparam("hf_offset", type_=sa.Integer)
    )
    return (shape(paged) if shape else paged), counter


def _first_entities(result: sa.Result) -> tuple[list, int | None]:
    rows = result.unique().all()
    return [row[0] for row in rows], rows[0][-1] if rows else None


def _read_page(
    paged, counter, page: int, per_page: int, values: dict, read=_first_entities
) -> tuple[list, int]:
    values = {**values, "hf_limit": per_page, "hf_offset": (page - 1) * per_page}
    items, total = read(db.session.execute(paged, values))
    if items:
        return items, total
    if page == 1:
        return [], 0
    return [], db.session.execute(counter, values).scalar_one()


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
# opened read-only so even when it is writable again; a PostgreSQL standby stays one. Not a disk
# I/O error (the disk full): the connections already open go on reading, while new ones could not
# open the -shm file then; SQLite leaves its error state by itself after the rollback.
_SQLITE_REOPEN = ("readonly database", "unable to open database file")


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
    ones and works again as soon as the fault is gone (no restart).

    SQLite shares one shared-memory (-shm) mapping per file among all the connections of a
    process, opened read-only if the file was: a single connection of the old ones left open, in
    any thread, keeps it read-only for the new ones. So all of them are closed now: the idle ones
    at once (a new pool), the ones other threads hold when they give them back (_close_stale)."""
    global _sqlite_epoch
    orig = context.original_exception
    if getattr(orig, "sqlstate", None) == "25006":
        context.is_disconnect = True
    elif type(orig).__module__.startswith("sqlite3"):
        text = str(orig).lower()
        if any(words in text for words in _SQLITE_REOPEN):
            context.is_disconnect = True
            _sqlite_epoch += 1
            if context.engine is not None:
                context.engine.dispose()  # a new pool; the old one's idle connections closed


def _stale(connection_record) -> bool:
    epoch = connection_record.info.get("hf_epoch")
    return epoch is not None and epoch < _sqlite_epoch


@event.listens_for(Engine, "checkin")
def _close_stale(dbapi_connection, connection_record) -> None:
    """A connection opened before the last read-only error, given back by its thread, is closed
    (it returns to the old pool, which hands out nothing any more)."""
    if dbapi_connection is not None and _stale(connection_record):
        connection_record.invalidate()


# On a PostgreSQL connection, set once its transaction sends anything but a plain SELECT
# (undo()): a statement that begins otherwise (INSERT, UPDATE, DELETE, WITH, SAVEPOINT, SET, a
# comment), and a SELECT calling a function whose effect a COMMIT would keep and a ROLLBACK
# would not (a setting, a notification, a sequence, an advisory lock). A function of that kind
# added later belongs in this list.
_WROTE = "hf_wrote"
_SELECTS_THAT_WRITE = ("set_config", "pg_notify", "setval", "advisory")


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(conn, cursor, statement, parameters, context, executemany):
    if conn.dialect.name == "postgresql" and (
        statement.lstrip()[:6].upper() != "SELECT"
        or any(name in statement for name in _SELECTS_THAT_WRITE)
    ):
        conn.info[_WROTE] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
def _forget_writes(conn):
    # A connection invalidated in its transaction has no record left to forget anything in.
    with suppress(sa.exc.SQLAlchemyError):
        conn.info.pop(_WROTE, None)


def undo() -> None:
    """End the session's transaction undoing everything it did: a failed request's.

    On PostgreSQL a transaction that wrote nothing (it sent only plain SELECTs: _note_writes;
    and nothing waits to be flushed or to bump a version at commit) ends with a COMMIT, which
    undoes the same nothing, because at a ROLLBACK psycopg forgets every statement it had
    prepared on the connection and the next requests there plan each one again: at a
    district's scale a 404 took 10 ms and the list after it 3.5 ms more than after a success
    (PERFORMANCE.md, round 11). Anything else, or any doubt, is rolled back."""
    session = db.session()
    try:
        if (
            session.in_transaction()
            and session.get_bind().dialect.name == "postgresql"
            and not (session.new or session.dirty or session.deleted)
            and not session.info.get("hf_pending")
            and not session.connection().info.get(_WROTE)
        ):
            session.commit()
            return
    except sa.exc.SQLAlchemyError:
        log.debug("a transaction that wrote nothing did not commit", exc_info=True)
    session.rollback()


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
    """True when the database answers and takes writes; used by /healthz. On SQLite the check
    changes nothing in a write transaction (refused when the file or its -wal/-shm are read-only)
    and rolls it back; on PostgreSQL it asks whether transactions are read-only (a standby).
    Neither writes anything."""
    db.session.rollback()  # a transaction this request began as a read would not test writing
    token = set_read_only(False)
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            read_only_now = db.session.execute(
                sa.select(sa.func.current_setting("transaction_read_only"))
            ).scalar_one()
            ok = read_only_now != "on"
            undo()  # nothing written: ends without dropping the connection's prepared statements
            return ok
        else:
            # Setting user_version to its own value dirties the first page: refused when the
            # file (or its -wal/-shm) cannot be written, and rolled back, so nothing is written.
            version = int(db.session.execute(sa.text("PRAGMA user_version")).scalar_one())
            db.session.execute(sa.text(f"PRAGMA user_version = {version}"))
            ok = True
        db.session.rollback()
        return ok
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False
    finally:
        reset_read_only(token)
