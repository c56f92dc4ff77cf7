"""Volunteer teams over JSON (API.md "Volunteers and the catalogue": Teams)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from ..accounts.security import me
from ..api.base import ApiBlueprint, list_schema, login_required
from ..database import long_statements
from ..hours.api import _as_file, _hours, _staff_range, file_formats_doc
from . import service, totals
from .schemas import (
    NewTeamSchema,
    TeamMemberSchema,
    TeamPatchSchema,
    TeamRankingArgs,
    TeamSchema,
    TeamTableSchema,
)

blp = ApiBlueprint("teams_api", __name__, description="Volunteer teams (志愿服务队)")


@blp.get("/teams")
@blp.doc(operationId="listTeams")
@blp.response(200, list_schema(TeamSchema, "TeamList"))
@blp.errors(401)
@login_required
def list_teams():
    """The volunteer teams the caller may see, with their leaders and members.

    Who: anyone signed in. Staff see every team of their community; a volunteer the teams he
    leads or belongs to; anyone else an empty list."""
    return {"items": service.visible_teams(me())}


@blp.post("/teams")
@blp.doc(operationId="createTeam")
@blp.arguments(NewTeamSchema)
@blp.response(201, TeamSchema)
@blp.errors(400, 401, 403, 409, 422)
@login_required
def create_team(data):
    """Create a volunteer team and name its leader, who becomes its first member and is told.

    Who: the community office.

    - 403: the caller is not the office.
    - 409: the community already has a team of this name.
    - 422: the leader is not an approved volunteer of the community, or the name is empty."""
    return service.create_team(me(), data["name"], data["leader_volunteer_id"])


@blp.patch("/teams/<int:team_id>")
@blp.doc(operationId="changeTeam")
@blp.arguments(TeamPatchSchema)
@blp.response(200, TeamSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def change_team(data, team_id):
    """Rename a team or name another leader (who joins it if he was not a member).

    Who: the community office.

    - 403: the caller is not the office.
    - 404: no such team in the caller's community.
    - 409: the community already has a team of this name.
    - 422: the leader is not an approved volunteer of the community."""
    team = service.get_team(me(), team_id)
    return service.change_team(me(), team, **data)


@blp.post("/teams/<int:team_id>/members")
@blp.doc(operationId="addTeamMember")
@blp.arguments(TeamMemberSchema)
@blp.response(201, TeamSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def add_member(data, team_id):
    """Add a volunteer to a team; he is told by a notification.

    Who: the team's leader and the community office.

    - 403: the caller is neither the leader nor the office.
    - 404: no such team in the caller's community.
    - 409: the volunteer is already in the team.
    - 422: not an approved volunteer of the community."""
    team = service.get_team(me(), team_id)
    return service.add_member(me(), team, data["volunteer_id"])


@blp.delete("/teams/<int:team_id>/members/<int:volunteer_id>")
@blp.doc(operationId="removeTeamMember")
@blp.response(204)
@blp.errors(401, 403, 404, 409)
@login_required
def remove_member(team_id, volunteer_id):
    """Take a member off a team, or leave it oneself.

    Who: the member himself, the team's leader and the community office.

    - 403: the caller is none of these.
    - 404: no such team in the caller's community, or the volunteer is not in it.
    - 409: the leader cannot leave; the office names another leader first."""
    team = service.get_team(me(), team_id)
    service.remove_member(me(), team, volunteer_id)
    return ""


@blp.get("/rankings/teams")
@blp.doc(operationId="rankTeams")
@blp.arguments(TeamRankingArgs, location="query")
@blp.response(200, TeamTableSchema)
@blp.doc(**file_formats_doc("TeamTable"))
@blp.errors(401, 403, 422)
@login_required
def team_table(args):
    """Every team's verified minutes and services over a period or range, most minutes first.

    Who: grid workers and the office. Summed from the kept hours totals of each team's current
    members. `format=csv` or `format=xlsx` answers the same table as a file.

    - 403: the caller is not staff.
    - 422: an invalid period or range."""
    first, last = _staff_range(args)
    if args["format"] != "json":
        long_statements()
    items = totals.team_table(current_user.community_id, first, last)
    if args["format"] != "json":
        headers = [
            _("Team no."),
            _("Team"),
            _("Minutes"),
            _("Hours"),
            pgettext("count", "Services"),
            _("Members"),
        ]
        rows = [
            [i.team_id, i.name, i.minutes, _hours(i.minutes), i.services, i.members] for i in items
        ]
        return _as_file(args, "team-table", _("Team table"), headers, rows, first, last)
    return {"from_": first, "to": last, "items": items}
