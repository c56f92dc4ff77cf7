"""The office's pages: only for the office of the community, forms that keep what was typed,
and the printable certificate."""

from __future__ import annotations

from datetime import date

import pytest

from happiness_fair.catalogue.models import VolunteerStatus
from happiness_fair.places.clock import today
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page

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
    assert api.as_(world.office).get("/hours").json["items"] == []
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
    for text in ("志愿服务记录证明", "沈林益", "2.5", "社区义修活动", "平台记录", "（盖章）"):
        assert text in html, text
    assert (
        _browser(app, world.plumber.account_user).get(issued.headers["Location"]).status_code == 200
    )
    assert (
        _browser(app, world.plumber2.account_user).get(issued.headers["Location"]).status_code
        == 404
    )
    assert _browser(app, world.stranger_office).get(issued.headers["Location"]).status_code == 404


def test_the_calendar_form_names_a_mistake_and_keeps_the_text(app, world):
    office = _browser(app, world.office)
    year = today().year + 1
    saturday = date(year, 6, 1)
    while saturday.weekday() != 5:
        saturday = saturday.replace(day=saturday.day + 1)
    text = f"{saturday.isoformat()} holiday 端午节"
    answer = _post(office, "/office/calendar", "/office/calendar", {"year": year, "days": text})
    assert answer.status_code == 422
    assert "端午节" in answer.get_data(as_text=True)
    nonsense = _post(office, "/office/calendar", "/office/calendar", {"year": year, "days": "soon"})
    assert nonsense.status_code == 422


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
