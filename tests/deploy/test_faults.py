"""Faults under the production set-up (docs/RELIABILITY.md): gunicorn with two workers and the
repository's gunicorn.conf.py, clients booking and reading (API and a page) all the while.

PostgreSQL: a private PostgreSQL and a private Redis (never the machine's), then in turn Redis
stopped and started, PostgreSQL stopped and started, and a table held locked far past the statement
timeout. Embedded default (SQLite file), the server run as an unprivileged user: the disk full (a
file-size limit, `prlimit --fsize`, on the running workers), then the database file read-only.

Through every fault: no 500 and no bare 502/504, every error answer in API.md's shape (503
`unavailable` with Retry-After, the app's own maintenance page for pages), recovery without a
restart within seconds, and every booking answered 201 is in the database afterwards.

The PostgreSQL test runs in CI's PostgreSQL pass, the SQLite one in its SQLite pass (each under
90 s on the 2-core CI machine).
"""

from __future__ import annotations

import io
import json
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from happiness_fair.places.clock import today

from ..security.test_durability import _prepare
from .faults import (
    App,
    Load,
    PrivatePostgres,
    PrivateRedis,
    as_user,
    owned_tempdir,
    postgres_bin,
    shape_problem,
)
from .production import production_env

pytestmark = pytest.mark.slow

PHONE, PASSWORD = "13600000000", "durable-pass-1"  # the first client of _prepare
UNPRIVILEGED = "nobody"


def _booking(category_id: int) -> dict:
    return {
        "category_id": category_id,
        "date": (today() + timedelta(days=2)).isoformat(),
        "period": "morning",
        "mode": "home",
        "description": "厨房水龙头漏水",
    }


def _during(load: Load, phase: str, seconds: float) -> None:
    load.phase = phase
    time.sleep(seconds)


def _statuses(load: Load, phase: str, what: str) -> set[int]:
    return {s.status for s in load.in_phase(phase) if s.what == what}


def _report(name: str, load: Load, figures: dict) -> None:
    print(name, json.dumps({"answers": load.summary(), **figures}, ensure_ascii=False))


def _postgresql_run() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _user_missing(name: str) -> bool:
    """Root must hand the server to this user; without root we run as ourselves."""
    if os.geteuid() != 0:
        return False
    try:
        pwd.getpwnam(name)
    except KeyError:
        return True
    return False


