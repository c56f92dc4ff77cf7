"""Team pages: the office creates a team and names its leader, the leader adds a member from
his page, the member sees the team under 我的服务 and leaves it; the rankings and the dashboard
show the team's totals. Forms post with CSRF and work without JavaScript."""

from __future__ import annotations

from happiness_fair.places.clock import today
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page


def _browser(app, user):
    client = app.test_client()
    assert sign_in_page(client, user.phone, PASSWORD).status_code == 303
    return client


def _post(client, page, path, data):
    token = csrf_token_of(client.get(page).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_office_creates_leader_adds_member_leaves(app, make, api):
    community = make.community()
    grid = make.grid(community)
    office_user = make.office(community)
    leader = make.volunteer([grid], name="沈林益")
    member = make.volunteer([grid], name="王师傅")
    office = _browser(app, office_user)
    page = office.get("/teams/").get_data(as_text=True)
    assert "志愿服务队" in page and "沈林益" in page  # the leader chooser, staff see full names

    created = _post(
        office, "/teams/", "/teams/", {"name": "虹西修缮服务队", "leader_volunteer_id": leader.id}
    )
    assert created.status_code == 303
    assert "虹西修缮服务队" in office.get("/teams/").get_data(as_text=True)
    twice = _post(
        office, "/teams/", "/teams/", {"name": "虹西修缮服务队", "leader_volunteer_id": leader.id}
    )
    assert twice.status_code == 303
    assert "已经有同名的服务队了。" in office.get("/teams/").get_data(as_text=True)
    team_id = api.as_(office_user).get("/teams").json["items"][0]["id"]

    as_leader = _browser(app, leader.account_user)
    mine = as_leader.get("/teams/").get_data(as_text=True)
    assert "添加队员" in mine
    added = _post(as_leader, "/teams/", f"/teams/{team_id}/members", {"volunteer_id": member.id})
    assert added.status_code == 303

    as_member = _browser(app, member.account_user)
    theirs = as_member.get("/teams/").get_data(as_text=True)
    assert "虹西修缮服务队" in theirs and "退出服务队" in theirs and "添加队员" not in theirs
    left = _post(as_member, "/teams/", f"/teams/{team_id}/members/{member.id}/remove", {})
    assert left.status_code == 303
    after = as_member.get("/teams/").get_data(as_text=True)
    assert "还没有志愿服务队。" in after and "退出服务队" not in after

    # The team's totals on the rankings page and the dashboard.
    api.as_(office_user).post(
        "/hours",
        json={"volunteer_id": leader.id, "minutes": 90, "date": today().isoformat(),
              "grid_id": grid.id, "reason": "活动"},
    )  # fmt: skip
    for path in ("/office/rankings", "/office/"):
        html = office.get(path).get_data(as_text=True)
        assert "志愿服务队" in html and "虹西修缮服务队" in html and "1.5" in html, path
    filtered = office.get(f"/office/rankings?team_id={team_id}").get_data(as_text=True)
    assert f'<option value="{team_id}" selected>' in filtered and "沈林益" in filtered


def test_team_pages_refuse_strangers(app, make, api):
    community, elsewhere = make.community(), make.community()
    grid = make.grid(community)
    leader = make.volunteer([grid], name="沈林益")
    outsider = make.volunteer([grid], name="李师傅")
    team = api.as_(make.office(community)).post(
        "/teams", json={"name": "甲队", "leader_volunteer_id": leader.id}
    )
    as_outsider = _browser(app, outsider.account_user)
    assert "甲队" not in as_outsider.get("/teams/").get_data(as_text=True)
    refused = _post(
        as_outsider, "/teams/", f"/teams/{team.json['id']}/members", {"volunteer_id": outsider.id}
    )
    assert refused.status_code == 303  # told why, nothing changed
    assert len(api.as_(leader.account_user).get("/teams").json["items"][0]["members"]) == 1
    stranger = _browser(app, make.office(elsewhere))
    assert stranger.get("/teams/").status_code == 200
    assert _post(stranger, "/teams/", f"/teams/{team.json['id']}/members", {}).status_code == 404
    no_csrf = as_outsider.post(f"/teams/{team.json['id']}/members/{leader.id}/remove")
    assert no_csrf.status_code == 403  # CSRF token missing
