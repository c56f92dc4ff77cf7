"""The office on a phone: approves a volunteer, downloads the XLSX ranking (read back row by
row), opens a certificate; axe-clean on every page reached."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from happiness_fair.catalogue.categories import ensure_categories
from happiness_fair.catalogue.models import VolunteerStatus
from happiness_fair.extensions import db
from happiness_fair.places.clock import today
from tests.factories import PASSWORD, Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def office_world(app, committed_db):
    with app.app_context():  # committed_db emptied every table, the shared categories too
        ensure_categories()
        db.session.commit()
    make = Factories(app)
    community = make.community("虹西社区")
    grid = make.grid(community, number=1)
    office = make.office(community)
    shen = make.volunteer([grid], name="沈林益")
    gu = make.volunteer([grid], name="顾国良")
    applicant = make.volunteer([grid], name="孙立新", status=VolunteerStatus.pending)
    api = ApiClient(app).as_(office)
    for volunteer, minutes in ((shen, 150), (gu, 90)):
        answer = api.post(
            "/hours",
            json={
                "volunteer_id": volunteer.id,
                "minutes": minutes,
                "date": today().isoformat(),
                "grid_id": grid.id,
                "reason": "社区义修活动",
            },
        )
        assert answer.status_code == 201, answer.json
    yield {"office": office, "shen": shen, "gu": gu, "applicant": applicant}
    with app.app_context():
        ensure_categories()
        db.session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_office_approves_downloads_the_ranking_and_prints_a_certificate(
    new_page, office_world, javascript
):
    page = new_page(javascript=javascript)

    def check(page) -> None:
        # axe runs as a script: the JavaScript run checks the very same pages.
        if javascript:
            assert_accessible(page)
        assert_no_sideways_scroll(page)

    page.goto("/login?next=/office/volunteers?status=pending")
    page.get_by_label("手机号码").fill(office_world["office"].phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/office/volunteers?status=pending")
    check(page)
    card = page.locator("li.card", has_text="孙立新")
    card.get_by_role("button", name="通过", exact=True).click()
    page.wait_for_url("**/office/volunteers")
    expect(page.get_by_text("已办理：孙立新。")).to_be_visible()
    expect(page.locator("li.card", has_text="孙立新").get_by_text("已通过")).to_be_visible()

    page.goto("/office/rankings?period=all")
    check(page)
    # The link, fetched with the browser's own session (a click on a download link with
    # JavaScript off never settles in headless Chromium).
    href = page.get_by_role("link", name="下载 Excel（XLSX）").first.get_attribute("href")
    download = page.context.request.get(href)
    assert download.ok
    assert "attachment" in download.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.body())).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows == [
        ["名次", "志愿者编号", "姓名", "服务时长（分钟）", "服务时长（小时）", "服务次数", "星级"],
        [1, office_world["shen"].id, "沈林益", 150, 2.5, 0, 0],
        [2, office_world["gu"].id, "顾国良", 90, 1.5, 0, 0],
    ]

    page.locator("tr", has_text="沈林益").get_by_role("button", name="开具证明").click()
    page.wait_for_url("**/office/certificates/*")
    expect(page.get_by_role("heading", name="志愿服务记录证明")).to_be_visible()
    expect(page.get_by_text("累计志愿服务 2 小时 30 分钟")).to_be_visible()
    check(page)

    page.goto("/office/")
    assert page.locator("svg[role=img]").count() >= 2
    check(page)
