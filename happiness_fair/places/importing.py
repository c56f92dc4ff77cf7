"""`flask import-places`: a new deployment's community, grids, compounds and buildings from a CSV.

A new street office has no demo: before the first office account (`create-user`) there must be a
community, and before residents can register there must be buildings. The office has its building
list per grid already (the grid map); this command reads it as CSV with the header

    grid,grid_name,compound,building
    1,第1网格,虹桥东村,152幢

(`grid_name` may be left empty: 第N网格). Running it again adds what is new and changes nothing
else, so a corrected file can be loaded twice. The file may be UTF-8 (with or without a BOM) or
GB18030/GBK, as Excel on Chinese Windows saves it (csvfiles.py); the command says which it read.
"""

from __future__ import annotations

from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from ..csvfiles import CsvProblem, read_table
from ..extensions import db
from .models import Building, Community, Compound, Grid

REQUIRED = ("grid", "compound", "building")


@dataclass
class Counts:
    grids: int = 0
    compounds: int = 0
    buildings: int = 0


def _one(stmt):
    return db.session.execute(stmt).scalar_one_or_none()


def import_places(community: Community, rows: list[tuple[int, dict]]) -> Counts:
    """Add the rows' grids, compounds and buildings to the community; skip what is there.
    Each row comes with its line number in the file, for the error that names it."""
    counts = Counts()
    for line, row in rows:
        try:
            number = int(row["grid"].strip())
        except (TypeError, ValueError):
            raise click.ClickException(f"line {line}: grid must be a number") from None
        compound_name = (row.get("compound") or "").strip()
        building_name = (row.get("building") or "").strip()
        if not compound_name or not building_name:
            raise click.ClickException(f"line {line}: compound and building are required")
        grid = _one(sa.select(Grid).where(Grid.community_id == community.id, Grid.number == number))
        if grid is None:
            name = (row.get("grid_name") or "").strip() or f"第{number}网格"
            grid = Grid(community_id=community.id, number=number, name=name)
            db.session.add(grid)
            db.session.flush()
            counts.grids += 1
        compound = _one(
            sa.select(Compound).where(
                Compound.community_id == community.id, Compound.name == compound_name
            )
        )
        if compound is None:
            compound = Compound(community_id=community.id, name=compound_name)
            db.session.add(compound)
            db.session.flush()
            counts.compounds += 1
        building = _one(
            sa.select(Building).where(
                Building.compound_id == compound.id, Building.name == building_name
            )
        )
        if building is None:
            db.session.add(
                Building(
                    community_id=community.id,
                    compound_id=compound.id,
                    grid_id=grid.id,
                    name=building_name,
                )
            )
            db.session.flush()
            counts.buildings += 1
        elif building.grid_id != grid.id:
            raise click.ClickException(
                f"line {line}: {compound_name} {building_name} is already in another grid"
            )
    return counts


@click.command("import-places")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--community", required=True, help="The community's exact name (社区).")
@click.option("--street", default="", help="Its street office (街道), for a new community.")
@click.option("--district", default="", help="Its district (区), for a new community.")
@click.option("--city", default="", help="Its city, for a new community.")
@with_appcontext
def import_places_command(csv_file, community, street, district, city) -> None:
    """Create a community (when new) and add its grids, compounds and buildings from a CSV file."""
    try:
        table = read_table(csv_file.read(), REQUIRED)
    except CsvProblem as problem:
        raise click.ClickException(f"{csv_file.name}: {problem}") from None
    click.echo(f"Read {csv_file.name} as {table.encoding}: {len(table.rows)} rows.")
    rows = table.rows
    found = _one(sa.select(Community).where(Community.name == community))
    created = found is None
    if created:
        found = Community(name=community, street=street, district=district, city=city)
        db.session.add(found)
        db.session.flush()
    counts = import_places(found, rows)
    db.session.commit()
    click.echo(
        f"{'Created' if created else 'Updated'} {found.name} (id {found.id}): "
        f"{counts.grids} grids, {counts.compounds} compounds, {counts.buildings} buildings added."
    )
