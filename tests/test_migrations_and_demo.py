"""The migrations build exactly the models' schema on this database; the demo loads twice."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

import happiness_fair
from happiness_fair import create_app
from happiness_fair.demo import DEMO_PASSWORD
from happiness_fair.extensions import db

DEMO_ACCOUNTS = {
    "13900000001": ("office", "虹西社区"),
    "13900000002": ("grid_worker", "虹西社区"),
    "13900000003": ("resident", "虹西社区"),
    "13900000004": ("resident", "虹西社区"),
    "13900000005": ("resident", "虹西社区"),
    "13900000007": ("micro_grid_helper", "虹西社区"),
    "13900000011": ("office", "濠北社区"),
}


@pytest.fixture
def scratch_app(database_url, tmp_path):
    """An app on an empty database of its own (a scratch PostgreSQL database, or a new file)."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    else:
        base, _, name = database_url.rpartition("/")
        scratch = f"{name}_scratch"
        admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{scratch}"')
        admin.dispose()
        url = f"{base}/{scratch}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "scratch",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_TIME_COST": 1,
            "PASSWORD_HASH_MEMORY_KIB": 8192,
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.mark.slow
def test_migrations_match_the_models_and_go_down_and_up_again(scratch_app):
    with scratch_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == ["alembic_version"]
        upgrade()


@pytest.mark.slow
def test_init_db_and_seed_demo_twice_give_every_demo_account_its_roles(scratch_app):
    runner = scratch_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "already" in second.output
    client = scratch_app.test_client()
    communities = {c["id"]: c["name"] for c in client.get("/api/v1/communities").json["items"]}
    for phone, (role, community) in DEMO_ACCOUNTS.items():
        token = client.post(
            "/api/v1/auth/tokens", json={"phone": phone, "password": DEMO_PASSWORD}
        ).json["token"]
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json
        assert role in me["roles"], phone
        assert communities[me["community_id"]] == community
        if phone == "13900000007":  # 陶建华, the micro-grid helper of three buildings
            assert len(me["building_ids"]) == 3
        if phone == "13900000003":  # 沈林益 leads the demo team
            teams = client.get("/api/v1/teams", headers={"Authorization": f"Bearer {token}"})
            (team,) = teams.json["items"]
            assert team["name"] == "虹西志愿服务队" and len(team["members"]) >= 2
            shen = client.get("/api/v1/me/volunteer", headers={"Authorization": f"Bearer {token}"})
            assert team["leader_volunteer_id"] == shen.json["id"]
    with scratch_app.app_context():
        from happiness_fair.places.models import Building, Grid

        hongxi = next(i for i, n in communities.items() if n == "虹西社区")
        buildings = db.session.execute(
            sa.select(sa.func.count()).select_from(Building).where(Building.community_id == hongxi)
        ).scalar()
        grids = db.session.execute(
            sa.select(sa.func.count()).select_from(Grid).where(Grid.community_id == hongxi)
        ).scalar()
        assert (buildings, grids) == (99, 9)
        names = set(db.session.execute(sa.select(Building.name)).scalars())
        assert "152幢" in names


