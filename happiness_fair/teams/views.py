"""Volunteer teams on the web: the office lists and creates teams, the leader adds members, a
member sees his teams and may leave. The same service as the API (teams.service)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..catalogue import service as catalogue_service
from ..forms import load_form
from ..validation import BaseSchema
from ..web import me, said_and_gone, signed_in
from . import service
from .schemas import NewTeamSchema, TeamMemberSchema, _shown

bp = Blueprint("teams_web", __name__, url_prefix="/teams")


class _Empty(BaseSchema):
    pass


def _back():
    return redirect(url_for(".teams_page"), code=303)


def _refused(errors: dict) -> None:
    for messages in errors.values():
        for message in messages:
            flash(str(message), "error")


@bp.get("/")
@signed_in
def teams_page():
    user = me()
    mine = catalogue_service.volunteer_of(user)
    teams = [
        {
            "team": team,
            "members": service.members(team),
            "may_add": user.is_office or (mine is not None and mine.id == team.leader_volunteer_id),
        }
        for team in service.visible_teams(user)
    ]
    choosable = []
    if user.is_office or any(t["may_add"] for t in teams):
        choosable = catalogue_service.approved_volunteers(user.community_id)
    return render_template(
        "teams/teams.html",
        teams=teams,
        mine=mine,
        choosable=choosable,
        shown=_shown,
    )


@bp.post("/")
@signed_in
def create_team():
    data, errors = load_form(NewTeamSchema)
    if errors:
        _refused(errors)
        return _back()
    return said_and_gone(
        lambda: service.create_team(me(), data["name"], data["leader_volunteer_id"]),
        said=lambda team: _("Done: %(name)s.", name=team.name),
        go=url_for(".teams_page"),
    )


@bp.post("/<int:team_id>/members")
@signed_in
def add_member(team_id):
    team = service.get_team(me(), team_id)
    data, errors = load_form(TeamMemberSchema)
    if errors:
        _refused(errors)
        return _back()
    return said_and_gone(
        lambda: service.add_member(me(), team, data["volunteer_id"]),
        said=_("Done: %(name)s.", name=team.name),
        go=url_for(".teams_page"),
    )


@bp.post("/<int:team_id>/members/<int:volunteer_id>/remove")
@signed_in
def remove_member(team_id, volunteer_id):
    load_form(_Empty)
    team = service.get_team(me(), team_id)
    return said_and_gone(
        lambda: service.remove_member(me(), team, volunteer_id),
        said=_("Done: %(name)s.", name=team.name),
        go=url_for(".teams_page"),
    )
