"""The office's pages: only for the office of the community, forms that keep what was typed,
and the printable certificate."""

from __future__ import annotations

from datetime import date

import pytest

from happiness_fair.catalogue.models import VolunteerStatus
from happiness_fair.office import calendar
from happiness_fair.places.clock import today
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page
from tests.web.conftest import text_of

PAGES = [
    "/office/",
    "/office/?period=month",
    "/office/volunteers",
    "/office/volunteers?status=pending",
    "/office/hours",
    "/office/rankings?period=all",
    "/office/rankings?from=2026-02-01&to=2026-01-01",
    "/office/rules",
    "/office/calendar",
    "/office/audit",
]


def _browser(app, user):
    client = app.test_client()
    assert sign_in_page(client, user.phone, PASSWORD).status_code == 303
    return client


def _post(client, page, path, data):
    token = csrf_token_of(client.get(page).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


@pytest.mark.parametrize("path", PAGES)
def test_every_office_page_opens_for_the_office_only(app, world, path):
    office = _browser(app, world.office)
    assert office.get(path).status_code == 200
    assert _browser(app, world.grid_worker).get(path).status_code == 403
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 303
    assert "/login" in anonymous.headers["Location"]


def test_the_office_approves_an_application_from_its_page(app, world, make, api):
    applicant = make.volunteer([world.grid], name="孙立新", status=VolunteerStatus.pending)
    office = _browser(app, world.office)
    page = office.get("/office/volunteers?status=pending").get_data(as_text=True)
    assert "孙立新" in page
    answer = _post(office, "/office/volunteers", f"/office/volunteers/{applicant.id}/approve", {})
    assert answer.status_code == 303
    status = api.as_(world.office).get(f"/volunteers/{applicant.id}").json["status"]
    assert status == "approved"
    refused = _post(
        office, "/office/volunteers", f"/office/volunteers/{world.plumber2.id}/suspend", {}
    )
    assert refused.status_code == 303  # no reason: told so, nothing changed
    assert api.as_(world.office).get(f"/volunteers/{world.plumber2.id}").json["status"] == (
        "approved"
    )


def _office_member_volunteers(api, world):
    """The office's own member applies as a volunteer (plumbing, in the grid)."""
    applied = api.as_(world.office).post(
        "/me/volunteer",
        json={
            "bio": "",
            "category_ids": [world.plumber.category_ids[0]],
            "grid_ids": [world.grid.id],
        },
    )
    assert applied.status_code == 201, applied.json
    return applied


def test_his_own_application_offers_him_no_approve_button_and_refuses_the_post(
    app, world, api, make
):
    """The office member who volunteers sees his own card without Approve or tags, told who
    decides; posting Approve anyway is refused with the same words and changes nothing."""
    applied = _office_member_volunteers(api, world)
    assert applied.status_code == 201, applied.json
    office = _browser(app, world.office)
    page = office.get("/office/volunteers?status=pending").get_data(as_text=True)
    card = page[page.index(world.office.name) :]
    card = card[: card.index("</li>")]
    assert "社区办公室的其他同事办理" in card
    assert f"/office/volunteers/{applied.json['id']}/approve" not in card
    assert 'name="tags"' not in card
    assert f"/office/volunteers/{applied.json['id']}/refuse" not in card
    answer = _post(
        office, "/office/volunteers", f"/office/volunteers/{applied.json['id']}/approve", {}
    )
    assert answer.status_code == 303
    told = office.get(answer.headers["Location"]).get_data(as_text=True)
    assert "社区办公室的其他同事办理" in told
    status = api.as_(world.office).get(f"/volunteers/{applied.json['id']}").json["status"]
    assert status == "pending"


def test_the_hours_page_offers_him_nothing_about_his_own_record(app, world, api, make):
    """His own name is not in the manual-hours list and his own correction has no Accept or
    Reject; posting his own hours anyway shows why on the form and records nothing."""
    applied = _office_member_volunteers(api, world)
    colleague = make.office(world.community)
    approved = api.as_(colleague).post(
        f"/volunteers/{applied.json['id']}/approve", json={"reason": "核实"}
    )
    assert approved.status_code == 200, approved.json
    record = api.as_(colleague).post(
        "/hours",
        json={
            "volunteer_id": applied.json["id"],
            "minutes": 60,
            "date": today().isoformat(),
            "grid_id": world.grid.id,
            "reason": "纸质签到",
        },
    )
    assert record.status_code == 201, record.json
    asked = api.as_(world.office).post(
        f"/hours/{record.json['id']}/corrections", json={"minutes": 90, "reason": "多算了"}
    )
    assert asked.status_code == 201, asked.json
    office = _browser(app, world.office)
    page = office.get("/office/hours").get_data(as_text=True)
    assert f'<option value="{applied.json["id"]}"' not in page
    assert f'<option value="{world.plumber.id}"' in page
    assert f"/office/corrections/{asked.json['id']}/" not in page
    assert "社区办公室的其他同事办理" in page
    answer = _post(
        office,
        "/office/hours",
        "/office/hours",
        {
            "volunteer_id": applied.json["id"],
            "grid_id": world.grid.id,
            "minutes": "600",
            "date": today().isoformat(),
            "reason": "纸质签到",
        },
    )
    assert answer.status_code == 422
    assert "社区办公室的其他同事办理" in text_of(answer)
    # The form comes back with no one chosen, not with a colleague's name first in the list,
    # which a browser would send as chosen.
    chooser = answer.get_data(as_text=True).split('id="f-volunteer_id"')[1].split("</select>")[0]
    assert chooser.split("<option", 1)[1].startswith(' value=""') and " selected" not in chooser
    mine = api.as_(world.office).get(f"/hours?volunteer_id={applied.json['id']}")
    assert [r["minutes"] for r in mine.json["items"]] == [60]


def test_hours_by_hand_can_be_given_to_every_volunteer_not_only_the_first_hundred(app, world, make):
    """A district's community has some 200 volunteers: the chooser lists them all (it showed a
    page of 100, so the rest could not be given hours by hand)."""
    many = [make.volunteer([world.grid], name=f"志愿者{n:03}") for n in range(101)]
    page = _browser(app, world.office).get("/office/hours").get_data(as_text=True)
    assert all(f'<option value="{v.id}"' in page for v in [*many, world.plumber])


def test_a_refused_certificate_sends_him_back_to_the_rankings_he_asked_from(app, world, api):
    """From the rankings page, a certificate the rules refuse (his own) says why there, not on
    the volunteers page."""
    applied = _office_member_volunteers(api, world)
    office = _browser(app, world.office)
    token = csrf_token_of(office.get("/office/rankings").get_data(as_text=True))
    answer = office.post(
        f"/office/volunteers/{applied.json['id']}/certificates",
        data={"csrf_token": token},
        headers={"Referer": "http://localhost/office/rankings?period=year"},
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/office/rankings?period=year")
    assert "社区办公室的其他同事办理" in text_of(office.get(answer.headers["Location"]))


def test_the_volunteers_page_in_english_lists_skills_with_commas(app, world, make):
    make.volunteer([world.grid], categories=("plumbing", "locks"), name="两样都会")
    office = _browser(app, world.office)
    office.set_cookie("lang", "en")
    page = text_of(office.get("/office/volunteers"))
    assert "、" not in page.split("两样都会")[1].split("·")[0]
    assert ", " in page.split("两样都会")[1].split("·")[0]


def test_manual_hours_with_bad_input_keep_what_was_typed(app, world, api):
    office = _browser(app, world.office)
    answer = _post(
        office,
        "/office/hours",
        "/office/hours",
        {
            "volunteer_id": world.plumber.id,
            "grid_id": world.grid.id,
            "minutes": "abc",
            "date": today().isoformat(),
            "reason": "社区义修活动",
        },
    )
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert "社区义修活动" in html
    assert 'aria-invalid="true"' in html
    assert "每条记录 1 到 1440 分钟（24 小时）。" in text_of(answer)  # the limit, said up front
    assert api.as_(world.office).get("/hours").json["items"] == []
    unchosen = _post(
        office,
        "/office/hours",
        "/office/hours",
        {"minutes": "90", "date": today().isoformat(), "reason": "社区义修活动"},
    )
    assert unchosen.status_code == 422
    assert "请选择志愿者。" in text_of(unchosen) and "请选择服务所在网格。" in text_of(unchosen)
    assert 'aria-describedby="f-volunteer_id-error"' in unchosen.get_data(as_text=True)
    good = _post(
        office,
        "/office/hours",
        "/office/hours",
        {
            "volunteer_id": world.plumber.id,
            "grid_id": world.grid.id,
            "minutes": "90",
            "date": today().isoformat(),
            "reason": "社区义修活动",
        },
    )
    assert good.status_code == 303
    assert [r["minutes"] for r in api.as_(world.office).get("/hours").json["items"]] == [90]
    # What was given shows at once under the form, so a slip is seen.
    given = text_of(office.get("/office/hours")).split("最近手工登记的时长")[1]
    assert world.plumber.name in given and "1 小时 30 分钟" in given and "社区义修活动" in given


def test_a_certificate_is_issued_and_printed_with_the_fields_the_rules_ask_for(app, world, api):
    api.as_(world.office).post(
        "/hours",
        json={
            "volunteer_id": world.plumber.id,
            "minutes": 150,
            "date": today().isoformat(),
            "grid_id": world.grid.id,
            "reason": "社区义修活动",
        },
    )
    office = _browser(app, world.office)
    issued = _post(
        office,
        "/office/rankings?period=all",
        f"/office/volunteers/{world.plumber.id}/certificates",
        {"with_seal": "on"},
    )
    assert issued.status_code == 303
    page = office.get(issued.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # One formatter for time (hours_text), as on 我的时长: 2 小时 30 分钟, not 2.5 小时.
    for text in (
        "志愿服务记录证明",
        "沈林益",
        "2 小时 30 分钟",
        "社区义修活动",
        "平台记录",
        "（盖章）",
    ):
        assert text in html, text
    assert (
        _browser(app, world.plumber.account_user).get(issued.headers["Location"]).status_code == 200
    )
    assert (
        _browser(app, world.plumber2.account_user).get(issued.headers["Location"]).status_code
        == 404
    )
    assert _browser(app, world.stranger_office).get(issued.headers["Location"]).status_code == 404


def test_the_calendar_form_names_a_mistake_and_keeps_the_rows(app, world):
    office = _browser(app, world.office)
    year = today().year + 1
    saturday = date(year, 6, 1)
    while saturday.weekday() != 5:
        saturday = saturday.replace(day=saturday.day + 1)
    row = {"day-0": saturday.isoformat(), "kind-0": "holiday", "name-0": "端午节"}
    answer = _post(office, "/office/calendar", "/office/calendar", {"year": year, **row})
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'value="端午节"' in html and f'value="{saturday.isoformat()}"' in html
    assert "周末本来就休息" in html or "weekend" in html.lower()
    nonsense = _post(
        office,
        "/office/calendar",
        "/office/calendar",
        {"year": year, "day-0": "soon", "kind-0": "x"},
    )
    assert nonsense.status_code == 422


def test_the_calendar_offers_the_kind_of_day_as_a_choice_not_a_word_to_type(app, world, in_app):
    """The office picks 休息日 or 调休上班日 from a list; rows are added, renamed and removed."""
    office = _browser(app, world.office)
    year = today().year + 1
    response = office.get(f"/office/calendar?year={year}")
    page, visible = response.get_data(as_text=True), text_of(response)
    assert '<select id="kind-0" name="kind-0">' in page
    assert "休息日" in visible and "调休上班日" in visible
    assert "holiday" not in visible and "makeup" not in visible
    monday = date(year, 3, 2)
    while monday.weekday() != 0:
        monday = monday.replace(day=monday.day + 1)
    sunday = monday.replace(day=monday.day - 1)
    rows = {
        "year": year,
        "day-0": monday.isoformat(), "kind-0": "holiday", "name-0": "社区休息日",
        "day-1": sunday.isoformat(), "kind-1": "makeup", "name-1": "",
        "day-2": "", "kind-2": "holiday", "name-2": "",
    }  # fmt: skip
    saved = _post(office, f"/office/calendar?year={year}", "/office/calendar", rows)
    assert saved.status_code == 303
    with in_app():
        days = calendar.days_of(world.community.id, date(year, 1, 1), date(year, 12, 31))
        assert [(d.day, d.kind.value, d.name) for d in days] == [
            (sunday, "makeup", ""),
            (monday, "holiday", "社区休息日"),
        ]
    shown = office.get(f"/office/calendar?year={year}").get_data(as_text=True)
    assert f'value="{monday.isoformat()}"' in shown and 'value="社区休息日"' in shown
    removed = _post(
        office,
        f"/office/calendar?year={year}",
        "/office/calendar",
        {"year": year, "day-0": sunday.isoformat(), "kind-0": "makeup", "name-0": "",
         "day-1": monday.isoformat(), "kind-1": "holiday", "name-1": "社区休息日", "remove-1": "1"},
    )  # fmt: skip
    assert removed.status_code == 303
    with in_app():
        days = calendar.days_of(world.community.id, date(year, 1, 1), date(year, 12, 31))
        assert [d.day for d in days] == [sunday]


def test_the_fee_rules_page_switches_a_rule(app, world, api):
    office = _browser(app, world.office)
    answer = _post(office, "/office/rules", "/office/rules", {"code": "dibao", "active": "on"})
    assert answer.status_code == 303
    rules = api.as_(world.office).get("/waiver-rules").json["items"]
    assert [r["active"] for r in rules] == [True, True, False, False]


def test_the_dashboard_draws_its_charts_on_the_server(app, world):
    html = _browser(app, world.office).get("/office/").get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html
    assert "<script" not in html.split("<main", 1)[1]


def test_the_office_tags_a_volunteer_from_its_page(app, world, api):
    office = _browser(app, world.office)
    answer = _post(
        office,
        "/office/volunteers",
        f"/office/volunteers/{world.plumber.id}/tags",
        {"tags": "在职党员，虹西志愿服务队"},
    )
    assert answer.status_code == 303
    tags = api.as_(world.office).get(f"/volunteers/{world.plumber.id}").json["tags"]
    assert sorted(tags) == ["在职党员", "虹西志愿服务队"]
    party = api.as_(world.office).get("/rankings/volunteers?tag=在职党员").status_code
    assert party == 200


def test_a_shared_category_is_renamed_for_the_whole_deployment(runner, api):
    result = runner.invoke(args=["rename-category", "plumbing", "--zh", "水电小修"])
    assert result.exit_code == 0, result.output
    names = [
        c["name"]
        for c in api.get("/categories", headers={"Accept-Language": "zh-CN"}).json["items"]
    ]
    assert "水电小修" in names
    assert runner.invoke(args=["rename-category", "nothing", "--zh", "x"]).exit_code != 0
    assert runner.invoke(args=["rename-category", "plumbing", "--zh", " "]).exit_code != 0


def test_the_english_rankings_say_one_star_and_two_stars(app, world, api, monkeypatch):
    monkeypatch.setitem(app.config, "STAR_THRESHOLDS_HOURS", (1, 2, 3, 4, 5))
    office = api.as_(world.office)
    for volunteer, minutes in ((world.plumber, 60), (world.barber, 120)):
        given = office.post(
            "/hours",
            json={
                "volunteer_id": volunteer.id,
                "minutes": minutes,
                "date": today().isoformat(),
                "grid_id": world.grid.id,
                "reason": "活动",
            },
        )
        assert given.status_code == 201, given.json
    browser = _browser(app, world.office)
    browser.set_cookie("lang", "en")
    page = text_of(browser.get("/office/rankings?period=all"))
    assert "★ 1 star " in page and "★★ 2 stars " in page and "1 stars" not in page
