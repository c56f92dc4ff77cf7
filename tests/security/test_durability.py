"""Durability: the app under gunicorn (2 workers) takes bookings from several clients, is killed
with SIGKILL mid-stream, and restarts; every booking it answered 201 is there and whole (its
events row and quote), and no booking is half-written. On SQLite, and on PostgreSQL when the run
has a PostgreSQL database. Also `flask backup`, a consistent copy of SQLite while writes go on.

These start real server processes on 127.0.0.1 only, with bounded request loops.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from happiness_fair import create_app
from happiness_fair.accounts import security
from happiness_fair.accounts.models import Resident, Role, User, UserRole
from happiness_fair.bookings.models import Booking, BookingEvent
from happiness_fair.catalogue.categories import category_by_code
from happiness_fair.config import normalise_database_url
from happiness_fair.extensions import db
from happiness_fair.places.clock import today
from happiness_fair.places.models import Building, Community, Compound, Grid

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 4
KILL_AFTER = 30  # acknowledged bookings before the SIGKILL
REQUEST_BUDGET = 400  # bound on requests per client
SECRET = "durability-test-secret-0123456789"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_admin_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


# The PostgreSQL case reaches the database TEST_DATABASE_URL names by itself (`database`: the
# PostgreSQL pass keeps it).
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.database)])
def database_for_server(request, tmp_path):
    """A database of the test's own: a SQLite file, or a temporary PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'durable.sqlite3'}"
        return
    admin = _postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL durability runs with TEST_DATABASE_URL set to PostgreSQL")
    import psycopg

    base, _, dbname = admin.rpartition("/")
    name = f"{dbname.split('?')[0]}_durability_{uuid.uuid4().hex[:8]}"
    plain = admin.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str, instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "TEST_DATABASE_URL"}}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET,
        HF_INSTANCE_PATH=str(instance),
        RATELIMIT_ENABLED="false",
        SESSION_COOKIE_SECURE="false",
    )
    return env


