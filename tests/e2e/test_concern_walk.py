"""The report's 152幢 leak on a 360 px phone: a resident reports it from the home page (反映问题),
the grid worker takes it up, hands it to the compound's 物业 with a due date, records that it
was done and makes the report-back call; she follows every step on her concern's timeline, and
a neighbour says "me too" on a public concern. With and without JavaScript; every page is
checked with axe and for sideways scrolling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from happiness_fair.places.clock import today as service_today
from tests.factories import PASSWORD, Factories
from tests.helpers import ApiClient

from .conftest import assert_accessible, assert_no_sideways_scroll, real_console_errors

pytestmark = pytest.mark.browser


class Building152:
    def __init__(self, app):
        make = Factories(app)
        self.community = make.community(name="虹西社区")
        self.grid = make.grid(self.community, number=1)
        self.building = make.building(self.grid, name="152幢")
        self.her = make.resident(building=self.building, name="王秀英")
        self.neighbour = make.resident(building=self.building, name="李明")
        self.worker = make.grid_worker(self.grid)
        self.office = make.office(self.community)
        made = (
            ApiClient(app)
            .as_(self.office)
            .post(
                "/handlers",
                json={"name": "虹桥东村物业", "kind": "property", "contact_phone": "0513-85550101"},
            )
        )
        assert made.status_code == 201, made.json


def _sign_in(page, phone):
    page.goto("/login")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    page.wait_for_url("**/")


def _checked(page, javascript):
    assert_no_sideways_scroll(page)
    if javascript:
        assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_152_leak_is_raised_handed_to_the_property_done_and_reported_back(
    app, new_page, committed_db, javascript
):
    place = Building152(app)
    her = new_page(javascript=javascript, width=360)
    errors = []
    her.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _sign_in(her, place.her.account_user.phone)
    her.get_by_role("link", name="反映问题").click()
    her.wait_for_url("**/concerns/new")
    _checked(her, javascript)
    her.get_by_role("button", name="发给我的网格").click()  # nothing filled in
    expect(her.locator("#f-description-error")).to_be_visible()
    her.get_by_label("房屋漏水和管道").check()
    her.get_by_label("遇到什么问题？").fill("楼上渗水，卫生间天花板在滴水")
    # Review C H3: halfway through she finds the text too small and taps 长辈版.
    if javascript:
        her.get_by_role("button", name="长辈版").click()
        her.wait_for_function("document.documentElement.classList.contains('elder')")
        assert her.get_by_label("遇到什么问题？").input_value() == "楼上渗水，卫生间天花板在滴水"
        assert her.get_by_label("房屋漏水和管道").is_checked()
        assert her.evaluate("sessionStorage.getItem('hf-kept-form')") is None  # put back once
    else:
        # Without JavaScript the switch reloads the page: the form says so before she types.
        note = her.locator("main noscript p.hint")  # text search skips <noscript>
        assert note.is_visible() and "填到一半再切换，写好的内容会清空" in note.text_content()
    her.get_by_role("button", name="发给我的网格").click()
    her.wait_for_url(re.compile(r".*/concerns/\d+$"))
    concern_id = int(re.search(r"/concerns/(\d+)$", her.url).group(1))
    expect(her.get_by_text("问题已发给您的网格")).to_be_visible()
    _checked(her, javascript)

    worker = new_page(javascript=javascript, width=360)
    _sign_in(worker, place.worker.phone)
    worker.goto("/grid/")
    section = worker.locator(
        "section", has=worker.get_by_role("heading", name=re.compile("新的问题"))
    )
    section.get_by_role("link", name=re.compile(rf"第\s*{concern_id}\s*号")).click()
    worker.wait_for_url(f"**/concerns/{concern_id}")
    _checked(worker, javascript)
    for link, fill in [
        ("受理", None),
        ("交给承办单位", "hand-over"),
        ("标记已办好", "物业更换了楼上的进水管"),
        ("记录回访电话", "satisfied"),
    ]:
        worker.get_by_role("link", name=link).click()
        worker.wait_for_url(re.compile(rf".*/concerns/{concern_id}/[a-z-]+$"))
        _checked(worker, javascript)
        if fill == "hand-over":
            # Nothing chosen for her: this 物业 has no compound, so the worker picks it and the day.
            assert worker.get_by_label("承办单位").input_value() == ""
            option = worker.locator("#f-handler_id option", has_text="虹桥东村物业")
            worker.get_by_label("承办单位").select_option(option.get_attribute("value"))
            due = worker.locator("#f-due_on")
            assert due.input_value() == ""
            due.fill((service_today() + timedelta(days=3)).isoformat())
        elif fill == "satisfied":
            worker.get_by_label("满意", exact=True).check()
        elif fill:
            worker.get_by_label("办了什么？").fill(fill)
        worker.locator("form").last.get_by_role("button").click()
        worker.wait_for_url(f"**/concerns/{concern_id}")
    expect(worker.get_by_text("已回访", exact=True).first).to_be_visible()
    _checked(worker, javascript)

    her.goto(f"/concerns/{concern_id}")
    timeline = her.locator(".timeline")
    for step in ("网格已受理", "已交办", "物业更换了楼上的进水管", "回访：满意"):
        expect(timeline.get_by_text(step).first, step).to_be_visible()
    her.goto("/notifications")
    expect(her.get_by_text("虹桥东村物业").first).to_be_visible()
    _checked(her, javascript)

    # A public concern: the neighbour adds "me too" instead of a duplicate.
    public = (
        ApiClient(app)
        .as_(place.her.account_user)
        .post(
            "/concerns",
            json={
                "category": "facilities",
                "description": "楼下路灯不亮",
                "building_id": place.building.id,
                "public_area": True,
                "private": False,
                "location_note": "152幢门口",
            },
        )
    )
    assert public.status_code == 201
    neighbour = new_page(javascript=javascript, width=360)
    _sign_in(neighbour, place.neighbour.account_user.phone)
    neighbour.get_by_role("link", name="我反映的问题").click()
    neighbour.wait_for_url("**/concerns")
    _checked(neighbour, javascript)
    neighbour.get_by_role("button", name=re.compile("我也是")).click()
    neighbour.wait_for_url("**/concerns")
    expect(neighbour.get_by_text("你说过“我也是”")).to_be_visible()
    counted = ApiClient(app).as_(place.worker).get(f"/concerns/{public.json['id']}").json
    assert counted["me_too_count"] == 1
    assert real_console_errors(errors) == []


def test_the_concern_pages_fit_a_360px_phone_in_elder_mode(app, new_page, committed_db):
    """长辈版: big text and big targets on 反映问题, her concerns, one concern and the office's
    lists; nothing scrolls sideways and axe finds nothing serious."""
    from .test_resident_pages import MEASURE, TARGETS

    place = Building152(app)
    made = (
        ApiClient(app)
        .as_(place.her.account_user)
        .post("/concerns", json={"category": "lifts", "description": "电梯按钮失灵"})
    )
    assert made.status_code == 201
    for user, paths in [
        (
            place.her.account_user,
            ["/", "/concerns/new", "/concerns", f"/concerns/{made.json['id']}"],
        ),
        (place.office, ["/office/concerns", "/office/handlers", f"/concerns/{made.json['id']}"]),
    ]:
        page = new_page(width=360)
        _sign_in(page, user.phone)
        page.get_by_role("button", name="长辈版").click()
        page.wait_for_url("**/")
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            assert_no_sideways_scroll(page)
            assert_accessible(page)
            body_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert body_px >= 18, (path, body_px)
            small = [t for t in page.evaluate(MEASURE, TARGETS) if t["h"] < 60 or t["w"] < 60]
            assert small == [], (path, small)


def test_a_form_error_keeps_her_text_and_tells_her_to_choose_the_photo_again(
    app, new_page, committed_db
):
    """Review C H2: the browser cannot keep a chosen file, so the form says so plainly."""
    import io

    from PIL import Image

    place = Building152(app)
    her = new_page(javascript=True, width=360)
    _sign_in(her, place.her.account_user.phone)
    her.goto("/concerns/new")
    her.get_by_label("遇到什么问题？").fill("楼上渗水，卫生间天花板在滴水")
    photo = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 90, 60)).save(photo, "JPEG")
    her.locator("#f-photos").set_input_files(
        {"name": "leak.jpg", "mimeType": "image/jpeg", "buffer": photo.getvalue()}
    )
    her.get_by_role("button", name="发给我的网格").click()  # no category chosen
    her.wait_for_load_state()
    assert her.get_by_label("遇到什么问题？").input_value() == "楼上渗水，卫生间天花板在滴水"
    expect(her.locator("#f-photos-again")).to_be_visible()
    assert "请重新选择照片" in her.locator("#f-photos-again").inner_text()
    _checked(her, True)