def test_create_user_makes_a_grid_worker_for_the_given_grids(app, database, runner, make, api):
    community = make.community("新社区")
    make.grid(community, number=1)
    make.grid(community, number=2)
    result = runner.invoke(
        args=[
            "create-user",
            "--phone",
            "13912345678",
            "--name",
            "新网格员",
            "--role",
            "grid_worker",
            "--community",
            "新社区",
            "--grids",
            "1,2",
            "--password",
            "a-strong-password",
        ]
    )
    assert result.exit_code == 0, result.output
    token = api.post(
        "/auth/tokens", json={"phone": "13912345678", "password": "a-strong-password"}
    ).json["token"]
    me = api.get("/me", headers={"Authorization": f"Bearer {token}"}).json
    assert me["roles"] == ["grid_worker"] and len(me["grid_ids"]) == 2
    bad = runner.invoke(
        args=[
            "create-user",
            "--phone",
            "123",
            "--name",
            "x",
            "--role",
            "office",
            "--community",
            "新社区",
            "--password",
            "a-strong-password",
        ]
    )
    assert bad.exit_code != 0
    # Residents sign up themselves (their age and consent are theirs); the command makes staff.
    assert "[office|grid_worker]" in runner.invoke(args=["create-user", "--help"]).output
    args = ["create-user", "--phone", "13912345679", "--name", "居民", "--role", "resident"]
    refused = runner.invoke(
        args=[*args, "--community", "新社区", "--password", "a-strong-password"]
    )
    assert refused.exit_code == 2 and "'resident' is not one of" in refused.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--phone", "13912345678", "--role", "office"], "already registered"),  # the first one's
        (["--role", "grid_worker", "--grids", "a"], "grid numbers separated by commas"),
        (["--role", "grid_worker"], "a grid worker needs the grids"),
        (["--role", "office", "--grids", "1"], "an office account has none"),
        (["--role", "office", "--name", "  "], "--name"),
        (["--role", "office", "--name", "王\x00主任"], "--name"),
        (["--role", "office", "--password", "x" * 129], "--password"),
        (["--role", "grid_worker", "--grids", "²"], "grid numbers separated by commas"),
        (["--role", "office", "--community", "²"], "no community"),
        (["--role", "office", "--community", "9" * 20], "no community"),
    ],
)
def test_create_user_says_what_is_wrong_without_a_traceback(
    app, database, runner, make, args, said
):
    community = make.community("新社区")
    make.grid(community, number=1)
    base = ["create-user", "--community", "新社区", "--password", "a-strong-password"]
    first = runner.invoke(
        args=[*base, "--phone", "13912345678", "--name", "一号", "--role", "office"]
    )
    assert first.exit_code == 0, first.output
    answer = runner.invoke(args=[*base, "--phone", "13912345679", "--name", "二号", *args])
    assert answer.exit_code != 0 and said in answer.output, answer.output
    assert answer.exception is None or isinstance(answer.exception, SystemExit)


