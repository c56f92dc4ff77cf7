"""Every resident page on a 360 px phone, in standard mode and in 长辈版: axe finds nothing
serious, nothing scrolls sideways, and in 长辈版 the text and the touch targets are as large as
STANDARDS.md asks, measured in the browser."""

from __future__ import annotations

from datetime import date

import pytest

from happiness_fair.places.clock import today
from tests.factories import PASSWORD, Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll, save_screen

pytestmark = pytest.mark.browser

# Touch targets: every button, field and button-like link; a radio counts by its whole label.
TARGETS = (
    "main button, main select, main textarea, main .btn, main .btn-secondary, main .btn-danger,"
    " main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main label.check,"
    " header button, .site-nav a"
)
MEASURE = """sel => [...document.querySelectorAll(sel)]
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
              return {what: e.outerHTML.slice(0, 80), h: r.height, w: r.width}; })"""


@pytest.fixture
def resident_with_bookings(app, committed_db):
    """张奶奶 (85, verified) with a requested booking and a completed one, and a message."""
    make = Factories(app)
    grid = make.grid(make.community(name="虹西社区"))
    grandma = make.resident(grid, name="张奶奶", birth_date=date(1940, 1, 15), verified=True)
    plumber = make.volunteer([grid], name="沈林益")
    listing = make.listing(plumber, fee_fen=2000, title="修水龙头")
    api = ApiClient(app)
    booked = []
    for _ in range(2):
        response = api.as_(grandma.account_user).post(
            "/bookings",
            json={
                "listing_id": listing.id,
                "date": today().isoformat(),
                "period": "morning",
                "description": "厨房水龙头漏水",
            },
        )
        assert response.status_code == 201, response.json
        booked.append(response.json["id"])
    volunteer = api.as_(plumber.account_user)
    for action, body in [("accept", {}), ("start", {}), ("complete", {"minutes": 30})]:
        assert volunteer.post(f"/bookings/{booked[1]}/{action}", json=body).status_code == 200
    # She also books for her brother, who has no phone (the family page's question to stop).
    brother = make.resident(grid, account=False, name="张爷爷")
    make.manager(brother, user=grandma.account_user)
    booked.append(brother.id)
    return grandma, listing, booked


def _pages(listing, booked) -> list[str]:
    requested, completed, brother = booked
    return [
        "/",
        "/services?category=plumbing",
        f"/services/{listing.id}",
        f"/book?listing={listing.id}",
        "/bookings",
        f"/bookings/{requested}",
        f"/bookings/{completed}",
        f"/bookings/{requested}/cancel",
        f"/bookings/{requested}/reschedule",
        f"/bookings/{completed}/dispute",
        "/family",
        f"/family/members/{brother}/leave",
        "/profile",
        "/notifications",
        "/login",
        "/register",
        "/no-such-page",
    ]


def _sign_in(page, user) -> None:
    page.goto("/login")
    page.get_by_label("手机号码").fill(user.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


@pytest.mark.parametrize(
    ("elder", "english"),
    [(False, False), (True, False), (True, True)],
    ids=["standard", "elder", "elder-english"],
)
def test_every_resident_page_fits_360px_and_passes_axe(
    new_page, resident_with_bookings, elder, english
):
    grandma, listing, booked = resident_with_bookings
    page = new_page(width=360)
    _sign_in(page, grandma.account_user)
    if english:
        page.get_by_role("button", name="English").click()
        page.wait_for_url("**/")
    if elder:
        page.get_by_role("button", name="Elder mode" if english else "长辈版").click()
        page.wait_for_url("**/")
    for path in _pages(listing, booked):
        if path in ("/login", "/register"):
            continue
        page.goto(path)
        if not english:
            save_screen(page, "resident", "elder" if elder else "standard")
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        assert body_px >= (18 if elder else 16), (path, body_px)
        if elder:
            h1_px = page.evaluate(
                "parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)"
            )
            assert h1_px >= 30, (path, h1_px)
            targets = page.evaluate(MEASURE, TARGETS)
            assert targets, path
            small = [t for t in targets if t["h"] < 60 or t["w"] < 60]
            assert small == [], (path, small)


def test_signed_out_pages_in_elder_mode_have_big_text_and_targets(new_page):
    page = new_page(width=360)
    page.goto("/")
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_url("**/")
    for path in ("/", "/services?q=水龙头", "/login", "/register", "/no-such-page"):
        page.goto(path)
        save_screen(page, "visitor", "elder")
        assert_no_sideways_scroll(page)
        assert_accessible(page)
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
        small = [t for t in page.evaluate(MEASURE, TARGETS) if t["h"] < 60 or t["w"] < 60]
        assert small == [], (path, small)


def test_elder_mode_offers_read_aloud_only_where_a_voice_exists(new_page):
    page = new_page()
    page.goto("/")
    page.get_by_role("button", name="长辈版").click()
    page.wait_for_url("**/")
    button = page.locator("[data-read-aloud]")
    assert button.count() == 1
    has_voice = page.evaluate(
        "() => (window.speechSynthesis ? speechSynthesis.getVoices() : [])"
        ".some(v => /^zh/i.test(v.lang))"
    )
    assert button.is_visible() == has_voice
