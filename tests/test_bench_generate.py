"""bench/generate keeps working: a tiny data set (two communities, the second one copied inside
the database as at district scale) whose kept totals equal a recount of its hours records, and
which the app's own ranking reads back."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    path = tmp / "tiny.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{path}",
        "SECRET_KEY": "bench-test-" + "0123456789" * 3,
        "HF_INSTANCE_PATH": str(tmp / "instance"),
    }
    env.pop("TEST_DATABASE_URL", None)
    command = [sys.executable, str(ROOT / "bench" / "generate"), "--scale", "tiny"]
    command += ["--communities", "2", "--distinct", "1", "--reset", "--state", str(tmp / "s.json")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return path, json.loads((tmp / "s.json").read_text())


def _rows(conn, sql):
    return {tuple(row[:-2]): tuple(row[-2:]) for row in conn.execute(sql)}


def test_kept_totals_equal_a_recount_of_the_records(generated):
    path, state = generated
    conn = sqlite3.connect(path)
    recount_days = _rows(
        conn,
        "SELECT volunteer_id, grid_id, date, SUM(minutes), SUM(source = 'booking') "
        "FROM hours_records WHERE status = 'verified' GROUP BY 1, 2, 3",
    )
    kept_days = _rows(
        conn, "SELECT volunteer_id, grid_id, day, minutes, services FROM hours_day_totals"
    )
    assert recount_days and kept_days == recount_days
    recount_months = _rows(
        conn,
        "SELECT volunteer_id, grid_id, strftime('%Y-%m-01', date), SUM(minutes), "
        "SUM(source = 'booking') FROM hours_records WHERE status = 'verified' GROUP BY 1, 2, 3",
    )
    kept_months = _rows(
        conn, "SELECT volunteer_id, grid_id, month, minutes, services FROM hours_month_totals"
    )
    assert kept_months == recount_months
    wrong = conn.execute(
        "SELECT COUNT(*) FROM volunteers v WHERE verified_minutes != COALESCE((SELECT "
        "SUM(minutes) FROM hours_records r WHERE r.volunteer_id = v.id AND status = 'verified'), 0)"
        " OR completed_count != (SELECT COUNT(*) FROM bookings b WHERE b.volunteer_id = v.id "
        "AND b.status = 'confirmed') OR rating_sum != COALESCE((SELECT SUM(rating) FROM bookings b"
        " WHERE b.volunteer_id = v.id AND b.status = 'confirmed'), 0)"
    ).fetchone()[0]
    assert wrong == 0
    # Both communities have their own people: the copy shifted every id and phone number.
    assert conn.execute("SELECT COUNT(DISTINCT community_id) FROM bookings").fetchone()[0] == 2
    phones = conn.execute("SELECT COUNT(phone), COUNT(DISTINCT phone) FROM users").fetchone()
    assert phones[0] == phones[1] > 0
    assert state["communities"][0]["top_volunteer_jobs"] > 50


def test_the_app_ranks_the_generated_hours_as_recounted(generated, monkeypatch):
    path, _ = generated
    monkeypatch.setenv("HF_INSTANCE_PATH", str(path.parent / "instance"))
    from happiness_fair import create_app
    from happiness_fair.extensions import db
    from happiness_fair.hours import rankings

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x"})
    with app.app_context():
        community_id = 2
        ranked = rankings.volunteer_ranking(
            community_id, date(2000, 1, 1), date(2100, 12, 31), grid_id=None, tag=None, limit=None
        )
        recount = dict(
            db.session.execute(
                db.text(
                    "SELECT volunteer_id, SUM(minutes) FROM hours_records WHERE status = "
                    "'verified' AND community_id = :c GROUP BY 1"
                ),
                {"c": community_id},
            ).all()
        )
        assert {item.volunteer_id: item.minutes for item in ranked} == recount
        db.session.remove()
        db.engine.dispose()


def test_the_orm_floor_builds_what_the_app_read(generated, monkeypatch, tmp_path):
    """bench/load's floor on this stack asks, through a plain Session, the very ORM statements a
    request of the app asked: the account built as objects, and the same page of bookings."""
    import importlib
    import importlib.machinery
    import importlib.util
    import pickle
    import random

    path, state = generated
    monkeypatch.setenv("HF_INSTANCE_PATH", str(path.parent / "instance"))
    monkeypatch.setenv("SECRET_KEY", "bench-test-" + "0123456789" * 3)
    loader = importlib.machinery.SourceFileLoader("bench_load", str(ROOT / "bench" / "load"))
    load = importlib.util.module_from_spec(importlib.util.spec_from_loader("bench_load", loader))
    loader.exec_module(load)
    prepared = load.prepare(state, 1)
    captured = load.capture_statements(state, prepared, ["my_bookings", "job_board"])
    assert {"orm:my_bookings", "orm:job_board"} <= captured.keys()

    # What the app answered to the request whose statements were captured.
    import sqlalchemy as sa

    from happiness_fair import create_app
    from happiness_fair.extensions import db

    asks = load.requests_for("my_bookings", prepared, 1, random.Random(0), state)[0]
    method, url, headers, body = asks[1 % len(asks)]
    app = create_app({"SQLALCHEMY_DATABASE_URI": state["database_url"]})
    items = app.test_client().open(url, method=method, headers=headers, data=body).json["items"]
    assert items

    replay = tmp_path / "replay.pickle"
    replay.write_bytes(pickle.dumps(captured))
    monkeypatch.setenv("BENCH_REPLAY", str(replay))
    monkeypatch.setenv("DATABASE_URL", state["database_url"])
    monkeypatch.syspath_prepend(str(ROOT))
    hello = importlib.import_module("bench.hello")
    for kept in ("BENCH_ENGINE", "BENCH_REPLAYS", "BENCH_ORM"):
        monkeypatch.delitem(hello.app.config, kept, raising=False)
    client = hello.app.test_client()
    try:
        # The sign-in's account, then the page's bookings as rows (records.py): one per step of
        # each booking's timeline and photo, or one for a booking without.
        rows = sum(max(1, len(i["events"])) * max(1, len(i["photos"] or ())) for i in items)
        assert client.get("/ormfloor/my_bookings").json == {"statements": 2, "rows": 1 + rows}
        sent = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith("BEGIN"):
                sent.append((statement, parameters))

        sa.event.listen(hello.app.config["BENCH_ENGINE"], "before_cursor_execute", record)
        for name in ("my_bookings", "job_board"):
            sent.clear()
            assert client.get(f"/ormfloor/{name}").status_code == 200
            assert sent == captured[name]  # the same statements, with the same values
        assert client.get("/floor/my_bookings").json["statements"] == 2
        assert client.get("/ormfloor/nothing").status_code == 404
    finally:
        hello.app.config["BENCH_ENGINE"].dispose()
        with app.app_context():
            db.engine.dispose()
