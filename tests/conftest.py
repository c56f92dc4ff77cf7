"""Fixtures: one database per run, each test inside a transaction that is rolled back.

TEST_DATABASE_URL picks PostgreSQL; by default a SQLite file in a temporary folder. Tests that
need real commits from several connections (threads, a live server) use `committed_db`.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import marshmallow as ma
import pytest
import sqlalchemy as sa

from happiness_fair import create_app
from happiness_fair.api.plain_dump import PlainDump
from happiness_fair.catalogue.categories import ensure_categories
from happiness_fair.config import normalise_database_url
from happiness_fair.extensions import db, limiter

from .factories import Factories
from .helpers import ApiClient, QueryCounter


@pytest.hookimpl(trylast=True)  # after tests/e2e/conftest.py has marked the browser tests
def pytest_collection_modifyitems(config, items):
    """The PostgreSQL pass (TEST_DATABASE_URL set) runs what can differ between the databases:
    every test that reaches one (through `database_url`, or marked `database`), but not the
    browser walks, whose pages the API, service and deploy tests cover there. The rest (pure
    rules, translations, the lock, the OpenAPI lint, deploy files) did the same on SQLite."""
    if os.environ.get("TEST_DATABASE_URL"):
        _leave_to_sqlite(config, items)
    _longest_first(items)


def _leave_to_sqlite(config, items) -> None:
    def on_postgresql(item) -> bool:
        reaches = "database_url" in getattr(item, "fixturenames", ()) or item.get_closest_marker(
            "database"
        )
        return bool(reaches) and not item.get_closest_marker("browser")

    left = [item for item in items if not on_postgresql(item)]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if on_postgresql(item)]


def _longest_first(items) -> None:
    """pytest-xdist hands each worker an equal slice of the list and lets an idle one steal from
    the others' queues: a test that takes minutes (marked `minutes`) goes to the head of a slice
    of its own, so no worker starts one while the others are done."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    longest = [item for item in items if item.get_closest_marker("minutes")]
    if workers < 2 or not longest:
        return
    rest = iter([item for item in items if not item.get_closest_marker("minutes")])
    ordered, left = [], len(items)
    for k in range(workers):
        size = left // (workers - k)  # as xdist's work-stealing scheduler cuts the slices
        left -= size
        head = longest[k::workers]
        ordered += head + [item for _ in range(size - len(head)) if (item := next(rest, None))]
    items[:] = ordered + list(rest)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The suite's database; under pytest-xdist each worker gets its own (test_gw0, test_gw1, ...)
    beside the one TEST_DATABASE_URL names, so their transactions and TRUNCATEs never meet."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = normalise_database_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    given = sa.engine.make_url(url)
    own = f"{given.database}_{worker}"
    admin = sa.create_engine(given, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        there = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own})
        if there.first() is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{own}"')
    admin.dispose()
    return given.set(database=own).render_as_string(hide_password=False)


def app_settings(database_url: str) -> dict:
    """The suite's app: cheap password hashing, rate limits of its own, cookies over http."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 8192,
        "RATELIMIT_KEY_PREFIX": f"hf-test-{uuid.uuid4().hex[:8]}",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
    }


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(app_settings(database_url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        db.create_all()
        ensure_categories()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def database(app):
    """Everything a test writes is rolled back at its end (requests commit to a savepoint)."""
    with app.app_context():
        # Flask-SQLAlchemy's session asks db.engines for its bind on every statement: the
        # test's connection, with its outer transaction, stands in for the engine meanwhile.
        engines = db.engines
        engine = db.engine
        connection = engine.connect()
        outer = connection.begin()
        engines[None] = connection
        factory_kw = db.session.session_factory.kw
        factory_kw["join_transaction_mode"] = "create_savepoint"
    yield
    with app.app_context():
        db.session.remove()
    engines[None] = engine
    factory_kw.pop("join_transaction_mode", None)
    outer.rollback()
    connection.close()


@pytest.fixture
def committed_db(app):
    """For tests whose threads or live server need real commits; empties every table after."""
    yield
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
                )
            else:
                for table in tables:
                    conn.execute(sa.text(f'DELETE FROM "{table}"'))  # noqa: S608 (table names)


@pytest.fixture
def _categories_back(app):
    """committed_db empties every table, the shared categories too: put them back after it."""
    yield
    with app.app_context():
        ensure_categories()
        db.session.commit()


@pytest.fixture
def committed(_categories_back, committed_db, app) -> Factories:
    """Real commits that several threads can see; factories that write through them."""
    return Factories(app)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request):
    """Each test that serves requests starts with no sign-in attempts counted (a test that
    needs no app, such as a pure rule's, does not start one for this)."""
    if "app" in request.fixturenames:
        with request.getfixturevalue("app").app_context():
            limiter.reset()
    yield


@pytest.fixture
def make(app, database) -> Factories:
    return Factories(app)


@pytest.fixture
def client(app, database):
    return app.test_client()


@pytest.fixture
def api(app, database) -> ApiClient:
    return ApiClient(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def in_app(app):
    """`with in_app(): ...` to read the database directly in a test."""

    @contextmanager
    def context():
        with app.app_context():
            yield db.session

    return context


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: ...; counter.count`: statements sent to the database."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        target = engine.engine if isinstance(engine, sa.engine.Connection) else engine
        sa.event.listen(target, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(target, "before_cursor_execute", counter)

    return counting


@pytest.fixture
def both_ways(monkeypatch):
    """Every lean dump (api/plain_dump.py), next to marshmallow's own dump of the same object."""
    pairs = []
    lean = PlainDump.dump

    def dump(self, obj, *, many=None):
        mine = lean(self, obj, many=many)
        pairs.append((mine, ma.Schema.dump(self, obj, many=many)))
        return mine

    monkeypatch.setattr(PlainDump, "dump", dump)
    return pairs
