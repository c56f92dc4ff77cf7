"""Operating commands (API.md): init-db, seed-demo, create-user, import-places."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .errors import DomainError
from .extensions import db


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the schema or upgrade it to the newest migration."""
    from .catalogue.categories import ensure_categories

    upgrade()
    ensure_categories()
    db.session.commit()
    click.echo("Database is at the newest schema.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo communities (safe to run again)."""
    from .demo import seed_demo

    created = seed_demo()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data was already there.")


@click.command("create-user")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["office", "grid_worker", "resident"]))
@click.option("--community", required=True, help="Community id or exact name.")
@click.option("--grids", default="", help="Grid numbers for a grid worker, e.g. 1,2.")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(phone, name, role, community, grids, password) -> None:
    """Make a staff account (the first office account of a new deployment)."""
    from .accounts import rules, service
    from .accounts.models import Role
    from .places.models import Community, Grid

    if not rules.is_mainland_mobile(phone):
        raise click.BadParameter("an 11-digit mainland mobile number", param_hint="--phone")
    if len(password) < rules.MIN_PASSWORD_LENGTH:
        raise click.BadParameter("at least 8 characters", param_hint="--password")
    where = Community.id == int(community) if community.isdigit() else Community.name == community
    found = db.session.execute(sa.select(Community).where(where)).scalar_one_or_none()
    if found is None:
        raise click.BadParameter(f"no community {community!r}", param_hint="--community")
    numbers = [int(n) for n in grids.split(",") if n.strip()]
    grid_ids = (
        db.session.execute(
            sa.select(Grid.id).where(Grid.community_id == found.id, Grid.number.in_(numbers))
        )
        .scalars()
        .all()
    )
    if len(grid_ids) != len(set(numbers)):
        raise click.BadParameter("unknown grid number", param_hint="--grids")
    try:
        user = service.create_user(
            phone=phone,
            name=name,
            password=password,
            role=Role(role),
            community_id=found.id,
            grid_ids=grid_ids,
        )
    except DomainError as err:
        raise click.ClickException(err.text()) from err
    db.session.commit()
    click.echo(f"Created user {user.id} ({role}) in {found.name}.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path: str) -> None:
    """Copy the embedded SQLite database to PATH, consistently, while the app keeps running.

    SQLite's online backup API copies one snapshot of the database in a single step (in WAL mode
    writers are not held up); the copy is checked before it replaces PATH.
    """
    import os
    import sqlite3
    from pathlib import Path

    if db.engine.dialect.name != "sqlite":
        raise click.ClickException("backup copies the SQLite database; for PostgreSQL use pg_dump.")
    target = Path(path).resolve()
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    raw = db.engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            raw.driver_connection.backup(copy)  # pages=-1: the whole database in one step
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            tables = copy.execute("SELECT count(*) FROM sqlite_master WHERE type='table'")
            table_count = tables.fetchone()[0]
        finally:
            copy.close()
    finally:
        raw.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"the copy failed its integrity check: {verdict}")
    os.replace(partial, target)
    click.echo(f"Backed up {table_count} tables to {target}.")


def init_app(app: Flask) -> None:
    from .bookings.scheduled import run_scheduled_command
    from .places.importing import import_places_command

    for command in (
        init_db_command,
        seed_demo_command,
        create_user_command,
        run_scheduled_command,
        import_places_command,
        backup_command,
    ):
        app.cli.add_command(command)