@pytest.mark.database
@pytest.mark.skipif(not _postgresql_run(), reason="the PostgreSQL pass of CI runs this one")
@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL's initdb/pg_ctl are not installed")
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
@pytest.mark.skipif(_user_missing("postgres"), reason="no postgres user to run PostgreSQL as")
def test_redis_and_postgresql_faults_under_gunicorn(tmp_path):
    pg, redis = PrivatePostgres(), PrivateRedis()
    pg.init()
    pg.start()
    redis.start()
    app = load = None
    try:
        env = production_env(
            pg.url,
            tmp_path / "instance",
            REDIS_URL=redis.url,
            RATELIMIT_KEY_PREFIX="hf-faults",
            DB_STATEMENT_TIMEOUT="1",
            GUNICORN_THREADS="4",
            PYTHONDONTWRITEBYTECODE="1",
        )
        tokens, category_id = _prepare(pg.url, env)
        app = App(env, tmp_path / "gunicorn.log")
        app.start()
        load = Load(app, tokens[:3], _booking(category_id))
        load.start()
        figures = {}
        load.phase = "normal"
        load.wait_for("book", 201, "normal", 30)
        time.sleep(2)

        # Redis stopped: signing in still works (limits counted in memory), one warning a worker.
        _during(load, "redis down", 0)
        redis.stop()
        sign_ins = [
            app.request(
                "POST",
                "/api/v1/auth/tokens",
                json_body={"phone": PHONE, "password": PASSWORD},
                client=f"203.0.113.{i}",
            ).status
            for i in range(4)
        ]
        assert sign_ins == [201] * 4
        assert app.request("GET", "/healthz").status == 200
        fallbacks = app.logged("falling back to in-memory storage")
        assert 1 <= len(fallbacks) <= 2, fallbacks  # once per worker that met the outage
        assert all(line["level"] == "warning" for line in fallbacks)
        # Redis back: the limiter counts in Redis again, without a restart.
        load.phase = "redis back"
        redis.start()
        started = time.monotonic()
        while not redis.keys("*hf-faults*"):
            assert time.monotonic() - started < 45, "the limiter did not go back to Redis"
            app.request(
                "POST",
                "/api/v1/auth/tokens",
                json_body={"phone": PHONE, "password": "wrong-password"},
                client="203.0.113.99",
            )
            time.sleep(0.5)
        figures["redis_back_seconds"] = round(time.monotonic() - started, 1)
        assert _statuses(load, "redis down", "book") | _statuses(load, "redis back", "book") <= {
            201
        }

        # PostgreSQL stopped, then started again.
        load.phase = "postgresql down"
        pg.stop()
        time.sleep(3)
        assert 503 in _statuses(load, "postgresql down", "read")
        assert app.request("GET", "/healthz").status == 503
        load.phase = "postgresql back"
        pg.start()
        figures["postgresql_back_seconds"] = round(
            load.wait_for("book", 201, "postgresql back", 30), 1
        )

        # A table held locked far past the statement timeout (1 s here).
        with psycopg.connect(pg.url) as locker:
            locker.execute("LOCK TABLE bookings IN ACCESS EXCLUSIVE MODE")
            load.phase = "table locked"
            time.sleep(5)
            locker.rollback()
        locked = load.in_phase("table locked")
        assert 503 in {s.status for s in locked if s.what == "read"}
        load.phase = "lock released"
        figures["lock_released_seconds"] = round(load.wait_for("book", 201, "lock released", 30), 1)
        time.sleep(1)
        load.stop()

        assert load.problems() == []
        acknowledged = load.acknowledged()
        with psycopg.connect(pg.url) as conn:
            stored = {
                row[0]
                for row in conn.execute(
                    "SELECT id FROM bookings WHERE id = ANY(%s)", (acknowledged,)
                )
            }
        assert stored == set(acknowledged)
        figures["bookings_answered_201"] = len(acknowledged)
        warnings = app.logged("database unavailable")
        assert warnings and all(line["level"] == "warning" for line in warnings)
        assert app.process.poll() is None  # never restarted
        _report("faults-postgresql", load, figures)
    finally:
        if load is not None:
            load.stop()
        if app is not None:
            app.stop()
        redis.stop()
        pg.destroy()


def _photo(size: int) -> tuple[str, bytes]:
    """A multipart upload of a PNG of about `size` bytes (noise does not compress): small ones
    stay in memory, one over 500 KB is spooled by Werkzeug to a temporary file first."""
    from PIL import Image
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    side = max(8, int((size / 3) ** 0.5))
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    boundary, body = encode_multipart({"photo": FileStorage(out, filename="tap.png")})
    return f"multipart/form-data; boundary={boundary}", body


def _upload(app: App, token: str, booking_id: int, size: int):
    path = f"/api/v1/bookings/{booking_id}/photos"
    return app.request("POST", path, token=token, raw=_photo(size))


def _prlimit_fsize(app: App, limit: str) -> None:
    """The file-size limit on the running master and workers (a full disk, as SQLite meets it:
    every write that would grow a file fails). Only the soft limit, set as the server's own user:
    lifting it again needs no privilege."""
    for pid in [app.process.pid, *app.workers()]:
        subprocess.run(
            [*as_user(app.user), "prlimit", "--pid", str(pid), f"--fsize={limit}:"],
            check=True,
            capture_output=True,
        )


