"""Rankings of volunteers and the grid table, read from the kept totals.

Only verified minutes count (the totals hold nothing else). Volunteers are ordered by minutes,
then services, then name, then id (hours.rules.ranking_sort_key, done here in SQL): names by
code point, so PostgreSQL compares them with the "C" collation as SQLite and Python do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import versions
from ..accounts.models import User
from ..catalogue import rules as catalogue_rules
from ..catalogue import stats
from ..catalogue.models import Volunteer, VolunteerTag
from ..errors import ValidationFailed
from ..extensions import db
from ..places.models import Grid
from . import rules, totals

# The period shown when none is asked for; the period selectors show the same one.
DEFAULT_PERIOD = rules.RankingPeriod.month
# The calendar periods in words, as the period selectors offer them (all time has no button).
RANKING_PERIOD_NAMES = {
    rules.RankingPeriod.month: _l("This month"),
    rules.RankingPeriod.quarter: _l("This quarter"),
    rules.RankingPeriod.year: _l("This year"),
}

# How many rankings and grid tables a process keeps (under the hours version), each beside its
# JSON when the API asked for it: a community's whole ranking is some 80 KB and its JSON 20 KB,
# and any from–to range an office asks for is another. Full, the process forgets them all.
KEPT_TABLES = 128


def keep(key: tuple, make: Callable[[], object]) -> object:
    """`make()` kept in this process while the hours and the catalogue (names, stars, tags,
    grids) stay as they were read: a table, or what a caller makes of one (the API keeps a
    table's JSON beside it under the table's key, so a kept ranking is not dumped again)."""
    return versions.cached(versions.HOURS, key, make, also=(versions.CATALOGUE,), most=KEPT_TABLES)


def _kept(key: tuple, read: Callable[[], list]) -> list:
    """A kept table; a fresh list each time, so no caller changes the kept one."""
    return list(keep(key, lambda: tuple(read())))


def volunteer_ranking_key(
    community_id: int,
    first: date | None,
    last: date | None,
    grid_id: int | None = None,
    tag: str | None = None,
    limit: int | None = None,
) -> tuple:
    """What a ranking (not a team's) is kept under."""
    args = (community_id, first, last, grid_id, tag, limit)
    return ("volunteer_ranking", *args, stats.star_thresholds())


def grid_table_key(community_id: int, first: date | None, last: date | None) -> tuple:
    """What a grid table is kept under."""
    return ("grid_table", community_id, first, last)


# A ranking limited to one team asks the teams part, which sits above hours and gives these at
# start-up (teams.service.init_app): a team's community (None when there is no such team), and
# a select of its members' volunteer ids.
_teams: dict[str, Callable] = {}


def register_teams(community_of: Callable[[int], int | None], members: Callable) -> None:
    """Called once at start-up by the teams part."""
    _teams["community_of"] = community_of
    _teams["members"] = members


def team_community(team_id: int) -> int | None:
    """The community of the team, None when there is no such team."""
    return _teams["community_of"](team_id)


def date_range(
    period: str | None, first: date | None, last: date | None, today: date
) -> tuple[date | None, date | None]:
    """The inclusive range asked for: from and to both given, else the calendar period that
    contains today (this month when nothing is said), or all time."""
    if (first is None) != (last is None):
        field = "to" if last is None else "from"
        raise ValidationFailed(fields={field: [_l("Give both from and to, or neither.")]})
    if first is not None:
        if first > last:
            raise ValidationFailed(fields={"to": [_l("The end cannot be before the start.")]})
        return first, last
    return rules.period_range(period or DEFAULT_PERIOD, today)


@dataclass(frozen=True, slots=True)
class RankedVolunteer:
    rank: int
    volunteer_id: int
    name: str
    minutes: int
    services: int
    star_level: int
    show_full_name: bool

    @property
    def public_name(self) -> str:
        """The name on the public honour board: in full only if he chose so."""
        return catalogue_rules.public_name(self.name, self.show_full_name)


def volunteer_ranking(
    community_id: int,
    first: date | None,
    last: date | None,
    *,
    grid_id: int | None = None,
    tag: str | None = None,
    team_id: int | None = None,
    limit: int | None = None,
) -> list[RankedVolunteer]:
    """Volunteers with verified minutes in the range, best first, ranks 1..n.

    Kept in this process until the hours or the catalogue (names, stars, tags) change: a
    version-keyed cache (versions.py), so a change committed by any worker is seen at once. A
    team's ranking is read each time (a team's members are kept by no version)."""
    args = (community_id, first, last, grid_id, tag, limit)
    if team_id is not None:
        return _volunteer_ranking(*args, team_id=team_id)
    return _kept(volunteer_ranking_key(*args), lambda: _volunteer_ranking(*args, team_id=None))


def _volunteer_ranking(
    community_id: int,
    first: date | None,
    last: date | None,
    grid_id: int | None,
    tag: str | None,
    limit: int | None,
    *,
    team_id: int | None,
) -> list[RankedVolunteer]:
    rows = totals.rows_in_range(community_id, first, last, grid_id=grid_id)
    minutes = sa.func.sum(rows.c.minutes).label("minutes")
    services = sa.func.sum(rows.c.services).label("services")
    summed = (
        sa.select(rows.c.volunteer_id, minutes, services)
        .group_by(rows.c.volunteer_id)
        .having(sa.func.sum(rows.c.minutes) > 0)
        .subquery("summed")
    )
    name = User.name
    if db.session.get_bind().dialect.name == "postgresql":
        name = User.name.collate("C")
    stmt = (
        sa.select(
            summed.c.volunteer_id,
            User.name,
            summed.c.minutes,
            summed.c.services,
            Volunteer.verified_minutes,
            Volunteer.show_full_name,
        )
        .join(Volunteer, Volunteer.id == summed.c.volunteer_id)
        .join(User, User.id == Volunteer.user_id)
        .order_by(summed.c.minutes.desc(), summed.c.services.desc(), name, summed.c.volunteer_id)
    )
    if tag:
        stmt = stmt.where(
            Volunteer.id.in_(sa.select(VolunteerTag.volunteer_id).where(VolunteerTag.tag == tag))
        )
    if team_id is not None:
        stmt = stmt.where(Volunteer.id.in_(_teams["members"](team_id)))
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        RankedVolunteer(
            rank=rank,
            volunteer_id=row.volunteer_id,
            name=row.name,
            minutes=int(row.minutes),
            services=int(row.services),
            star_level=stats.stars_for(row.verified_minutes),
            show_full_name=row.show_full_name,
        )
        for rank, row in enumerate(db.session.execute(stmt), start=1)
    ]


