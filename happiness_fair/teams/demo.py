"""The demo team: 虹西志愿服务队, led by 沈林益, with the volunteers the office tagged with it."""

from __future__ import annotations

import sqlalchemy as sa

from ..accounts.models import User
from ..catalogue.demo import TEAM
from ..catalogue.models import Volunteer, VolunteerStatus, VolunteerTag
from ..extensions import db
from ..places.models import Community
from .models import Team, TeamMember


def seed(community: Community) -> bool:
    """Once: the team in 虹西社区. True when created."""
    if community.name != "虹西社区":
        return False
    if db.session.execute(
        sa.select(Team.id).where(Team.community_id == community.id, Team.name == TEAM)
    ).first():
        return False
    leader = db.session.execute(
        sa.select(Volunteer)
        .join(User, User.id == Volunteer.user_id)
        .where(User.phone == "13900000003", Volunteer.status == VolunteerStatus.approved)
    ).scalar_one_or_none()
    if leader is None:
        return False
    team = Team(community_id=community.id, name=TEAM, leader_volunteer_id=leader.id)
    db.session.add(team)
    db.session.flush()
    tagged = db.session.execute(
        sa.select(Volunteer.id)
        .join(VolunteerTag, VolunteerTag.volunteer_id == Volunteer.id)
        .where(
            Volunteer.community_id == community.id,
            Volunteer.status == VolunteerStatus.approved,
            VolunteerTag.tag == TEAM,
            Volunteer.id != leader.id,
        )
        .order_by(Volunteer.id)
    ).scalars()
    for volunteer_id in [leader.id, *tagged]:
        db.session.add(TeamMember(team_id=team.id, volunteer_id=volunteer_id))
    db.session.flush()
    return True
