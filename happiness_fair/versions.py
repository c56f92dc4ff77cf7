"""What never changes during a request is read once per process, keyed by a version number kept
in the database (issue 22).

A row of `cache_versions` per kind of data (the catalogue, waiver rules, the calendar, hours) is
given a new number, in the same transaction, by session hooks that note every change to the
tables behind it and write the numbers once at commit; so every worker sees a change at the
commit that makes it, and a rolled-back change changes nothing. There is
no time-to-live: a cached value is used only while the version it was read under is current.

The versions are read once per transaction (one small statement, or with the sign-in's statement
when there is one); the same numbers key the ETags
of the public answers (`conditional_get`).
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
from collections.abc import Callable, Hashable

import sqlalchemy as sa
from flask import current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from .extensions import db
from .response_cache import ResponseCache, StoredAnswer, clear_all

CATEGORIES, CATALOGUE, WAIVERS, CALENDAR, HOURS = (
    "categories",
    "catalogue",
    "waivers",
    "calendar",
    "hours",
)

# Which tables each version covers. Users only for their name (the catalogue shows it); any
# other change to a user (a password, a role) leaves the catalogue as it was.
WATCHED: dict[str, tuple[str, ...]] = {
    "categories": (CATEGORIES, CATALOGUE),
    "listings": (CATALOGUE,),
    "volunteers": (CATALOGUE,),
    "volunteer_categories": (CATALOGUE,),
    "volunteer_grids": (CATALOGUE,),
    "volunteer_tags": (CATALOGUE,),
    "communities": (CATALOGUE,),
    "grids": (CATALOGUE,),
    "waiver_rule_settings": (WAIVERS,),
    "calendar_days": (CALENDAR,),
    "hours_records": (HOURS,),
    "hours_day_totals": (HOURS,),
    "hours_month_totals": (HOURS,),
}
USER_COLUMNS_SHOWN = ("name",)


def watch(table: str, *names: str) -> None:
    """A part whose table feeds another part's cached answers says so at start-up (fairs'
    walk-ins are counted in hours' totals, so a walk-in moves the hours version)."""
    WATCHED[table] = tuple(dict.fromkeys((*WATCHED.get(table, ()), *names)))


NAMES = (CATEGORIES, CATALOGUE, WAIVERS, CALENDAR, HOURS)
_MAX_ENTRIES = 2000  # per name: waiver rules per community, calendar ranges, ...


class CacheVersion(db.Model):
    """A kind of data's version: bumped in the same transaction as any change to it."""

    __tablename__ = "cache_versions"

    name: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


# ---- bumping ------------------------------------------------------------------------------------


def _bump_statement(dialect_name: str, names: list[str]):
    table = CacheVersion.__table__
    if dialect_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    # A new random number rather than +1: a version seen inside a transaction that is then
    # rolled back is never given again, so nothing cached under it can pass for current.
    version = secrets.randbits(62)
    stmt = insert(table).values([{"name": n, "version": version} for n in names])
    return stmt.on_conflict_do_update(index_elements=[table.c.name], set_={"version": version})


def _bump(session: Session, names: set[str]) -> None:
    """Note what this transaction changes; the versions are written once, at its commit."""
    if names:
        session.info.setdefault("hf_pending", set()).update(names)


