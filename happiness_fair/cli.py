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


def init_app(app: Flask) -> None:
    from .bookings.scheduled import run_scheduled_command
    from .places.importing import import_places_command

    for command in (
        init_db_command,
        seed_demo_command,
        create_user_command,
        run_scheduled_command,
        import_places_command,
    ):
        app.cli.add_command(command)
