"""Volunteer teams (志愿服务队): the office creates them and names the leader; the leader (or the
office) adds members, who are told and may leave. Pages and the API both call these."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..accounts.models import User
from ..catalogue import service as catalogue_service
from ..catalogue.models import Volunteer, VolunteerStatus
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..hours import rankings
from ..notifications.service import notify
from .models import Team, TeamMember

MAX_ID = 2**31 - 1


def member_ids(team_id: int) -> list[int]:
    return db.session.scalars(
        sa.select(TeamMember.volunteer_id)
        .where(TeamMember.team_id == team_id)
        .order_by(TeamMember.joined_at, TeamMember.volunteer_id)
    ).all()


def team_ids_of_many(volunteer_ids: list[int]) -> dict[int, list[int]]:
    """Each volunteer's team ids, in order (an empty list for one in no team)."""
    found: dict[int, list[int]] = {volunteer_id: [] for volunteer_id in volunteer_ids}
    rows = db.session.execute(
        sa.select(TeamMember.volunteer_id, TeamMember.team_id)
        .where(TeamMember.volunteer_id.in_(volunteer_ids))
        .order_by(TeamMember.team_id)
    )
    for volunteer_id, team_id in rows:
        found[volunteer_id].append(team_id)
    return found


def members(team: Team) -> list[Volunteer]:
    return db.session.scalars(
        sa.select(Volunteer)
        .join(TeamMember, TeamMember.volunteer_id == Volunteer.id)
        .where(TeamMember.team_id == team.id)
        .order_by(TeamMember.joined_at, Volunteer.id)
    ).all()


def is_leader(user: User | None, team: Team) -> bool:
    volunteer = catalogue_service.volunteer_of(user) if user is not None else None
    return volunteer is not None and volunteer.id == team.leader_volunteer_id


def visible_teams(user: User) -> list[Team]:
    """Every team of the community to its staff; to a volunteer the teams he leads or belongs
    to; to anyone else none."""
    stmt = sa.select(Team).where(Team.community_id == user.community_id)
    if not user.is_staff:
        volunteer = catalogue_service.volunteer_of(user)
        if volunteer is None:
            return []
        stmt = stmt.where(
            Team.id.in_(
                sa.select(TeamMember.team_id).where(TeamMember.volunteer_id == volunteer.id)
            )
        )
    return db.session.scalars(stmt.order_by(Team.name, Team.id)).all()


def get_team(user: User, team_id: int) -> Team:
    """A team of the caller's community (404 otherwise)."""
    team = db.session.get(Team, team_id) if 0 < team_id <= MAX_ID else None
    if team is None or team.community_id != user.community_id:
        raise NotFound()
    return team


def _require_office(user: User) -> None:
    if not user.is_office:
        raise Forbidden(_l("Only the community office creates and changes volunteer teams."))


def _approved_volunteer(community_id: int, volunteer_id: int, field: str) -> Volunteer:
    volunteer = db.session.get(Volunteer, volunteer_id) if 0 < volunteer_id <= MAX_ID else None
    if (
        volunteer is None
        or volunteer.community_id != community_id
        or volunteer.status != VolunteerStatus.approved
    ):
        raise ValidationFailed(
            fields={field: [_l("Choose an approved volunteer of this community.")]}
        )
    return volunteer


def _name_free(community_id: int, name: str, team_id: int | None = None) -> None:
    clash = db.session.execute(
        sa.select(Team.id).where(Team.community_id == community_id, Team.name == name)
    ).scalar_one_or_none()
    if clash is not None and clash != team_id:
        raise Conflict(_l("There is already a team with this name."))


def _join(team: Team, volunteer: Volunteer, actor: User) -> None:
    try:
        with db.session.begin_nested():  # a simultaneous add of the same member: 409, not 500
            db.session.add(TeamMember(team_id=team.id, volunteer_id=volunteer.id))
    except IntegrityError:
        raise Conflict(_l("This volunteer is already in the team.")) from None
    if volunteer.user_id != actor.id:
        notify(volunteer.user_id, "team_added", team=team.id, name=team.name)


