"""A failed request changes nothing, and on PostgreSQL one that wrote nothing does not cost the
connection its prepared statements (database.undo)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from happiness_fair import create_app
from happiness_fair.accounts import security
from happiness_fair.accounts.models import User
from happiness_fair.audit import AuditEvent
from happiness_fair.database import undo, utcnow
from happiness_fair.extensions import db
from tests.factories import Factories


def _prepared_now() -> int:
    count = db.session.execute(sa.text("SELECT count(*) FROM pg_prepared_statements"))
    return count.scalar_one()


def test_a_failed_read_keeps_the_connections_prepared_statements(
    database_url, monkeypatch, _categories_back, committed_db
):
    """A 404 (a booking that is not there) rolled back, and psycopg forgot every plan it had
    prepared on the connection: the next requests there were planned afresh. Now it ends with a
    commit, which undoes the same nothing."""
    if not database_url.startswith("postgresql"):
        pytest.skip("prepared statements are PostgreSQL's")
    # One connection, so every request below and the counts are on the same one.
    monkeypatch.setenv("DB_POOL_SIZE", "1")
    monkeypatch.setenv("DB_MAX_OVERFLOW", "0")
    one = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "one-connection-secret",
            "RATELIMIT_KEY_PREFIX": f"hf-undo-{uuid.uuid4().hex[:8]}",
        }
    )
    try:
        with one.app_context():
            user = Factories(one).resident().account_user
            token = security.open_auth_session(user, "api", "test")
            db.session.commit()
        client = one.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(6):  # psycopg prepares a statement the fifth time it is sent
            assert client.get("/api/v1/bookings", headers=headers).status_code == 200
        with one.app_context():
            prepared = _prepared_now()
            db.session.commit()
        assert prepared > 0

        assert client.get("/api/v1/bookings/999999", headers=headers).status_code == 404
        with one.app_context():
            assert _prepared_now() >= prepared
            db.session.commit()
    finally:
        with one.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(
    "how",
    [
        "an audit row inserted by a statement",
        "an audit row inserted in a WITH statement",
        "an audit row added and flushed",
    ],
)
def test_undo_leaves_no_row_of_a_table_no_version_watches(app, committed, how):
    """Only the connection's note of what it sent tells these writes apart from reads: audit
    rows bump no version, and a flushed row leaves the session clean."""
    with app.app_context():
        actor = Factories(app).resident().account_user
        db.session.commit()
        row = {
            "community_id": actor.community_id,
            "actor_id": actor.id,
            "action": "undo.test",
            "subject_type": "user",
            "subject_id": actor.id,
            "detail": {},
            "at": utcnow(),
        }
        if how == "an audit row inserted by a statement":
            db.session.execute(sa.insert(AuditEvent).values(**row))
        elif how == "an audit row inserted in a WITH statement":
            some = sa.select(sa.literal(1).label("one")).cte("some")
            columns = AuditEvent.__table__.c
            values = sa.select(*(sa.literal(v, columns[k].type) for k, v in row.items()))
            insert = sa.insert(AuditEvent).from_select(
                list(row), values.where(sa.exists(sa.select(some.c.one)))
            )
            db.session.execute(insert.add_cte(some))
        else:
            db.session.add(AuditEvent(**row))
            db.session.flush()
        assert not (db.session.new or db.session.dirty or db.session.info.get("hf_pending"))
        undo()
        left = sa.select(sa.func.count()).where(AuditEvent.action == "undo.test")
        assert db.session.execute(left).scalar_one() == 0
        db.session.commit()


@pytest.mark.parametrize("how", ["changed, not yet flushed", "flushed", "an UPDATE statement"])
def test_undo_leaves_nothing_of_what_a_failed_request_wrote(app, committed, how):
    with app.app_context():
        user_id = Factories(app).resident().account_user.id
        db.session.commit()
        name = db.session.get(User, user_id).name
        if how == "an UPDATE statement":
            db.session.execute(sa.update(User).where(User.id == user_id).values(name="改过的名字"))
        else:
            db.session.get(User, user_id).name = "改过的名字"
            if how == "flushed":
                db.session.flush()
        undo()
        db.session.expire_all()
        assert db.session.get(User, user_id).name == name
        db.session.commit()