def _prepare(database_url: str, env: dict) -> tuple[list[str], int]:
    """Schema through the migrations (as a deployment makes it), then bookers and their tokens."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "init-db"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
            "SECRET_KEY": SECRET,
            "PASSWORD_HASH_TIME_COST": 1,
            "PASSWORD_HASH_MEMORY_KIB": 8192,
        }
    )
    tokens = []
    with app.app_context():
        community = Community(name="耐久社区", street="测试街道")
        db.session.add(community)
        db.session.flush()
        grid = Grid(community_id=community.id, number=1, name="第1网格")
        compound = Compound(community_id=community.id, name="测试小区")
        db.session.add_all([grid, compound])
        db.session.flush()
        building = Building(
            community_id=community.id, compound_id=compound.id, grid_id=grid.id, name="1幢"
        )
        db.session.add(building)
        db.session.flush()
        password_hash = security.hash_password("durable-pass-1")
        for i in range(CLIENTS):
            user = User(
                community_id=community.id,
                phone=f"1360000{i:04d}",
                name=f"居民{i}",
                password_hash=password_hash,
                roles=[UserRole(role=Role.resident)],
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(
                Resident(
                    community_id=community.id,
                    user_id=user.id,
                    name=user.name,
                    phone=user.phone,
                    building_id=building.id,
                    unit="1",
                    room=str(101 + i),
                )
            )
            tokens.append(security.open_auth_session(user, "api", "durability"))
        category_id = category_by_code("plumbing").id
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens, category_id


class Server:
    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.port = env, log, _free_port()
        self.process: subprocess.Popen | None = None
        self._log_file = None

    def start(self) -> float:
        started = time.monotonic()
        self._close_log()
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(  # its own process group: SIGKILL reaches every worker
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "30",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = started + 60
        while time.monotonic() < deadline:
            try:
                if _call(self.port, "GET", "/healthz")[0] == 200:
                    return time.monotonic() - started
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"gunicorn did not start: {self.log.read_text()[-2000:]}")

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._close_log()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()


def _call(port: int, method: str, path: str, token: str | None = None, **kw):
    """One HTTP request on a fresh connection to 127.0.0.1: (status, JSON body or None)."""
    headers = {"Content-Type": "application/json", **kw.pop("headers", {})}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(kw["json"]).encode() if "json" in kw else None
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, None
    finally:
        conn.close()


def _post_booking(port: int, token: str, key: str, body: dict) -> tuple[int, dict | None]:
    headers = {"Idempotency-Key": key}
    return _call(port, "POST", "/api/v1/bookings", token, json=body, headers=headers)


def _get(port: int, token: str, path: str) -> tuple[int, dict | None]:
    return _call(port, "GET", path, token)


def test_bookings_answered_201_survive_a_sigkill_whole(database_for_server, tmp_path):
    env = _env(database_for_server, tmp_path / "instance")
    tokens, category_id = _prepare(database_for_server, env)
    server = Server(env, tmp_path / "gunicorn.log")
    server.start()
    body = {
        "category_id": category_id,
        "date": (today() + timedelta(days=2)).isoformat(),
        "period": "morning",
        "mode": "home",
        "description": "厨房水龙头漏水",
    }
    acknowledged: list[tuple[int, str, int]] = []  # (client, key, booking id)
    in_flight: dict[int, str] = {}  # the request each client had out when the server died
    other_answers: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(n: int) -> None:
        for i in range(REQUEST_BUDGET):
            if stop.is_set():
                return
            key = f"c{n}-{i}"
            with lock:
                in_flight[n] = key
            try:
                status, answer = _post_booking(server.port, tokens[n], key, body)
            except (OSError, http.client.HTTPException):
                return  # the server is gone: this request's fate is unknown
            with lock:
                in_flight.pop(n, None)
                if status == 201:
                    acknowledged.append((n, key, answer["id"]))
                else:
                    other_answers.append(status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    deadline = started + 120
    while time.monotonic() < deadline:
        with lock:
            if len(acknowledged) >= KILL_AFTER:
                break
        time.sleep(0.01)
    server.kill()  # SIGKILL, mid-stream: the clients are still sending
    killed_at = time.monotonic()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert other_answers == [] or set(other_answers) <= {503}, other_answers
    assert len(acknowledged) >= KILL_AFTER

    restart_seconds = server.start()
    try:
        # Every booking answered 201 is there and whole.
        for n, _key, booking_id in acknowledged:
            status, booking = _get(server.port, tokens[n], f"/api/v1/bookings/{booking_id}")
            assert status == 200, booking_id
            assert booking["status"] == "requested" and booking["events"], booking
            assert booking["quote"]["amount_due_fen"] is not None
        rows_before_retries = sum(
            _get(server.port, token, "/api/v1/bookings?per_page=1")[1]["total"] for token in tokens
        )
        # A client whose request was cut off retries it with the same key: at most one booking.
        for n, key in in_flight.items():
            status, answer = _post_booking(server.port, tokens[n], key, body)
            assert status == 201
            again = _post_booking(server.port, tokens[n], key, body)[1]
            assert again["id"] == answer["id"]
    finally:
        server.stop()

    # Straight from the database: no booking without its events row and quote, no key twice.
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_for_server), "SECRET_KEY": "x"}
    )
    with app.app_context():
        bookings = db.session.execute(sa.select(Booking)).scalars().all()
        with_events = set(db.session.execute(sa.select(BookingEvent.booking_id)).scalars())
        assert {b.id for b in bookings} >= {a[2] for a in acknowledged}
        half_written = [b.id for b in bookings if b.id not in with_events or not b.quote]
        assert half_written == []
        keys = [(b.booker_id, b.idempotency_key) for b in bookings]
        assert len(keys) == len(set(keys))
        if db.engine.dialect.name == "sqlite":
            verdict = db.session.execute(sa.text("PRAGMA integrity_check")).scalar_one()
            assert verdict == "ok"
        db.session.remove()
        db.engine.dispose()
    figures = {
        "database": database_for_server.split(":")[0],
        "acknowledged_before_kill": len(acknowledged),
        "in_flight_at_kill": len(in_flight),
        "rows_after_restart_before_retries": rows_before_retries,
        "rows_after_retries": len(bookings),
        "seconds_to_kill": round(killed_at - started, 2),
        "restart_seconds": round(restart_seconds, 2),
    }
    print("durability", json.dumps(figures))


def test_backup_makes_a_consistent_copy_while_writes_go_on(tmp_path):
    source = tmp_path / "live.sqlite3"
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{source}", "SECRET_KEY": "backup-test"}
    )
    with app.app_context():
        db.create_all()
        db.session.commit()
    stop = threading.Event()
    written = []

    def writer() -> None:
        # Another process's connection in real life: many small committed transactions.
        conn = sqlite3.connect(source, timeout=15)
        try:
            for i in range(5000):
                if stop.is_set():
                    break
                with conn:
                    conn.execute(
                        "INSERT INTO communities (name, street, district, city) "
                        "VALUES (?, '街道', '区', '南通')",
                        (f"社区{i}",),
                    )
                written.append(i)
        finally:
            conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 50:
            time.sleep(0.01)
        copy = tmp_path / "backups" / "copy.sqlite3"
        copy.parent.mkdir()
        result = app.test_cli_runner().invoke(args=["backup", str(copy)])
        during = len(written)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    check = sqlite3.connect(copy)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = check.execute("SELECT count(*) FROM communities").fetchone()[0]
        names = {r[0] for r in check.execute("SELECT name FROM communities")}
    finally:
        check.close()
    assert 50 <= rows <= during + 1
    assert names == {f"社区{i}" for i in range(rows)}  # a prefix of the writes: one snapshot
    assert not (copy.parent / "copy.sqlite3.partial").exists()
    with app.app_context():
        db.engine.dispose()


def test_backup_refuses_postgresql(app, runner, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("the test database is SQLite")
    result = runner.invoke(args=["backup", str(tmp_path / "never-written.sqlite3")])
    assert result.exit_code != 0 and "pg_dump" in result.output
