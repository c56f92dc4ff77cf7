"""Team totals: each team's verified minutes and services over a range, summed from the kept
hours totals of its current members (no scan of hours records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from ..extensions import db
from ..hours import totals
from .models import Team, TeamMember


@dataclass(frozen=True)
class TeamLine:
    team_id: int
    name: str
    minutes: int
    services: int
    members: int


def team_table(community_id: int, first: date | None, last: date | None) -> list[TeamLine]:
    """Every team of the community, most minutes first (then name, id), with its members'
    verified minutes and services in the range; a team with none shows zeros."""
    rows = totals.rows_in_range(community_id, first, last)
    summed = (
        sa.select(
            TeamMember.team_id,
            sa.func.sum(rows.c.minutes).label("minutes"),
            sa.func.sum(rows.c.services).label("services"),
        )
        .join(rows, rows.c.volunteer_id == TeamMember.volunteer_id)
        .group_by(TeamMember.team_id)
        .subquery("summed")
    )
    counted = (
        sa.select(TeamMember.team_id, sa.func.count().label("members"))
        .group_by(TeamMember.team_id)
        .subquery("counted")
    )
    minutes = sa.func.coalesce(summed.c.minutes, 0)
    stmt = (
        sa.select(
            Team.id, Team.name, minutes.label("minutes"), summed.c.services, counted.c.members
        )
        .outerjoin(summed, summed.c.team_id == Team.id)
        .outerjoin(counted, counted.c.team_id == Team.id)
        .where(Team.community_id == community_id)
        .order_by(minutes.desc(), Team.name, Team.id)
    )
    return [
        TeamLine(
            team_id=row.id,
            name=row.name,
            minutes=int(row.minutes or 0),
            services=int(row.services or 0),
            members=int(row.members or 0),
        )
        for row in db.session.execute(stmt)
    ]
