"""Reading places for forms and checks."""

from __future__ import annotations

import re

import sqlalchemy as sa

from ..extensions import db
from .models import Building, Community, Compound


def communities() -> list[Community]:
    return db.session.scalars(sa.select(Community).order_by(Community.id)).all()


def natural_key(name: str) -> tuple:
    """Names as people count them: 1幢, 2幢, 10幢 (numbers by value), not 1幢, 10幢, 2幢."""
    return tuple(
        (0, int(part), "") if part.isascii() and part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", name)
        if part
    )


def in_natural_order(buildings: list[Building]) -> list[Building]:
    """By compound, then building, each in natural order (then by id)."""
    return sorted(
        buildings, key=lambda b: (natural_key(b.compound.name), natural_key(b.name), b.id)
    )


def buildings_of(community_id: int) -> list[Building]:
    return in_natural_order(
        db.session.scalars(
            sa.select(Building).join(Compound).where(Building.community_id == community_id)
        ).all()
    )


def compound_names(community_id: int) -> dict[int, str]:
    """The community's compounds, id → name, in the order they were added."""
    return dict(
        db.session.execute(
            sa.select(Compound.id, Compound.name)
            .where(Compound.community_id == community_id)
            .order_by(Compound.id)
        ).all()
    )


def grids_of(community_id: int) -> list:
    """The community's grids in their order, for choosing which ones a volunteer serves."""
    from .models import Grid

    return db.session.scalars(
        sa.select(Grid).where(Grid.community_id == community_id).order_by(Grid.number)
    ).all()
