"""Review E (outside reviewer, new users' flows): far-off dates answer 422, never 500; only an
approved volunteer is certified; a closed record stays as it was closed; a follow-up on a
disputed job opens no second request; the audit log and a timeline read in words; a grid
worker's action page says whom the job is for."""

from __future__ import annotations

import pytest

from happiness_fair.catalogue.models import VolunteerStatus
from tests.factories import tomorrow
from tests.web.conftest import Browser, text_of


@pytest.mark.parametrize(
    "path",
    [
        "/rankings/volunteers?from=2026-01-01&to=9999-12-31",
        "/rankings/grids?from=9999-12-01&to=9999-12-31",
        "/rankings/teams?from=2026-01-01&to=9999-12-31",
    ],
)
def test_a_range_ending_in_year_9999_is_refused_clearly(api, world, path):
    response = api.as_(world.office).get(path)
    assert response.status_code == 422, response.json
    assert "to" in response.json["error"]["fields"] or "from" in response.json["error"]["fields"]


def test_far_off_certificate_ranges_are_refused_before_they_reach_the_office(api, world):
    plumber = api.as_(world.plumber.account_user)
    asked = plumber.post(
        "/me/certificate-requests", json={"from": "1900-01-01", "to": "9999-12-31"}
    )
    assert asked.status_code == 422 and "to" in asked.json["error"]["fields"]
    direct = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/certificates",
        json={"from": "9999-12-01", "to": "9999-12-31"},
    )
    assert direct.status_code == 422


def test_the_rankings_page_with_a_far_off_date_is_not_a_fault(app, world):
    office = Browser(app).sign_in(world.office)
    response = office.get("/office/rankings?from=2026-01-01&to=9999-12-31")
    assert response.status_code in (200, 422)


def test_an_applicant_not_yet_approved_gets_no_certificate(api, make, world):
    applicant = make.volunteer([world.grid], name="周新来", status=VolunteerStatus.pending)
    asked = api.as_(applicant.account_user).post("/me/certificate-requests", json={})
    assert asked.status_code == 409
    issued = api.as_(world.office).post(f"/volunteers/{applicant.id}/certificates", json={})
    assert issued.status_code == 409
    assert api.as_(world.office).get("/certificate-requests").json["items"] == []


def test_a_closed_record_changes_only_by_reopening_it(api, world):
    staff = api.as_(world.grid_worker)
    resident = f"/residents/{world.grandma.id}"
    assert (
        staff.patch(resident, json={"active": False, "inactive_reason": "moved"}).status_code == 200
    )
    assert staff.patch(resident, json={"flags": ["dibao"]}).status_code == 409
    again = staff.patch(resident, json={"active": False, "inactive_reason": "other"})
    assert again.status_code == 409
    verify = staff.post(f"{resident}/verify-age", json={"birth_date": "1940-01-15"})
    assert verify.status_code == 409
    son = api.as_(world.son).patch(resident, json={"name": "张奶奶改名"})
    assert son.status_code == 409
    stranger = api.as_(world.stranger_office).patch(resident, json={"name": "x"})
    assert stranger.status_code in (403, 404)
    reopened = staff.patch(resident, json={"active": True})
    assert reopened.status_code == 200 and reopened.json["active"] is True
    assert staff.patch(resident, json={"flags": ["dibao"]}).status_code == 200


def test_a_follow_up_on_a_disputed_job_opens_no_second_request(api, act, advance, book, world):
    booking = book(world.grandma_user, listing_id=world.listing.id)["id"]
    advance(booking, "completed")
    disputed = act(world.grandma_user, booking, "dispute", reason="风扇还是不转")
    assert disputed.status_code == 200, disputed.json
    before = api.as_(world.grid_worker).get("/bookings").json["total"]
    call = api.as_(world.grid_worker).post(
        f"/bookings/{booking}/follow-up", json={"outcome": "not_solved", "note": "还是不转"}
    )
    assert call.status_code in (200, 201), call.json
    assert api.as_(world.grid_worker).get("/bookings").json["total"] == before
    reopened = act(world.grid_worker, booking, "resolve", outcome="reopen", note="重新派单")
    assert reopened.status_code == 200, reopened.json
    assert api.as_(world.grid_worker).get("/bookings").json["total"] == before


def test_the_audit_log_names_kinds_of_concern_and_lists_in_words(app, api, world):
    staff = api.as_(world.grid_worker)
    staff.patch(f"/residents/{world.neighbour.id}", json={"flags": ["living_alone"]})
    staff.patch(
        f"/residents/{world.neighbour.id}", json={"active": False, "inactive_reason": "moved"}
    )
    created = api.as_(world.office).post(
        "/concern-categories", json={"name_zh": "楼道堆物", "name_en": "Hallway clutter"}
    )
    assert created.status_code == 201, created.json
    page = text_of(Browser(app).sign_in(world.office).get("/office/audit"))
    assert "concern_category" not in page and '["' not in page
    assert "搬离" in page  # the closed record's reason, "moved", in words


def test_a_moved_visit_reads_its_period_in_chinese(app, api, act, book, world):
    booking = book(world.grandma_user)["id"]
    moved = act(
        world.grandma_user, booking, "reschedule", date=tomorrow().isoformat(), period="afternoon"
    )
    assert moved.status_code == 200, moved.json
    page = text_of(Browser(app).sign_in(world.grandma_user).get(f"/bookings/{booking}"))
    assert "下午" in page and "afternoon" not in page


def test_the_grid_workers_action_page_says_whom_the_job_is_for(app, advance, book, world):
    booking = book(world.grandma_user, listing_id=world.listing.id)["id"]
    advance(booking, "in_progress")
    page = text_of(
        Browser(app).sign_in(world.grid_worker).get(f"/grid/bookings/{booking}/complete")
    )
    assert "张奶奶" in page
