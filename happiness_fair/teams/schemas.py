"""Volunteer teams at the API's edge (API.md "Volunteers and the catalogue": Teams)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from ..accounts.security import me
from ..catalogue import service as catalogue
from ..hours.schemas import GridRankingArgs
from ..validation import BaseSchema, TrimmedString, id_field, length
from . import service


def _shown(volunteer, full: bool = False) -> str:
    """A team's leader sees his members' full names (full=True: they are his team); otherwise
    the catalogue's rule (staff and the volunteer himself see it whole, others as he chose)."""
    return volunteer.name if full else catalogue.name_shown_to(me(), volunteer)


class NewTeamSchema(BaseSchema):
    name = TrimmedString(required=True, validate=length(1, 40))
    leader_volunteer_id = id_field(required=True)


class TeamPatchSchema(BaseSchema):
    name = TrimmedString(validate=length(1, 40))
    leader_volunteer_id = id_field()


class TeamMemberSchema(BaseSchema):
    volunteer_id = id_field(required=True)


class MemberSchema(ma.Schema):
    volunteer_id = fields.Integer()
    name = fields.String(metadata={"example": "沈林益"})


class TeamSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String(metadata={"example": "虹西修缮服务队"})
    leader_volunteer_id = fields.Integer()
    members = fields.List(fields.Nested(MemberSchema))
    created_at = fields.DateTime()

    @ma.pre_dump
    def with_members(self, team, **kwargs):
        user = me()
        leads = user is not None and service.is_leader(user, team)
        return {
            "id": team.id,
            "name": team.name,
            "leader_volunteer_id": team.leader_volunteer_id,
            "members": [
                {"volunteer_id": v.id, "name": _shown(v, full=leads)} for v in service.members(team)
            ],
            "created_at": team.created_at,
        }


class TeamRankingArgs(GridRankingArgs):
    pass


class TeamLineSchema(ma.Schema):
    team_id = fields.Integer()
    name = fields.String()
    minutes = fields.Integer()
    services = fields.Integer()
    members = fields.Integer()


class TeamTableSchema(ma.Schema):
    from_ = fields.Date(data_key="from", allow_none=True)
    to = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(TeamLineSchema))