@pytest.mark.slow
def test_the_person_in_charge_migration_backfills_the_verified_records(scratch_app):
    """Order 67 art. 7 columns on the demo's verified hours, filled by the migration's backfill
    as hours.service._verify fills them: the confirming staff member, else the grid's first grid
    worker; the organising unit is the community's committee."""
    versions = Path(happiness_fair.__file__).parent / "migrations" / "versions"
    path = versions / "e4f1a7b9c2d0_hours_person_in_charge.py"
    spec = importlib.util.spec_from_file_location("person_in_charge_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    runner = scratch_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with scratch_app.app_context():
        kept = db.session.execute(
            sa.text("SELECT id, person_in_charge_id FROM hours_records WHERE status = 'verified'")
        ).all()
        db.session.execute(  # as before the migration
            sa.text(
                "UPDATE hours_records SET organising_unit = '', person_in_charge = '', "
                "person_in_charge_id = NULL"
            )
        )
        for statement in migration.BACKFILL:
            db.session.execute(sa.text(statement))
        rows = db.session.execute(
            sa.text(
                "SELECT h.id, h.organising_unit, h.person_in_charge, h.person_in_charge_id, "
                "h.status, c.street || c.name || '居民委员会' AS unit "
                "FROM hours_records h JOIN communities c ON c.id = h.community_id"
            )
        ).all()
        verified = [r for r in rows if r.status == "verified"]
        assert verified, "the demo has verified hours"
        assert all(r.organising_unit == r.unit for r in verified)
        # The backfill names whom the app itself named when it verified the demo's hours.
        assert {r.id: r.person_in_charge_id for r in verified} == dict(kept)
        assert all(r.person_in_charge for r in verified if r.person_in_charge_id)
        assert all(r.organising_unit == "" for r in rows if r.status != "verified")
        db.session.rollback()
        db.session.remove()


def test_every_demo_booking_has_one_request_and_a_timeline_in_the_past(scratch_app):
    """A demo request was raised once, before now: its page shows one "raised" step, not two,
    and no step from hours ahead (the demo once gave open requests both)."""
    from happiness_fair.bookings.models import Booking, BookingEvent
    from happiness_fair.database import utcnow

    runner = scratch_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with scratch_app.app_context():
        now = utcnow()
        bookings = db.session.scalars(sa.select(Booking)).all()
        assert bookings
        for booking in bookings:
            events = db.session.scalars(
                sa.select(BookingEvent)
                .where(BookingEvent.booking_id == booking.id)
                .order_by(BookingEvent.at, BookingEvent.id)
            ).all()
            actions = [e.action for e in events]
            assert actions.count("create") == 1 and actions[0] == "create", (booking.id, actions)
            assert booking.created_at <= now and events[0].at <= now, booking.id
            # Only an escalation is stamped ahead: it is when the scheduler will raise it.
            assert all(e.at <= now for e in events if e.action != "escalate"), booking.id


def _migration(file_name: str):
    versions = Path(happiness_fair.__file__).parent / "migrations" / "versions"
    spec = importlib.util.spec_from_file_location(file_name, versions / file_name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _office_token(client) -> dict:
    token = client.post(
        "/api/v1/auth/tokens", json={"phone": "13900000001", "password": DEMO_PASSWORD}
    ).json["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.slow
def test_the_ruled_out_migration_names_the_volunteer_of_a_dispute_settled_before_it(scratch_app):
    """A dispute settled against the volunteer before the column existed: the backfill names
    him from the hours record the settlement rejected, as the app now records him itself."""
    migration = _migration("a1c5e7d9b311_booking_events_ruled_out_volunteer.py")
    runner = scratch_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    client = scratch_app.test_client()
    office = _office_token(client)
    disputed = [
        b
        for b in client.get("/api/v1/bookings?status=disputed", headers=office).json["items"]
        if b["volunteer_id"]
    ]
    assert disputed, "the demo has a disputed job"
    booking = disputed[0]
    settled = client.post(
        f"/api/v1/bookings/{booking['id']}/resolve",
        json={"outcome": "reopen", "note": "确实没修好"},
        headers=office,
    )
    assert settled.status_code == 200, settled.json
    with scratch_app.app_context():
        recorded = db.session.execute(
            sa.text(
                "SELECT id, ruled_out_volunteer_id FROM booking_events "
                "WHERE action = 'resolve_reopen'"
            )
        ).all()
        assert [r.ruled_out_volunteer_id for r in recorded] == [booking["volunteer_id"]]
        db.session.execute(sa.text("UPDATE booking_events SET ruled_out_volunteer_id = NULL"))
        db.session.execute(sa.text(migration.BACKFILL))
        again = db.session.execute(
            sa.text(
                "SELECT id, ruled_out_volunteer_id FROM booking_events "
                "WHERE ruled_out_volunteer_id IS NOT NULL"
            )
        ).all()
        assert [tuple(r) for r in again] == [tuple(r) for r in recorded]
        db.session.rollback()
        db.session.remove()


@pytest.mark.slow
def test_a_helper_whose_record_was_closed_before_the_fix_serves_no_buildings(scratch_app):
    """陶建华's record closed before closing ended an appointment: his buildings and role are
    gone after the migration, and meanwhile a closed record serves none anyway."""
    migration = _migration("c3d9e2f4a6b8_micro_grid_helpers_with_closed_records.py")
    runner = scratch_app.test_cli_runner()
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    client = scratch_app.test_client()
    token = client.post(
        "/api/v1/auth/tokens", json={"phone": "13900000007", "password": DEMO_PASSWORD}
    ).json["token"]
    helper = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=helper).json
    assert len(me["building_ids"]) == 3

    def served() -> tuple[int, int]:
        with scratch_app.app_context():
            buildings = db.session.execute(
                sa.text("SELECT count(*) FROM micro_grid_buildings WHERE user_id = :u"),
                {"u": me["id"]},
            ).scalar_one()
            roles = db.session.execute(
                sa.text(
                    "SELECT count(*) FROM user_roles WHERE user_id = :u "
                    "AND role = 'micro_grid_helper'"
                ),
                {"u": me["id"]},
            ).scalar_one()
            db.session.remove()
            return buildings, roles

    def migrate() -> None:
        with scratch_app.app_context():
            for statement in migration.ENDED:
                db.session.execute(sa.text(statement))
            db.session.commit()
            db.session.remove()

    migrate()
    assert served() == (3, 1)  # an open record keeps its appointment
    with scratch_app.app_context():  # closed as before the fix: the rows stayed
        db.session.execute(
            sa.text("UPDATE residents SET active = false WHERE user_id = :u"), {"u": me["id"]}
        )
        db.session.commit()
        db.session.remove()
    assert client.get("/api/v1/me", headers=helper).json["building_ids"] == []
    migrate()
    assert served() == (0, 0)
