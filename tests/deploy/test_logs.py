"""JSON-line logs: a request id that comes back in a header, errors with their stack, and no phone
number, birth date or address in any line (happiness_fair/logs.py)."""

from __future__ import annotations

import io
import json
import logging

import pytest
import sqlalchemy as sa

from happiness_fair import create_app
from happiness_fair.extensions import db
from happiness_fair.logs import JsonFormatter, configure_logging, scrub

PHONE = "13800138002"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"login failed for {PHONE}", "login failed for [phone]"),
        ("call +86 138 0013 8002 now", "call [phone] now"),
        ("born 1941-03-08", "born [date]"),
        ("born 1941/3/8 or 1941年3月8日 or 19410308", "born [date] or [date] or [date]"),
        ("lives at 虹桥东村152幢 3单元 401室", "lives at 虹桥东村[address] [address] [address]"),
        ("id 32068219410308002X", "id [id]"),
        ("booking 42 accepted in 130 ms", "booking 42 accepted in 130 ms"),
    ],
)
def test_personal_data_is_masked_and_the_rest_kept(text, expected):
    assert scrub(text) == expected


def test_every_request_gets_an_id_back_and_a_proxy_id_is_kept(client):
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert len(first.headers["X-Request-ID"]) == 32
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    from_nginx = client.get("/healthz", headers={"X-Request-ID": "a1b2c3d4e5f6a7b8"})
    assert from_nginx.headers["X-Request-ID"] == "a1b2c3d4e5f6a7b8"
    for junk in ("short", "has spaces in it", "x" * 65, '"},{"injected": 1'):
        answer = client.get("/healthz", headers={"X-Request-ID": junk})
        assert answer.headers["X-Request-ID"] != junk
        assert len(answer.headers["X-Request-ID"]) == 32
    # Error answers carry it too, on the API and on pages.
    assert client.get("/api/v1/no-such-thing").headers["X-Request-ID"]
    assert client.get("/no-such-page").headers["X-Request-ID"]


@pytest.fixture
def crashing_app(tmp_path):
    """An app of its own with a page that fails with personal data in its error message."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "logs",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'logs.sqlite3'}",
        }
    )

    @app.get("/boom")
    def boom():
        raise RuntimeError(f"resident {PHONE} born 1941-03-08 at 152幢 3单元 401室")

    stream = io.StringIO()
    configure_logging(stream=stream)
    # A migration run in this process (alembic's fileConfig) may have switched loggers off.
    for name in ("happiness_fair.errors", "happiness_fair.http"):
        logging.getLogger(name).disabled = False
    yield app, stream
    configure_logging()
    with app.app_context():
        db.engine.dispose()


def test_an_error_is_logged_as_json_with_its_stack_and_request_id_but_no_personal_data(
    crashing_app,
):
    app, stream = crashing_app
    answer = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    assert answer.status_code == 500
    request_id = answer.headers["X-Request-ID"]
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    (error,) = [line for line in lines if line["msg"] == "unhandled error"]
    assert error["level"] == "error"
    assert error["request_id"] == request_id
    assert "Traceback" in error["exc"] and "RuntimeError" in error["exc"]
    assert "in boom" in error["exc"]  # the stack names the failing function
    assert "resident [phone] born [date] at [address]" in error["exc"]
    text = stream.getvalue()
    for personal in (PHONE, "1941-03-08", "152幢", "401室"):
        assert personal not in text


def test_extra_fields_are_kept_and_masked_too():
    record = logging.LogRecord("x", logging.INFO, "f.py", 1, "hello %s", ("world",), None)
    record.phone_seen = PHONE
    record.minutes = 40
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "hello world"
    assert line["phone_seen"] == "[phone]"
    assert line["minutes"] == 40
    assert line["level"] == "info" and line["ts"].endswith("+00:00")


def test_a_database_error_is_logged_without_the_values_it_was_given(app, database):
    """SQLAlchemy puts a statement's parameters in its error text unless told not to, and
    PostgreSQL repeats a duplicate value in its DETAIL line: neither reaches the log."""
    insert = sa.text(
        "INSERT INTO communities (name, street, district, city) VALUES (:n, '', '', '')"
    )
    with app.app_context():
        db.session.execute(insert, {"n": PHONE})
        with pytest.raises(sa.exc.IntegrityError) as failed, db.session.begin_nested():
            db.session.execute(insert, {"n": PHONE})
        db.session.rollback()
    assert "SQL parameters hidden" in str(failed.value)
    logger = logging.getLogger("happiness_fair.http")
    record = logger.makeRecord(
        logger.name,
        logging.INFO,
        "http.py",
        1,
        "commit refused by a constraint",
        (),
        (type(failed.value), failed.value, failed.value.__traceback__),
    )
    line = json.loads(JsonFormatter().format(record))
    assert "IntegrityError" in line["exc"]
    assert PHONE not in json.dumps(line, ensure_ascii=False)
