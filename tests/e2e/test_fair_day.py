"""A resident books a fair-day slot on a 390 px phone, with JavaScript on and off; the page is
accessible and does not scroll sideways."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from happiness_fair.catalogue.categories import ensure_categories
from happiness_fair.extensions import db
from happiness_fair.places.clock import today
from tests.factories import PASSWORD, Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def fair_day(app, new_page):
    """A fair day tomorrow with one barber's stall (committed, for the live server)."""
    with app.app_context():
        ensure_categories()
        db.session.commit()
    make = Factories(app)
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    barber = make.volunteer([grid], categories=("haircut",), name="剃头王")
    haircut = make.listing(barber, category="haircut", fee_fen=1000, title="理发", fair=True)
    grandma = make.resident(grid, name="张奶奶", birth_date=date(1941, 1, 15), verified=True)
    day = (
        ApiClient(app)
        .as_(office)
        .post(
            "/fair-days",
            json={
                "date": (today() + timedelta(days=1)).isoformat(),
                "starts_at": "09:00",
                "ends_at": "11:30",
                "venue": "虹桥东村广场",
                "grid_id": grid.id,
                "slot_minutes": 30,
            },
        )
        .json
    )
    stall = (
        ApiClient(app)
        .as_(barber.account_user)
        .post(
            f"/fair-days/{day['id']}/stalls",
            json={"listing_id": haircut.id, "capacity_per_slot": 2},
        )
        .json
    )
    return {
        "id": day["id"],
        "stall_id": stall["id"],
        "grandma": grandma,
        "barber_phone": barber.account_user.phone,
        "office_phone": office.phone,
    }


@pytest.fixture(autouse=True)
def _categories_back(app):
    """committed_db empties every table, the shared categories too: put them back after it."""
    yield
    with app.app_context():
        ensure_categories()
        db.session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_resident_books_a_fair_day_slot_on_her_phone(new_page, fair_day, javascript):
    page = new_page(javascript=javascript, width=390)
    grandma = fair_day["grandma"]
    page.goto(f"/login?next=/fairs/{fair_day['id']}")
    page.get_by_label("手机号码").fill(grandma.phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url(f"**/fairs/{fair_day['id']}")
    expect(page.get_by_text("虹桥东村广场").first).to_be_visible()
    if javascript:  # axe and the scroll check run scripts in the page
        assert_accessible(page)
        assert_no_sideways_scroll(page)

    stall = page.locator(f"#stall-{fair_day['stall_id']}")
    stall.get_by_label("09:30").check()
    stall.get_by_label("您需要什么帮助？").fill("剪短一点")
    stall.get_by_role("button", name="预约这个时间").click()
    page.wait_for_url(f"**/fairs/{fair_day['id']}?booked=*")
    expect(page.locator(".flash-success")).to_be_visible()
    assert "09:30" in page.locator(".flash-success").inner_text()
    assert "剩 1 个" in stall.inner_text()
    if javascript:
        assert_accessible(page)
        assert_no_sideways_scroll(page)


def test_the_fair_day_page_prints_as_one_a4_poster(new_page, fair_day):
    page = new_page(width=390)
    page.goto(f"/fairs/{fair_day['id']}")
    page.emulate_media(media="print")
    expect(page.locator(".fair-notice")).to_be_visible()  # "free for 80 and over … or just come"
    assert not page.locator("header.site-header").is_visible()
    assert (
        page.locator("main form").count() == 0 or not page.locator("main form").first.is_visible()
    )
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one sheet for the notice board


def _sign_in(page, phone: str, target: str) -> None:
    page.goto(f"/login?next={target}")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url(f"**{target}")


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("barber_phone", "/fairs/{id}/stall"),
        ("office_phone", "/fairs/office"),
        ("office_phone", "/fairs/{id}/attendance"),
    ],
)
def test_the_volunteer_and_office_pages_are_accessible_on_a_360px_phone(
    new_page, fair_day, who, path
):
    page = new_page(width=360)
    _sign_in(page, fair_day[who], path.format(id=fair_day["id"]))
    expect(page.locator("h1")).to_be_visible()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
