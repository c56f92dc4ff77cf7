"""Operating commands (API.md): init-db, seed-demo, create-user, import-places."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext
from flask_migrate import upgrade

from .errors import DomainError
from .extensions import db
from .validation import BaseSchema, name_field, password_field, phone_field, whole_number


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


class _StaffAccount(BaseSchema):
    phone = phone_field(required=True)
    name = name_field(required=True)
    password = password_field(required=True)


@click.command("create-user")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["office", "grid_worker"]),
    help="Staff only: residents sign up themselves, so their age and consent are their own.",
)
@click.option("--community", required=True, help="Community id or exact name.")
@click.option("--grids", default="", help="Grid numbers for a grid worker, e.g. 1,2.")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def create_user_command(phone, name, role, community, grids, password) -> None:
    """Make a staff account (the first office account of a new deployment)."""
    from .accounts import service
    from .accounts.models import Role
    from .places.models import Community, Grid

    # The same rules as the sign-up form's, in the words of the command line (English).
    typed = {"phone": phone, "name": name, "password": password}
    for field, messages in _StaffAccount().validate(typed).items():
        raise click.BadParameter(" ".join(map(str, messages)), param_hint=f"--{field}")
    name = name.strip()
    if whole_number(community) is not None:
        where = Community.id == int(community)
    else:
        where = Community.name == community
    found = db.session.execute(sa.select(Community).where(where)).scalar_one_or_none()
    if found is None:
        raise click.BadParameter(f"no community {community!r}", param_hint="--community")
    parts = [n.strip() for n in grids.split(",") if n.strip()]
    if not all(whole_number(n) is not None for n in parts):
        raise click.BadParameter("grid numbers separated by commas, e.g. 1,2", param_hint="--grids")
    numbers = [int(n) for n in parts]
    if (role == "grid_worker") != bool(numbers):
        raise click.BadParameter(
            "a grid worker needs the grids they serve; an office account has none",
            param_hint="--grids",
        )
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
    where_grids = f", grids {','.join(map(str, sorted(set(numbers))))}" if numbers else ""
    click.echo(f"Created user {user.id} ({role}) in {found.name}{where_grids}.")


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


@click.command("rename-category")
@click.argument("code")
@click.option("--zh", "name_zh", help="the Chinese name, at most 20 characters")
@click.option("--en", "name_en", help="the English name, at most 40 characters")
@with_appcontext
def rename_category_command(code: str, name_zh: str | None, name_en: str | None) -> None:
    """Rename a shared category for every community of this deployment (categories are shared,
    so no single community's office renames them)."""
    from .catalogue.categories import category_by_code

    category = category_by_code(code)
    if category is None:
        raise click.ClickException(f"no category {code!r}")
    for value, limit in ((name_zh, 20), (name_en, 40)):
        if value is not None and not 0 < len(value.strip()) <= limit:
            raise click.ClickException(f"a name has 1 to {limit} characters: {value!r}")
    category.name_zh = (name_zh or category.name_zh).strip()
    category.name_en = (name_en or category.name_en).strip()
    db.session.commit()
    click.echo(f"{category.code}: {category.name_zh} / {category.name_en}")


@click.command("rotate-keys")
@with_appcontext
def rotate_keys_command() -> None:
    """Re-encrypt every secret kept encrypted (staff's TOTP secrets, volunteers' ID numbers)
    under the current SECRET_KEY, reading them with it or any of SECRET_KEY_FALLBACKS. Run it
    after changing SECRET_KEY (the old one in SECRET_KEY_FALLBACKS); then the fallback can be
    removed."""
    from . import crypto
    from .accounts.models import User
    from .catalogue.models import VolunteerRecord

    kept = [
        (User, "totp_secret", crypto.TOTP, "two-step sign-in secrets", "id"),
        (VolunteerRecord, "id_number_sealed", crypto.ID_NUMBER, "ID numbers", "volunteer_id"),
    ]
    failures = []
    for model, column, purpose, what, key in kept:
        done, unreadable = 0, []
        rows = db.session.execute(sa.select(model).where(getattr(model, column).is_not(None)))
        for row in rows.scalars():
            try:
                setattr(row, column, crypto.rotate(getattr(row, column), purpose))
            except crypto.InvalidToken:
                unreadable.append(getattr(row, key))
            else:
                done += 1
        click.echo(f"{done} {what} encrypted under the current key.")
        if unreadable:
            failures.append(
                f"{len(unreadable)} {what} could not be read with SECRET_KEY or "
                f"SECRET_KEY_FALLBACKS ({key} {', '.join(map(str, unreadable))})"
            )
    db.session.commit()
    if failures:
        raise click.ClickException(
            "; ".join(failures) + ": those staff set up two-step sign-in again, those volunteers "
            "give their ID number again."
        )


def init_app(app: Flask) -> None:
    from .places.importing import import_places_command
    from .scheduled import run_scheduled_command

    for command in (
        init_db_command,
        seed_demo_command,
        create_user_command,
        run_scheduled_command,
        import_places_command,
        backup_command,
        rename_category_command,
        rotate_keys_command,
    ):
        app.cli.add_command(command)
