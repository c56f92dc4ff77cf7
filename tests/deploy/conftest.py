"""Fixtures for the production-path tests: a database of their own and Redis.

Each test here gets a fresh database, never the suite's: on PostgreSQL (TEST_DATABASE_URL) a
temporary `<name>_smoke_<random>` database on the same server, dropped afterwards; otherwise a new
SQLite file. Redis is TEST_REDIS_URL (default redis://127.0.0.1:6379/0) with a key prefix of the
test's own, removed afterwards.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from happiness_fair.config import normalise_database_url


@pytest.fixture
def fresh_database_url(database_url, tmp_path):
    """An empty database of this test's own, as a plain URL an operator would write."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'production.sqlite3'}"
        return
    admin_url = sa.engine.make_url(normalise_database_url(database_url))
    name = f"{admin_url.database}_smoke_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name, drivername="postgresql")
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def redis_url():
    """Redis for shared rate limits, with a key prefix of this test's own; None when it is down."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        yield None, None
        return
    prefix = f"hf-smoke-{uuid.uuid4().hex[:8]}"
    try:
        yield url, prefix
    finally:
        for key in client.scan_iter(match=f"*{prefix}*"):
            client.delete(key)
        client.close()
