"""Every volunteer page and the honour board on a 360 px phone, in standard mode and in 长辈版
(also in English): axe finds nothing serious, nothing scrolls sideways, and in 长辈版 the text
and the touch targets are as large as STANDARDS.md asks."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from happiness_fair.places.clock import today
from tests.factories import Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll, save_screen
from .test_resident_pages import MEASURE, TARGETS, _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def plumber_at_work(app, committed_db):
    """沈林益 with a service, a job he has, a confirmed one (an hours record), and an open
    request on the board; 李明, a resident who has not applied."""
    make = Factories(app)
    community = make.community(name="虹西社区")
    grid = make.grid(community)
    grandma = make.resident(grid, name="张奶奶", birth_date=date(1940, 1, 15), verified=True)
    plumber = make.volunteer([grid], name="沈林益")
    listing = make.listing(plumber, fee_fen=2000, title="修水龙头")
    api = ApiClient(app)
    booked = []
    for _ in range(3):
        response = api.as_(grandma.account_user).post(
            "/bookings",
            json={
                "category_id": listing.category_id,
                "date": today().isoformat(),
                "period": "morning",
                "description": "厨房水龙头漏水",
            },
        )
        assert response.status_code == 201, response.json
        booked.append(response.json["id"])
    volunteer = api.as_(plumber.account_user)
    open_one, taken, done = booked
    assert volunteer.post(f"/bookings/{taken}/accept", json={}).status_code == 200
    for action, body in [("accept", {}), ("start", {}), ("complete", {"minutes": 45})]:
        assert volunteer.post(f"/bookings/{done}/{action}", json=body).status_code == 200
    confirmed = api.as_(grandma.account_user).post(f"/bookings/{done}/confirm", json={})
    assert confirmed.status_code == 200
    records = volunteer.get("/hours").json["items"]
    newcomer = make.resident(grid, name="李明", birth_date=date(1990, 9, 12))
    return {
        "plumber": plumber,
        "newcomer": newcomer.account_user,
        "community": community,
        "pages": [
            "/jobs",
            f"/jobs/{open_one}",
            f"/jobs/{open_one}/accept",
            "/jobs/mine",
            f"/jobs/{taken}",
            f"/jobs/{taken}/start",
            f"/jobs/{taken}/decline",
            f"/jobs/{done}",
            "/volunteer",
            "/volunteer/listings/new",
            f"/volunteer/listings/{listing.id}",
            "/my-hours",
            f"/my-hours/{records[0]['id']}/correction",
            f"/honour-board?community_id={community.id}",
            f"/honour-board?community_id={community.id}&period=year",
        ],
    }


@pytest.mark.parametrize(
    ("elder", "english"),
    [(False, False), (True, False), (True, True)],
    ids=["standard", "elder", "elder-english"],
)
def test_every_volunteer_page_fits_360px_and_passes_axe(new_page, plumber_at_work, elder, english):
    page = new_page(width=360)
    _sign_in(page, plumber_at_work["plumber"].account_user)
    if english:
        page.get_by_role("button", name="English").click()
        page.wait_for_url("**/")
    if elder:
        page.get_by_role("button", name="Elder mode" if english else "长辈版").click()
        page.wait_for_url("**/")
    for path in plumber_at_work["pages"]:
        response = page.goto(path)
        assert response.status == 200, path
        if not english:
            save_screen(page, "volunteer", "elder" if elder else "standard")
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_px >= (18 if elder else 16), (path, body_px)
        if elder:
            h1_px = page.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
            )
            assert h1_px >= 30, (path, h1_px)
            targets = page.evaluate(MEASURE, TARGETS + ", main .sub-nav a")
            small = [t for t in targets if t["h"] < 60 or t["w"] < 60]
            assert small == [], (path, small)


def test_the_application_and_the_public_honour_board_pass_axe(new_page, plumber_at_work):
    page = new_page(width=360)
    page.goto("/honour-board")
    assert_accessible(page)
    page.get_by_role("link", name="虹西社区").click()
    page.wait_for_url("**/honour-board?community_id=*")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    _sign_in(page, plumber_at_work["newcomer"])
    page.get_by_role("link", name="申请当志愿者").click()
    page.wait_for_url("**/volunteer/apply")
    assert_accessible(page)
    page.get_by_role("button", name="提交申请").click()  # nothing chosen: the form says so
    expect(page.locator(".field-error").first).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
