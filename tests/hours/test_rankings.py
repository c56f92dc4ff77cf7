"""Rankings and the grid table: periods and ranges, filters, tie-breaks, exports that cannot
carry a formula, the public honour board with the names people chose."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl

from happiness_fair.accounts.models import User
from happiness_fair.catalogue.models import Volunteer, VolunteerTag
from happiness_fair.places.clock import today
from happiness_fair.places.models import Grid


def _manual(api, office, volunteer, grid, minutes, day=None):
    response = api.as_(office).post(
        "/hours",
        json={
            "volunteer_id": volunteer.id,
            "minutes": minutes,
            "date": (day or today()).isoformat(),
            "grid_id": grid.id,
            "reason": "活动",
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def test_ties_are_broken_by_services_then_name_then_id(api, make):
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    a = make.volunteer([grid], name="乙")
    b = make.volunteer([grid], name="甲")
    c = make.volunteer([grid], name="甲")
    d = make.volunteer([grid], name="丙")
    for v in (a, b, c):
        _manual(api, office, v, grid, 60)
    _manual(api, office, d, grid, 61)
    items = api.as_(office).get("/rankings/volunteers").json["items"]
    # d has more minutes; a, b, c tie on minutes and services, so by name in code-point order
    # (乙 U+4E59 before 甲 U+7532), then by id between the two 甲.
    assert [i["volunteer_id"] for i in items] == [d.id, a.id, b.id, c.id]
    assert [i["rank"] for i in items] == [1, 2, 3, 4]


def test_a_range_a_grid_and_a_tag_narrow_the_ranking(api, make):
    community = make.community()
    grid1, grid2 = make.grid(community), make.grid(community)
    office = make.office(community)
    party = make.volunteer([grid1, grid2], name="党员", tags=("在职党员",))
    other = make.volunteer([grid1], name="群众")
    long_ago = today() - timedelta(days=400)
    _manual(api, office, party, grid1, 30)
    _manual(api, office, party, grid2, 40)
    _manual(api, office, other, grid1, 50)
    _manual(api, office, other, grid1, 500, day=long_ago)
    staff = api.as_(office)

    def ranking(**query):
        response = staff.get("/rankings/volunteers", query_string=query)
        assert response.status_code == 200, response.json
        return [(i["name"], i["minutes"]) for i in response.json["items"]]

    assert ranking(period="year") == [("党员", 70), ("群众", 50)]
    assert ranking(period="all") == [("群众", 550), ("党员", 70)]
    assert ranking(period="year", grid_id=grid2.id) == [("党员", 40)]
    assert ranking(period="year", tag="在职党员") == [("党员", 70)]
    assert ranking(period="year", limit=1) == [("党员", 70)]
    day = long_ago.isoformat()
    assert ranking(**{"from": day, "to": day}) == [("群众", 500)]


def test_bad_ranking_questions_get_clear_errors(api, make, world):
    staff = api.as_(world.office)
    assert staff.get("/rankings/volunteers?from=2026-01-01").status_code == 422
    assert staff.get("/rankings/volunteers?from=2026-02-01&to=2026-01-01").status_code == 422
    assert staff.get("/rankings/volunteers?period=week").status_code == 422
    assert staff.get("/rankings/volunteers?format=pdf").status_code == 422
    other_grid = make.grid()
    response = staff.get(f"/rankings/volunteers?grid_id={other_grid.id}")
    assert response.status_code == 422
    assert "grid_id" in response.json["error"]["fields"]


def test_rankings_are_for_staff_of_the_community(api, world, make):
    assert api.get("/rankings/volunteers").status_code == 401
    for user in (world.grandma_user, world.plumber.account_user):
        assert api.as_(user).get("/rankings/volunteers").status_code == 403
        assert api.as_(user).get("/rankings/grids").status_code == 403
    _manual(api, world.office, world.plumber, world.grid, 30)
    assert api.as_(world.grid_worker).get("/rankings/volunteers").json["items"] != []
    # Another community's office sees its own (empty) community, nothing of this one.
    assert api.as_(world.stranger_office).get("/rankings/volunteers").json["items"] == []
    grids = api.as_(world.stranger_office).get("/rankings/grids").json["items"]
    assert world.grid.id not in [g["grid_id"] for g in grids]


def test_exports_make_formula_like_names_harmless(api, make):
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    sly = make.volunteer([grid], name='=HYPERLINK("http://x","点我")')
    _manual(api, office, sly, grid, 30)
    staff = api.as_(office)
    text = staff.get("/rankings/volunteers?format=csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][2] == '\'=HYPERLINK("http://x","点我")'
    book = openpyxl.load_workbook(io.BytesIO(staff.get("/rankings/volunteers?format=xlsx").data))
    cell = book.active["C2"]
    assert cell.data_type == "s"
    assert cell.value == '\'=HYPERLINK("http://x","点我")'


def test_the_honour_board_is_public_and_shows_names_as_chosen(api, make, in_app):
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    shen = make.volunteer([grid], name="沈林益")
    xu = make.volunteer([grid], name="徐晓东")
    with in_app() as session:
        session.get(Volunteer, xu.id).show_full_name = True
        session.commit()
    _manual(api, office, shen, grid, 90)
    _manual(api, office, xu, grid, 60)
    board = api.get(f"/honour-board?community_id={community.id}&period=month")
    assert board.status_code == 200, board.json
    assert [(i["rank"], i["name"], i["minutes"]) for i in board.json["items"]] == [
        (1, "沈**", 90),
        (2, "徐晓东", 60),
    ]
    assert "volunteer_id" not in board.json["items"][0]
    assert api.get("/honour-board?community_id=999999").status_code == 404
    assert api.get("/honour-board").status_code == 422


def test_a_kept_ranking_shows_every_change_at_once(api, make, in_app):
    """The ranking and the grid table are kept in the process until what they show changes
    (versions.py): new minutes, a new name, a new tag and a renamed grid are in the next answer."""
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    shen = make.volunteer([grid], name="沈林益")
    _manual(api, office, shen, grid, 30)
    staff = api.as_(office)

    def ranking(**query):
        items = staff.get("/rankings/volunteers", query_string=query).json["items"]
        return [(i["name"], i["minutes"]) for i in items]

    def grids():
        return [(i["name"], i["minutes"]) for i in staff.get("/rankings/grids").json["items"]]

    assert ranking() == [("沈林益", 30)] and ranking(tag="在职党员") == []
    assert grids() == [(grid.name, 30)]
    _manual(api, office, shen, grid, 45)
    assert ranking() == [("沈林益", 75)] and grids() == [(grid.name, 75)]
    with in_app() as session:
        session.get(Grid, grid.id).name = "幸福里网格"
        session.commit()
    assert grids() == [("幸福里网格", 75)]
    with in_app() as session:
        session.get(User, shen.user_id).name = "沈师傅"
        session.commit()
    assert ranking() == [("沈师傅", 75)] and ranking(tag="在职党员") == []
    with in_app() as session:
        session.add(VolunteerTag(volunteer_id=shen.id, tag="在职党员"))
        session.commit()
    assert ranking(tag="在职党员") == [("沈师傅", 75)]

    def board():
        answer = api.get(f"/honour-board?community_id={community.id}&period=month")
        return [(i["name"], i["minutes"]) for i in answer.json["items"]]

    assert board() == [("沈**", 75)]
    with in_app() as session:  # he chooses his full name: the board shows it at once
        session.get(Volunteer, shen.id).show_full_name = True
        session.commit()
    assert board() == [("沈师傅", 75)]


def test_a_kept_ranking_answers_each_community_and_each_question_its_own(api, make):
    """The JSON of a kept ranking is kept beside it: asked again it is the same answer, and it
    is never another community's, another grid's or another range's."""
    here, there = make.community(), make.community()
    here_grid, other_grid, there_grid = make.grid(here), make.grid(here), make.grid(there)
    here_office, there_office = make.office(here), make.office(there)
    wang = make.volunteer([here_grid, other_grid], name="王师傅")
    li = make.volunteer([there_grid], name="李师傅")
    _manual(api, here_office, wang, here_grid, 30)
    _manual(api, here_office, wang, other_grid, 20)
    _manual(api, there_office, li, there_grid, 90)
    here_staff, there_staff = api.as_(here_office), api.as_(there_office)

    first = here_staff.get("/rankings/volunteers?period=year")
    again = here_staff.get("/rankings/volunteers?period=year")
    assert first.status_code == again.status_code == 200
    assert first.mimetype == again.mimetype == "application/json"
    assert first.get_data() == again.get_data()
    assert first.json["from"] == today().replace(month=1, day=1).isoformat()
    assert [(i["rank"], i["name"], i["minutes"]) for i in first.json["items"]] == [
        (1, "王师傅", 50)
    ]
    there_answer = there_staff.get("/rankings/volunteers?period=year").json
    assert [(i["name"], i["minutes"]) for i in there_answer["items"]] == [("李师傅", 90)]
    one_grid = here_staff.get(f"/rankings/volunteers?period=year&grid_id={other_grid.id}").json
    assert [i["minutes"] for i in one_grid["items"]] == [20]
    last_year = (today() - timedelta(days=366)).isoformat()
    assert (
        here_staff.get(f"/rankings/volunteers?from={last_year}&to={last_year}").json["items"] == []
    )

    grids = here_staff.get("/rankings/grids?period=year")
    assert grids.get_data() == here_staff.get("/rankings/grids?period=year").get_data()
    assert {i["grid_id"]: i["minutes"] for i in grids.json["items"]} == {
        here_grid.id: 30,
        other_grid.id: 20,
    }
    there_grids = there_staff.get("/rankings/grids?period=year").json["items"]
    assert [(i["grid_id"], i["minutes"]) for i in there_grids] == [(there_grid.id, 90)]
