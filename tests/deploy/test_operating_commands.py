"""What an operator runs on a new machine: import-places for the first community, and the
migrations up, down to nothing and up again, as `flask --app wsgi ...` in their own processes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from happiness_fair.extensions import db

from .production import ROOT, flask, production_env

CSV = "grid,grid_name,compound,building\n1,,幸福小区,1幢\n1,,幸福小区,2幢\n2,东片,幸福新村,1幢\n"


def _community(name: str):
    from happiness_fair.places.models import Building, Community, Grid

    community = db.session.execute(sa.select(Community).where(Community.name == name)).scalar_one()
    grids = db.session.execute(
        sa.select(Grid.number, Grid.name).where(Grid.community_id == community.id)
    ).all()
    buildings = db.session.execute(
        sa.select(sa.func.count())
        .select_from(Building)
        .where(Building.community_id == community.id)
    ).scalar_one()
    return community, sorted(grids), buildings


def test_import_places_creates_a_community_and_loading_it_again_adds_nothing(
    app, database, runner, tmp_path, api
):
    path = tmp_path / "places.csv"
    path.write_text(CSV, encoding="utf-8")
    args = ["import-places", str(path), "--community", "幸福社区", "--street", "幸福街道"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "Created 幸福社区" in first.output and "3 buildings added" in first.output
    again = runner.invoke(args=args)
    assert again.exit_code == 0 and "0 grids, 0 compounds, 0 buildings added" in again.output
    with app.app_context():
        community, grids, buildings = _community("幸福社区")
        assert (community.street, grids, buildings) == (
            "幸福街道",
            [(1, "第1网格"), (2, "东片")],
            3,
        )
        community_id = community.id
    # Residents can now register there: the public list shows the buildings.
    listed = api.get(f"/buildings?community_id={community_id}").json["items"]
    assert sorted((b["compound"], b["name"]) for b in listed) == [
        ("幸福小区", "1幢"),
        ("幸福小区", "2幢"),
        ("幸福新村", "1幢"),
    ]
    # And the first office account can be made in it.
    office = runner.invoke(
        args=[
            "create-user",
            "--phone",
            "13800138001",
            "--name",
            "王主任",
            "--role",
            "office",
            "--community",
            "幸福社区",
            "--password",
            "a-long-pass-2024",
        ]
    )
    assert office.exit_code == 0, office.output


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("grid,compound\n1,幸福小区\n", "lacks: building"),
        ("grid,compound,building\none,幸福小区,1幢\n", "line 2: grid must be a number"),
        ("grid,compound,building\n1,幸福小区,\n", "line 2: compound and building are required"),
        (
            "grid,compound,building\n1,幸福小区,1幢\n2,幸福小区,1幢\n",
            "line 3: 幸福小区 1幢 is already in another grid",
        ),
    ],
)
def test_import_places_refuses_a_bad_file_and_saves_none_of_it(
    app, database, runner, tmp_path, csv, message
):
    path = tmp_path / "places.csv"
    path.write_text(csv, encoding="utf-8")
    result = runner.invoke(args=["import-places", str(path), "--community", "坏文件社区"])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        from happiness_fair.places.models import Community

        db.session.rollback()
        names = db.session.execute(sa.select(Community.name)).scalars().all()
        assert "坏文件社区" not in names


@pytest.mark.slow
def test_migrations_go_up_from_empty_down_to_nothing_and_up_again(fresh_database_url, tmp_path):
    env = production_env(fresh_database_url, tmp_path / "instance")
    engine = sa.create_engine(
        fresh_database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    )
    try:
        up = flask(env, "init-db")
        assert up.returncode == 0, up.stderr
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
        assert set(db.metadata.tables) <= tables

        down = flask(env, "db", "downgrade", "base")
        assert down.returncode == 0, down.stderr
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == ["alembic_version"]
            if conn.dialect.name == "postgresql":
                # Nothing of the schema is left behind to trip the next upgrade.
                left = conn.exec_driver_sql(
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    " WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')"
                ).all()
                assert left == []
                sequences = conn.exec_driver_sql(
                    "SELECT sequence_name FROM information_schema.sequences"
                    " WHERE sequence_schema = 'public'"
                ).all()
                assert sequences == []

        again = flask(env, "init-db")
        assert again.returncode == 0, again.stderr
        current = flask(env, "db", "current")
        heads = flask(env, "db", "heads")
        assert current.returncode == 0 and heads.returncode == 0
        head = heads.stdout.split()[0]
        assert head in current.stdout
        with engine.connect() as conn:
            assert set(db.metadata.tables) <= set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert (ROOT / "happiness_fair" / "migrations" / "versions").is_dir()
