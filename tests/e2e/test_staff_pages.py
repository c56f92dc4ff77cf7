"""Every grid worker's and office page, and the fair-day pages a resident opens, on a 360 px
phone, in standard mode and in 长辈版, with real Chinese glyphs: axe finds nothing serious
(every scrolling table is reachable from the keyboard and named), nothing scrolls sideways,
and in 长辈版 the text and the touch targets are as large as STANDARDS.md asks. Each page is
saved into test-output/screens/."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from happiness_fair.catalogue.models import VolunteerStatus
from happiness_fair.places.clock import today
from tests.factories import Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll, save_screen
from .test_resident_pages import MEASURE, TARGETS, _sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def hongxi_at_work(app, committed_db):
    """虹西社区 with a grid worker and the office; 沈林益 has done one job for 张奶奶 (confirmed,
    waiting for its follow-up call) and has another request open; 孙立新 waits for vetting;
    the office has added hours, issued a certificate and scheduled a fair day, where 剃头王
    has a stall."""
    make = Factories(app)
    community = make.community(name="虹西社区")
    grid = make.grid(community, number=1)
    worker = make.grid_worker(grid)
    office = make.office(community)
    grandma = make.resident(grid, name="张奶奶", birth_date=date(1940, 1, 15), verified=True)
    plumber = make.volunteer([grid], name="沈林益")
    make.volunteer([grid], name="孙立新", status=VolunteerStatus.pending)
    listing = make.listing(plumber, fee_fen=2000, title="修水龙头")
    barber = make.volunteer([grid], categories=("haircut",), name="剃头王")
    haircut = make.listing(barber, category="haircut", fee_fen=1000, title="理发", fair=True)
    api = ApiClient(app)
    booked = []
    for _ in range(2):
        response = api.as_(grandma.account_user).post(
            "/bookings",
            json={
                "listing_id": listing.id,
                "date": today().isoformat(),
                "period": "morning",
                "description": "厨房水龙头漏水，关不紧，一直滴水",
            },
        )
        assert response.status_code == 201, response.json
        booked.append(response.json["id"])
    open_one, done = booked
    volunteer = api.as_(plumber.account_user)
    for action, body in [("accept", {}), ("start", {}), ("complete", {"minutes": 45})]:
        assert volunteer.post(f"/bookings/{done}/{action}", json=body).status_code == 200
    confirmed = api.as_(grandma.account_user).post(f"/bookings/{done}/confirm", json={})
    assert confirmed.status_code == 200, confirmed.json
    desk = api.as_(office)
    added = desk.post(
        "/hours",
        json={
            "volunteer_id": plumber.id,
            "minutes": 150,
            "date": today().isoformat(),
            "grid_id": grid.id,
            "reason": "社区义修活动",
        },
    )
    assert added.status_code == 201, added.json
    certificate = desk.post(f"/volunteers/{plumber.id}/certificates", json={})
    assert certificate.status_code == 201, certificate.json
    fair_body = {
        "starts_at": "09:00",
        "ends_at": "11:30",
        "venue": "虹桥东村广场",
        "grid_id": grid.id,
        "slot_minutes": 30,
    }
    fair = desk.post(
        "/fair-days", json={**fair_body, "date": (today() + timedelta(days=1)).isoformat()}
    )
    assert fair.status_code == 201, fair.json
    stall = api.as_(barber.account_user).post(
        f"/fair-days/{fair.json['id']}/stalls",
        json={"listing_id": haircut.id, "capacity_per_slot": 2},
    )
    assert stall.status_code == 201, stall.json
    # A fair held today, so the attendance page shows its form (tomorrow's only a list).
    held = desk.post("/fair-days", json={**fair_body, "date": today().isoformat()})
    assert held.status_code == 201, held.json
    kept = api.as_(barber.account_user).post(
        f"/fair-days/{held.json['id']}/stalls",
        json={"listing_id": haircut.id, "capacity_per_slot": 2},
    )
    assert kept.status_code == 201, kept.json
    return {
        "grid_worker": (
            worker,
            [
                "/grid/",
                "/grid/follow-ups",
                "/grid/residents?q=张",
                f"/grid/residents/{grandma.id}",
                "/grid/residents/new",
                f"/book?for={grandma.id}",
                f"/bookings/{open_one}",
                f"/grid/bookings/{open_one}/hand-over",
                f"/grid/bookings/{done}/follow-up",
                "/account",
                "/account/password",
            ],
        ),
        "office": (
            office,
            [
                "/office/",
                "/office/volunteers?status=pending",
                "/office/hours",
                "/office/rankings?period=all",
                f"/office/certificates/{certificate.json['id']}",
                "/office/rules",
                "/office/calendar",
                "/fairs/office",
                f"/fairs/{fair.json['id']}/attendance",
                f"/fairs/{held.json['id']}/attendance",
                "/office/audit",
            ],
        ),
        "resident": (grandma.account_user, ["/fairs/", f"/fairs/{fair.json['id']}"]),
    }


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("who", ["grid_worker", "office", "resident"])
def test_every_staff_page_fits_360px_and_passes_axe(new_page, hongxi_at_work, who, elder):
    user, pages = hongxi_at_work[who]
    page = new_page(width=360)
    _sign_in(page, user)
    if elder:
        page.get_by_role("button", name="长辈版").click()
        page.wait_for_url("**/")
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        save_screen(page, who.replace("_", "-"), "elder" if elder else "standard")
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_px >= (18 if elder else 16), (path, body_px)
        if elder:
            h1_px = page.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
            )
            assert h1_px >= 30, (path, h1_px)
            small = [
                t
                for t in page.evaluate(MEASURE, TARGETS + ", main .sub-nav a")
                if t["h"] < 60 or t["w"] < 60
            ]
            assert small == [], (path, small)