@event.listens_for(Session, "before_commit")
def _write_versions(session: Session) -> None:
    """One statement at commit for everything the transaction changed, so the rows are locked
    only while it commits, always in the same order (no deadlock between two writers)."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # the last changes are noted by the flush hooks
    names = session.info.pop("hf_pending", None)
    if names:
        connection = session.connection()
        connection.execute(_bump_statement(connection.dialect.name, sorted(names)))


def _names_of_instance(obj) -> set[str]:
    table = getattr(obj, "__tablename__", None)
    if table == "users":
        state = sa.inspect(obj)
        if any(state.attrs[c].history.has_changes() for c in USER_COLUMNS_SHOWN):
            return {CATALOGUE}
        return set()
    return set(WATCHED.get(table, ()))


@event.listens_for(Session, "before_flush")
def _bump_on_flush(session: Session, flush_context, instances) -> None:
    names: set[str] = set()
    tables: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj):
            continue
        names |= _names_of_instance(obj)
        tables.add(getattr(obj, "__tablename__", ""))
    _forget_memos(session, tables)
    # A change to a many-to-many collection (a volunteer's skills) shows as the owner dirty.
    _bump(session, names)


def _tables_of(statement) -> set[str]:
    table = getattr(statement, "table", None)
    if table is None:
        return set()
    return {getattr(table, "name", "")}


@event.listens_for(Session, "do_orm_execute")
def _bump_on_bulk(state) -> None:
    """UPDATE/DELETE/INSERT statements sent through the session (counters, vetting moves)."""
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    names: set[str] = set()
    _forget_memos(state.session, _tables_of(state.statement))
    for table in _tables_of(state.statement):
        if table == "users":
            names.add(CATALOGUE)  # conservative: a bulk change may rename
        names |= set(WATCHED.get(table, ()))
    _bump(state.session, names)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("hf_versions", None)
        session.info.pop("hf_memo", None)
        session.info.pop("hf_pending", None)


# ---- reading ------------------------------------------------------------------------------------


def current() -> dict[str, int]:
    """Every version, read once per transaction (one statement)."""
    session = db.session()
    versions = session.info.get("hf_versions")
    if versions is None:
        # Through the session's connection (its transaction) but not the ORM: plain columns,
        # and a third of a cached answer's time went to the ORM's execute path.
        table = CacheVersion.__table__
        rows = session.connection().execute(sa.select(table.c.name, table.c.version)).all()
        versions = dict.fromkeys(NAMES, 0)
        versions.update({name: version for name, version in rows})
        session.info["hf_versions"] = versions
    return versions


def columns() -> list:
    """Every version as a column to read with another statement (the sign-in's, which every
    signed-in request sends anyway): one small subquery each, so no round trip of their own."""
    return [
        sa.select(CacheVersion.version).where(CacheVersion.name == name).scalar_subquery()
        for name in NAMES
    ]


def read_with(values) -> None:
    """Keep the versions read by columns() as this transaction's (as current() would)."""
    session = db.session()
    if "hf_versions" not in session.info:
        session.info["hf_versions"] = {n: v or 0 for n, v in zip(NAMES, values, strict=True)}


class _Store:
    def __init__(self):
        self.lock = threading.Lock()
        self.entries: dict[str, tuple[int, dict]] = {}

    def get(self, name: str, version: tuple[int, ...], key: Hashable):
        entry = self.entries.get(name)
        if entry is None or entry[0] != version:
            return None, False
        if key in entry[1]:
            return entry[1][key], True
        return None, False

    def put(self, name: str, version: tuple[int, ...], key: Hashable, value, most: int) -> None:
        with self.lock:
            entry = self.entries.get(name)
            if entry is None or entry[0] != version or len(entry[1]) >= most:
                entry = (version, {})
                self.entries[name] = entry
            entry[1][key] = value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_store = _Store()


def cached(
    name: str,
    key: Hashable,
    compute: Callable[[], object],
    *,
    also: tuple[str, ...] = (),
    most: int = _MAX_ENTRIES,
):
    """`compute()` once per version of `name` (and of the versions in `also`) in this process:
    a change to any of them drops every value kept under `name`. Values must be immutable (or
    treated so) and hold no ORM objects; at most `most` are kept under `name` (large ones want
    a small number). A transaction that has changed the data itself reads around the cache:
    what it sees is not committed yet."""
    pending = db.session().info.get("hf_pending", ())
    if name in pending or any(other in pending for other in also):
        return compute()
    versions = current()
    version = (versions[name], *(versions[other] for other in also))
    value, hit = _store.get(name, version, key)
    if hit:
        return value
    value = compute()
    _store.put(name, version, key, value, most)
    return value


def clear() -> None:
    """Forget everything cached in this process (tests that rewrite tables behind the ORM),
    the stored public answers too."""
    _store.clear()
    clear_all()


# ---- within one transaction ----------------------------------------------------------------------


def memo(key: Hashable, tables: frozenset[str], compute: Callable[[], object]):
    """`compute()` once per transaction (a request), e.g. who the caller is to the bookings,
    which several steps of one request ask. Forgotten when the transaction ends or when the
    session changes any of `tables`."""
    memos = db.session().info.setdefault("hf_memo", {})
    if key in memos:
        return memos[key][1]
    value = compute()
    memos[key] = (tables, value)
    return value


def _forget_memos(session: Session, tables: set[str]) -> None:
    memos = session.info.get("hf_memo")
    if not memos or not tables:
        return
    for key in [k for k, (watched, _v) in memos.items() if watched & tables]:
        del memos[key]


# ---- public answers: ETag over what they depend on ----------------------------------------------


def _anonymous() -> bool:
    return "Authorization" not in request.headers and not current_user.is_authenticated


