"""Reading places for forms and checks."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Building, Community, Compound


def communities() -> list[Community]:
    return list(db.session.execute(sa.select(Community).order_by(Community.id)).scalars())


def buildings_of(community_id: int) -> list[Building]:
    return list(
        db.session.execute(
            sa.select(Building)
            .join(Compound)
            .where(Building.community_id == community_id)
            .order_by(Compound.name, Building.id)
        ).scalars()
    )


def grids_of(community_id: int) -> list:
    """The community's grids in their order, for choosing which ones a volunteer serves."""
    from .models import Grid

    return list(
        db.session.execute(
            sa.select(Grid).where(Grid.community_id == community_id).order_by(Grid.number)
        ).scalars()
    )