def create_team(office: User, name: str, leader_volunteer_id: int) -> Team:
    _require_office(office)
    leader = _approved_volunteer(office.community_id, leader_volunteer_id, "leader_volunteer_id")
    _name_free(office.community_id, name)
    team = Team(community_id=office.community_id, name=name, leader_volunteer_id=leader.id)
    try:
        with db.session.begin_nested():  # a simultaneous create of the same name: 409, not 500
            db.session.add(team)
    except IntegrityError:
        raise Conflict(_l("There is already a team with this name.")) from None
    _join(team, leader, office)
    audit.record(
        "team.create",
        community_id=team.community_id,
        actor_id=office.id,
        subject_type="team",
        subject_id=team.id,
        name=name,
        leader_volunteer_id=leader.id,
    )
    db.session.flush()
    return team


def change_team(
    office: User, team: Team, *, name: str | None = None, leader_volunteer_id: int | None = None
) -> Team:
    """Rename a team or name another leader (who joins it if he was not a member)."""
    _require_office(office)
    if name is not None:
        _name_free(team.community_id, name, team.id)
        team.name = name
    if leader_volunteer_id is not None and leader_volunteer_id != team.leader_volunteer_id:
        leader = _approved_volunteer(team.community_id, leader_volunteer_id, "leader_volunteer_id")
        team.leader_volunteer_id = leader.id
        if leader.id not in member_ids(team.id):
            _join(team, leader, office)
    audit.record(
        "team.change",
        community_id=team.community_id,
        actor_id=office.id,
        subject_type="team",
        subject_id=team.id,
        name=team.name,
        leader_volunteer_id=team.leader_volunteer_id,
    )
    db.session.flush()
    return team


def add_member(user: User, team: Team, volunteer_id: int) -> Team:
    """Its leader or the office adds an approved volunteer of the community; he is told."""
    if not (user.is_office or is_leader(user, team)):
        raise Forbidden(_l("Only the team's leader or the community office adds members."))
    volunteer = _approved_volunteer(team.community_id, volunteer_id, "volunteer_id")
    if volunteer.id in member_ids(team.id):
        raise Conflict(_l("This volunteer is already in the team."))
    _join(team, volunteer, user)
    db.session.flush()
    return team


def remove_member(user: User, team: Team, volunteer_id: int) -> None:
    """The leader or the office takes a member off; a member may leave himself. The leader
    stays until the office names another."""
    volunteer = catalogue_service.volunteer_of(user)
    himself = volunteer is not None and volunteer.id == volunteer_id
    if not (himself or user.is_office or is_leader(user, team)):
        raise Forbidden(_l("Only the member himself, the team's leader or the office may do this."))
    row = None
    if 0 < volunteer_id <= MAX_ID:
        row = db.session.get(TeamMember, (team.id, volunteer_id))
    if row is None:
        raise NotFound()
    if volunteer_id == team.leader_volunteer_id:
        raise Conflict(_l("The leader stays in the team until the office names another leader."))
    db.session.delete(row)
    db.session.flush()


def leave_all(volunteer_id: int) -> None:
    """Erasure: he leaves every team (a team he leads keeps him as leader for the office to
    replace, but no longer as a member in any list he could be found by)."""
    db.session.execute(sa.delete(TeamMember).where(TeamMember.volunteer_id == volunteer_id))


# --- told at start-up: rankings by team, a volunteer's teams on his card --------------------


def _community_of(team_id: int) -> int | None:
    team = db.session.get(Team, team_id)
    return team.community_id if team is not None else None


def _member_ids(team_id: int) -> sa.Select:
    return sa.select(TeamMember.volunteer_id).where(TeamMember.team_id == team_id)


def init_app(app) -> None:
    rankings.register_teams(community_of=_community_of, members=_member_ids)
    catalogue_service.register_teams(team_ids_of_many)