def init_app(app) -> None:
    """Each app (a worker) keeps its own cache of public answers; RESPONSE_CACHE_BYTES=0: none."""
    app.extensions["response_cache"] = ResponseCache(app.config["RESPONSE_CACHE_BYTES"])


def conditional_get(*names: str, extra: Callable[[], object] | None = None) -> Callable:
    """For a public GET answered the same to every anonymous caller: an ETag over the versions
    it depends on, the URL, the language and 长辈版 (and, for a page, the session's CSRF token,
    which the page's forms carry), `Cache-Control: no-cache`, and 304 without doing the work
    when the caller already has it. Signed-in callers get the answer as before (no ETag).

    The answer is also kept in this worker's response cache under the same digest without the
    session, and served from there to the next anonymous caller without running the view. A
    page is kept with a blank where its CSRF token stood, filled with the caller's own token
    each time it is served (_stored, _from_cache)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method not in ("GET", "HEAD") or not _anonymous() or "_flashes" in session:
                return view(*args, **kwargs)  # a message waiting to be shown: a fresh page
            from .i18n import ELDER_COOKIE

            token = ""
            if not request.path.startswith("/api/"):
                from flask_wtf.csrf import generate_csrf

                token = generate_csrf()  # the page's forms carry it: a new session, a new page
            versions = current()
            parts = [
                request.full_path,
                str(get_locale()),
                request.cookies.get(ELDER_COOKIE) == "1",
                request.headers.get("HX-Request", ""),
                request.headers.get("HX-Target", ""),
                request.headers.get("Accept", ""),
                *(f"{n}={versions[n]}" for n in names),
                extra() if extra else "",
            ]
            shared = _digest(repr(parts))
            # A page's ETag is its session's too: the copy a browser holds carries its token.
            digest = _digest(f"{shared} {session.get(_csrf_field(), '')}") if token else shared
            etag = f'W/"{digest}"'
            if request.if_none_match.contains_weak(digest):
                return _with_validators(_not_modified(etag))
            cache = _response_cache()
            # A fixed-size key: the host (answers may carry absolute links) is hashed in,
            # so a long Host header cannot make a small answer a large entry.
            key = _digest(f"{request.root_url} {shared}")
            stored = cache.get(key) if cache is not None else None
            if stored is not None:
                return _from_cache(stored, etag, token)
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200:
                return response
            response.headers["ETag"] = etag
            response = _with_validators(response)
            stored = _stored(response, token) if cache is not None else None
            if stored is not None:
                cache.put(key, stored)
            return response

        return wrapper

    return decorator


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _with_validators(response):
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Cookie", "Accept-Language", "HX-Request", "HX-Target"))
    return response


def _not_modified(etag: str):
    response = current_app.response_class(status=304)
    response.headers["ETag"] = etag
    return response


# ---- public answers: kept whole in this worker (response_cache.py) ------------------------------


def _response_cache():
    cache = current_app.extensions.get("response_cache")
    return cache if cache is not None and cache.enabled else None


# Where a stored page's CSRF token stood: random per process, so no page text can hold it.
_TOKEN_BLANK = f"hf-csrf-{secrets.token_hex(16)}".encode()


def _csrf_field() -> str:
    """Where Flask-WTF keeps the session's token (and names the forms' field)."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _stored(response, token: str) -> StoredAnswer | None:
    """What to keep of a plain 200 answer that starts nothing for this caller, or None: a view
    that set a cookie or wrote to the session (a flash, a sign-in) must run again for the next
    one. A first visit to a page starts a session for its CSRF token and nothing else: that page
    is kept, its token blanked, unless some trace of the token is left in it another way."""
    started_for_token = token and session.keys() <= {_csrf_field()}
    if (
        not response.is_sequence
        or response.direct_passthrough
        or "Set-Cookie" in response.headers
        or (session.modified and not started_for_token)
    ):
        return None
    body = response.get_data()
    if token:
        body = body.replace(token.encode(), _TOKEN_BLANK)
        traces = (session.get(_csrf_field(), ""), token.split(".")[0])
        if any(trace and trace.encode() in body for trace in traces):
            return None
    headers = tuple(
        (name, value)
        for name, value in response.headers.items()
        if name not in ("Content-Length", "ETag")
    )
    return StoredAnswer(body, headers)


def _from_cache(stored, etag: str, token: str):
    body = stored.body.replace(_TOKEN_BLANK, token.encode()) if token else stored.body
    response = current_app.response_class(body, status=200, headers=list(stored.headers))
    response.headers["ETag"] = etag
    return response
