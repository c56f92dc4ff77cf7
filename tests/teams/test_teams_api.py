"""Volunteer teams (志愿服务队): the office creates them and names the leader; the leader adds
members, who are told and may leave; team totals come from the kept hours totals."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.hours.models import HoursRecord, HoursStatus, Source
from happiness_fair.places.clock import today
from happiness_fair.teams.models import TeamMember
from tests.factories import PASSWORD


def _team(api, office, leader, name="虹西修缮服务队"):
    made = api.as_(office).post("/teams", json={"name": name, "leader_volunteer_id": leader.id})
    assert made.status_code == 201, made.json
    return made.json


def test_the_leader_adds_a_member_who_is_told_and_may_leave(api, make):
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    leader = make.volunteer([grid], name="沈林益")
    member = make.volunteer([grid], name="王师傅")
    outsider = make.volunteer([grid], name="李师傅")
    team = _team(api, office, leader)
    assert team["leader_volunteer_id"] == leader.id
    assert [m["volunteer_id"] for m in team["members"]] == [leader.id]

    as_leader, as_member = api.as_(leader.account_user), api.as_(member.account_user)
    added = as_leader.post(f"/teams/{team['id']}/members", json={"volunteer_id": member.id})
    assert added.status_code == 201, added.json
    assert [m["volunteer_id"] for m in added.json["members"]] == [leader.id, member.id]
    told = as_member.get("/notifications").json["items"]
    assert told[0]["kind"] == "team_added" and "虹西修缮服务队" in told[0]["text"]
    assert as_member.get("/teams").json["items"][0]["id"] == team["id"]
    assert as_member.get(f"/volunteers/{member.id}").json["team_ids"] == [team["id"]]

    again = as_leader.post(f"/teams/{team['id']}/members", json={"volunteer_id": member.id})
    assert again.status_code == 409
    by_outsider = api.as_(outsider.account_user).post(
        f"/teams/{team['id']}/members", json={"volunteer_id": outsider.id}
    )
    assert by_outsider.status_code == 403
    assert api.as_(outsider.account_user).get("/teams").json["items"] == []

    assert as_leader.delete(f"/teams/{team['id']}/members/{leader.id}").status_code == 409
    assert as_member.delete(f"/teams/{team['id']}/members/{member.id}").status_code == 204
    assert as_member.get("/teams").json["items"] == []
    assert as_member.delete(f"/teams/{team['id']}/members/{member.id}").status_code == 404


def test_the_office_names_teams_once_and_only_in_its_community(api, make):
    community, elsewhere = make.community(), make.community()
    grid = make.grid(community)
    office, office_x = make.office(community), make.office(elsewhere)
    leader = make.volunteer([grid], name="沈林益")
    team = _team(api, office, leader)
    twice = api.as_(office).post(
        "/teams",
        json={"name": "虹西修缮服务队", "leader_volunteer_id": leader.id},
        headers={"Accept-Language": "zh-CN"},
    )
    assert twice.status_code == 409
    assert twice.json["error"]["message"] == "已经有同名的服务队了。"
    blank = api.as_(office).post("/teams", json={"name": "  ", "leader_volunteer_id": leader.id})
    assert blank.status_code == 422 and "name" in blank.json["error"]["fields"]
    assert api.as_(office_x).patch(f"/teams/{team['id']}", json={"name": "x"}).status_code == 404
    assert api.as_(office).patch("/teams/999999", json={"name": "x"}).status_code == 404
    renamed = api.as_(office).patch(f"/teams/{team['id']}", json={"name": "虹西便民服务队"})
    assert renamed.status_code == 200 and renamed.json["name"] == "虹西便民服务队"


def test_team_totals_equal_a_recount_of_the_verified_records(api, make, in_app):
    community = make.community()
    grid1, grid2 = make.grid(community), make.grid(community)
    office = make.office(community)
    a = make.volunteer([grid1], name="甲")
    b = make.volunteer([grid2], name="乙")
    c = make.volunteer([grid1], name="丙")  # in no team
    staff = api.as_(office)
    for volunteer, grid, minutes, days_ago in (
        (a, grid1, 45, 0),
        (a, grid2, 30, 40),
        (b, grid2, 90, 0),
        (b, grid2, 20, 400),
        (c, grid1, 500, 0),
    ):
        made = staff.post(
            "/hours",
            json={
                "volunteer_id": volunteer.id,
                "minutes": minutes,
                "date": (today() - timedelta(days=days_ago)).isoformat(),
                "grid_id": grid.id,
                "reason": "活动",
            },
        )
        assert made.status_code == 201, made.json
    both = _team(api, office, a, "甲乙队")
    added = staff.post(f"/teams/{both['id']}/members", json={"volunteer_id": b.id})
    assert added.status_code == 201
    solo = _team(api, office, c, "丙队")
    assert staff.delete(f"/teams/{solo['id']}/members/{c.id}").status_code == 409  # the leader

    first, last = today() - timedelta(days=100), today()
    answer = staff.get(f"/rankings/teams?from={first}&to={last}").json
    with in_app() as session:
        members = {}
        for row in session.execute(sa.select(TeamMember)).scalars():
            members.setdefault(row.team_id, set()).add(row.volunteer_id)
        records = session.execute(
            sa.select(HoursRecord).where(
                HoursRecord.status == HoursStatus.verified,
                HoursRecord.date.between(first, last),
            )
        ).scalars()
        recount = {team_id: [0, 0] for team_id in members}
        for record in records:
            for team_id, ids in members.items():
                if record.volunteer_id in ids:
                    recount[team_id][0] += record.minutes
                    recount[team_id][1] += record.source == Source.booking
    got = {i["team_id"]: [i["minutes"], i["services"]] for i in answer["items"]}
    assert got == recount
    assert got[both["id"]] == [165, 0] and got[solo["id"]] == [500, 0]
    assert [i["team_id"] for i in answer["items"]] == [solo["id"], both["id"]]
    assert {i["team_id"]: i["members"] for i in answer["items"]} == {both["id"]: 2, solo["id"]: 1}

    ranked = staff.get(f"/rankings/volunteers?from={first}&to={last}&team_id={both['id']}").json
    assert [i["volunteer_id"] for i in ranked["items"]] == [b.id, a.id]
    table = staff.get(f"/rankings/teams?from={first}&to={last}&format=csv")
    rows = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig"))))
    assert rows[1][1] == "丙队" and rows[2][1:3] == ["甲乙队", "165"]


def test_export_and_erasure_cover_team_membership(api, make, in_app):
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    leader = make.volunteer([grid], name="沈林益")
    member = make.volunteer([grid], name="王师傅")
    team = _team(api, office, leader)
    api.as_(leader.account_user).post(
        f"/teams/{team['id']}/members", json={"volunteer_id": member.id}
    )
    as_member = api.as_(member.account_user)
    exported = as_member.get("/me/export").json["teams"]
    assert [(t["id"], t["name"], t["leader"]) for t in exported] == [
        (team["id"], "虹西修缮服务队", False)
    ]
    assert api.as_(leader.account_user).get("/me/export").json["teams"][0]["leader"] is True

    assert as_member.delete("/me", json={"password": PASSWORD}).status_code == 204
    with in_app() as session:
        left = session.execute(
            sa.select(TeamMember.volunteer_id).where(TeamMember.team_id == team["id"])
        ).scalars()
        assert list(left) == [leader.id]
    shown = api.as_(office).get("/teams").json["items"][0]["members"]
    assert [m["name"] for m in shown] == ["沈林益"]


def test_the_leader_sees_his_members_full_names_a_member_sees_them_as_each_chose(app, api, make):
    """Review finding: the leader saw his own team as 沈**. They are his team: he sees full
    names; a member sees his mates as each chose for the public, and himself in full."""
    from tests.web.conftest import Browser, text_of

    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    leader = make.volunteer([grid], name="沈林益")
    member = make.volunteer([grid], name="王建国")
    mate = make.volunteer([grid], name="李大海")
    team = _team(api, office, leader)
    for volunteer in (member, mate):
        added = api.as_(leader.account_user).post(
            f"/teams/{team['id']}/members", json={"volunteer_id": volunteer.id}
        )
        assert added.status_code == 201, added.json
    names = {m["name"] for m in added.json["members"]}
    assert names == {"沈林益", "王建国", "李大海"}
    [seen] = api.as_(leader.account_user).get("/teams").json["items"]
    assert {m["name"] for m in seen["members"]} == {"沈林益", "王建国", "李大海"}
    [as_member] = api.as_(member.account_user).get("/teams").json["items"]
    assert {m["name"] for m in as_member["members"]} == {"沈**", "王建国", "李**"}
    page = text_of(Browser(app).sign_in(leader.account_user).get("/teams/"))
    assert "王建国" in page and "李大海" in page and "王**" not in page
    member_page = text_of(Browser(app).sign_in(member.account_user).get("/teams/"))
    assert "李**" in member_page and "李大海" not in member_page
