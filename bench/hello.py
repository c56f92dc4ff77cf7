"""The ceiling: a bare Flask app answering a small JSON "hello", run under the same gunicorn
configuration as the product (bench/load starts it with gunicorn.conf.py).

And the floor of this stack (issue 22): `/orm` answers one SQLAlchemy ORM query, a catalogue
page of 20 listings with their volunteer's standing and name, as plain JSON: no login, no
babel, no marshmallow, no templates. What the app costs beyond that is its own.

`/floor/<scenario>` is each scenario's own floor: the very statements one request of it sent
(captured by bench/load from the app, parameters and all, into the pickle BENCH_REPLAY names),
sent again in one transaction (a read's committed, a write's rolled back) through SQLAlchemy's
connection, every row fetched, answered with a count. Neither ORM objects nor sign-in, rules,
dump or templates: what any Flask app asking the database the same questions would pay at least.

`/ormfloor/<scenario>` is its floor on this stack: the very ORM statements one request of it
asked its session (captured by bench/load as SQLAlchemy's serializer writes them, options and
all), asked again through a plain Session, which builds the same objects (the account with its
roles, the page of bookings with their timelines); answered with a count. What the app adds
beyond that is its sign-in hooks, its privacy rules, its dump and Flask's extensions.
"""

import os
import pickle
from contextlib import nullcontext

import sqlalchemy as sa
from flask import Flask, abort
from sqlalchemy.ext import serializer
from sqlalchemy.orm import Session

from happiness_fair.config import _engine_options
from happiness_fair.database import read_only

# Imported when the worker boots, as the product's are: /hello itself never touches them.
# Every model, so that the mappers of a deserialised statement are all configured.
from happiness_fair.extensions import db
from happiness_fair.models import Listing, User, Volunteer

WRITES = ("INSERT", "UPDATE", "DELETE")

app = Flask(__name__)


@app.get("/hello")
def hello():
    return {"hello": "world"}


def _engine():
    """Connected as the app connects (on PostgreSQL: no JIT, which compiled some of the floors'
    statements for milliseconds the app never spends; its pool as gunicorn.conf.py sizes it)."""
    engine = app.config.get("BENCH_ENGINE")
    if engine is None:
        url = os.environ["DATABASE_URL"]
        engine = sa.create_engine(url, **_engine_options(url))
        app.config["BENCH_ENGINE"] = engine
    return engine


@app.get("/orm")
def orm():
    with read_only(), Session(_engine()) as session:
        rows = session.execute(
            sa.select(Listing, Volunteer.completed_count, User.name)
            .join(Volunteer, Volunteer.id == Listing.volunteer_id)
            .join(User, User.id == Volunteer.user_id)
            .where(Listing.community_id == 1, Listing.active.is_(True))
            .order_by(Volunteer.completed_count.desc(), Listing.id)
            .limit(20)
        ).all()
        answer = {
            "items": [
                {"id": listing.id, "title": listing.title, "fee_fen": listing.fee_fen,
                 "volunteer": {"name": name, "completed_count": done}}
                for listing, done, name in rows
            ]
        }  # fmt: skip
        session.commit()  # as the app's reads end (a ROLLBACK drops the prepared statements)
        return answer


def _replays() -> dict:
    replays = app.config.get("BENCH_REPLAYS")
    if replays is None:
        path = os.environ.get("BENCH_REPLAY")
        replays = {}
        if path:
            with open(path, "rb") as f:
                replays = pickle.load(f)  # bench/load wrote it for this run
        app.config["BENCH_REPLAYS"] = replays
    return replays


@app.get("/floor/<name>")
def floor(name):
    statements = _replays().get(name)
    if statements is None:
        abort(404)
    rows = 0
    writes = any(s.lstrip().upper().startswith(WRITES) for s, _parameters in statements)
    # A write's transaction is rolled back: a replayed write would pile rows onto the bench data
    # (and thousands of events onto the one booking it names). So a write's floor leaves out its
    # commit, but pays as the app's failed requests do: psycopg forgets a connection's prepared
    # statements at every ROLLBACK, and plans them again. A read commits, as the app's do, so
    # its statements are prepared after their fifth time (rolled back, they were planned every
    # time: 1-3 ms more a statement at a district's scale, which the floors of rounds 2-10 on
    # PostgreSQL paid and the app did not). Reads begin as the app's GETs do (on SQLite not
    # IMMEDIATE: readers do not queue for the writer).
    with (
        nullcontext() if writes else read_only(),
        _engine().connect() as conn,
        conn.begin() as transaction,
    ):
        for statement, parameters in statements:
            result = conn.exec_driver_sql(statement, parameters)
            if result.returns_rows:
                rows += len(result.fetchall())
        if writes:
            transaction.rollback()
    return {"statements": len(statements), "rows": rows}


def _orm_statements(name: str) -> list | None:
    """A scenario's ORM statements, deserialised once per worker (it takes milliseconds)."""
    kept = app.config.setdefault("BENCH_ORM", {})
    if name not in kept:
        captured = _replays().get(f"orm:{name}")
        kept[name] = captured and [
            (serializer.loads(data, db.metadata), parameters) for data, parameters in captured
        ]
    return kept[name]


def ask_orm(engine, statements: list) -> int:
    """Ask ORM statements through a plain Session, as the app's GETs read, ending with a commit
    as they do (a ROLLBACK drops psycopg's prepared statements); how many rows they gave."""
    rows = 0
    with read_only(), Session(engine) as session:
        for statement, parameters in statements:
            result = session.execute(statement, parameters)
            # Made unique only where the app must: a page with its collections joined (a Core
            # statement's context, a page of records, never needs it).
            if getattr(result.context, "requires_uniquing", False):
                result = result.unique()
            rows += len(result.all())
        session.commit()
    return rows


@app.get("/ormfloor/<name>")
def orm_floor(name):
    statements = _orm_statements(name)
    if not statements:
        abort(404)
    return {"statements": len(statements), "rows": ask_orm(_engine(), statements)}