@pytest.mark.skipif(_postgresql_run(), reason="the SQLite pass of CI runs this one")
@pytest.mark.skipif(_user_missing(UNPRIVILEGED), reason=f"no {UNPRIVILEGED} user")
@pytest.mark.skipif(shutil.which("prlimit") is None, reason="prlimit (util-linux) is missing")
def test_embedded_sqlite_full_disk_and_read_only_file_under_gunicorn(tmp_path):
    user = UNPRIVILEGED if os.geteuid() == 0 else None  # root writes through a read-only mode
    instance = owned_tempdir(user, "hf-faults-sqlite-")
    database = instance / "happiness_fair.sqlite3"
    app = load = None
    try:
        env = production_env("unused", instance, GUNICORN_THREADS="4", PYTHONDONTWRITEBYTECODE="1")
        for name in ("DATABASE_URL", "SECRET_KEY"):  # the embedded default
            env.pop(name)
        env["SESSION_COOKIE_SECURE"] = "false"
        tokens, category_id = _prepare(f"sqlite:///{database}", env)
        if user is not None:
            subprocess.run(["chown", "-R", f"{user}:", str(instance)], check=True)
        app = App(env, tmp_path / "gunicorn.log", user=user, processes=1)  # 4 threads
        app.start()
        load = Load(app, tokens[:3], _booking(category_id))
        load.start()
        figures = {}
        load.phase = "normal"
        load.wait_for("book", 201, "normal", 30)
        time.sleep(2)

        # The disk full: writes answer 503, reads go on.
        _prlimit_fsize(app, "1")
        _during(load, "disk filling", 1)  # answers to requests sent before the limit
        _during(load, "disk full", 4)
        assert _statuses(load, "disk full", "book") == {503}
        assert 200 in _statuses(load, "disk full", "read")
        # Photos are kept in the database: the same 503, also for one too large to stay in memory.
        booking_id = next(s.booking_id for s in load.seen if s.booking_id)
        owner = next(
            token
            for token in tokens[:3]
            if app.request("GET", f"/api/v1/bookings/{booking_id}", token=token).status == 200
        )
        for size in (2_000, 900_000):
            refused = _upload(app, owner, booking_id, size)
            assert refused.status == 503, (size, refused.body[:300])
            assert shape_problem(refused, html=False) is None
        load.phase = "disk has room"
        _prlimit_fsize(app, "unlimited")
        figures["disk_room_seconds"] = round(load.wait_for("book", 201, "disk has room", 30), 1)
        assert _upload(app, owner, booking_id, 900_000).status == 201

        # The database file read-only (a restore with the wrong owner, a read-only mount): the
        # server started on it reads, writes answer 503; made writable, writes work again.
        load.paused.set()
        time.sleep(1)
        app.stop()
        database.chmod(0o444)
        app.start(health=503)  # /healthz: the database cannot be written
        load.phase = "read-only file"
        load.paused.clear()
        time.sleep(4)
        assert _statuses(load, "read-only file", "book") == {503}
        assert 200 in _statuses(load, "read-only file", "read")
        load.phase = "file writable"
        database.chmod(0o644)
        figures["writable_seconds"] = round(load.wait_for("book", 201, "file writable", 30), 1)
        # Not one write in two (the -shm file SQLite created read-only, a read-only connection
        # still pooled in some worker or thread): seconds later, every write is 201.
        time.sleep(3)
        load.phase = "file writable, settled"
        time.sleep(6)
        assert _statuses(load, "file writable, settled", "book") == {201}
        assert app.request("GET", "/healthz").status == 200
        modes = {p.name: p.stat().st_mode & 0o777 for p in instance.glob("*.sqlite3*")}
        writer = modes.pop("happiness_fair.sqlite3-writer")  # the workers' turn to write
        assert set(modes.values()) == {0o644}, modes  # the database, its -wal and -shm
        assert writer == 0o640, oct(writer)  # no other account may hold the writers' turn

        # The reviewer's case: the file made read-only while the server runs (the workers
        # reloaded with HUP: a file opened writable stays so), then writable again, no restart.
        load.phase = "read-only while running"
        database.chmod(0o444)
        os.kill(app.process.pid, signal.SIGHUP)
        load.wait_for("book", 503, "read-only while running", 30)
        time.sleep(3)
        assert app.request("GET", "/healthz").status == 503  # a load balancer sees it
        load.phase = "writable while running"
        database.chmod(0o644)
        figures["writable_while_running_seconds"] = round(
            load.wait_for("book", 201, "writable while running", 30), 1
        )
        time.sleep(3)
        load.phase = "writable while running, settled"
        time.sleep(10)
        settled = [s.status for s in load.in_phase("writable while running, settled")]
        figures["answers_after_recovery"] = len(settled)
        assert _statuses(load, "writable while running, settled", "book") == {201}
        assert 503 not in settled
        assert app.request("GET", "/healthz").status == 200
        load.stop()
        app.stop()

        assert load.problems() == []
        acknowledged = load.acknowledged()
        conn = sqlite3.connect(database)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            marks = ",".join("?" * len(acknowledged))
            query = f"SELECT id FROM bookings WHERE id IN ({marks})"  # noqa: S608 (placeholders)
            stored = {row[0] for row in conn.execute(query, acknowledged)}
        finally:
            conn.close()
        assert stored == set(acknowledged)
        figures["bookings_answered_201"] = len(acknowledged)
        _report("faults-sqlite", load, figures)
    finally:
        if load is not None:
            load.stop()
        if app is not None:
            app.stop()
        subprocess.run(["rm", "-rf", str(Path(instance))], check=False)