@dataclass(frozen=True, slots=True)
class GridLine:
    grid_id: int
    name: str
    minutes: int
    services: int
    volunteers: int


def grid_table(community_id: int, first: date | None, last: date | None) -> list[GridLine]:
    """Every grid of the community in its order, with its verified minutes, services and how
    many volunteers gave time there (zero rows included, so an idle grid shows). Kept in this
    process until the hours or the catalogue (which covers the grids) change."""
    key = grid_table_key(community_id, first, last)
    return _kept(key, lambda: _grid_table(community_id, first, last))


def _grid_table(community_id: int, first: date | None, last: date | None) -> list[GridLine]:
    rows = totals.rows_in_range(community_id, first, last)
    summed = (
        sa.select(
            rows.c.grid_id,
            sa.func.sum(rows.c.minutes).label("minutes"),
            sa.func.sum(rows.c.services).label("services"),
            sa.func.count(sa.distinct(sa.case((rows.c.minutes > 0, rows.c.volunteer_id)))).label(
                "volunteers"
            ),
        )
        .group_by(rows.c.grid_id)
        .subquery("summed")
    )
    stmt = (
        sa.select(Grid.id, Grid.name, summed.c.minutes, summed.c.services, summed.c.volunteers)
        .outerjoin(summed, summed.c.grid_id == Grid.id)
        .where(Grid.community_id == community_id)
        .order_by(Grid.number, Grid.id)
    )
    return [
        GridLine(
            grid_id=row.id,
            name=row.name,
            minutes=int(row.minutes or 0),
            services=int(row.services or 0),
            volunteers=int(row.volunteers or 0),
        )
        for row in db.session.execute(stmt)
    ]
