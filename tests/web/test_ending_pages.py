"""The pages for closing a resident's record and for the office withdrawing a listing."""

from __future__ import annotations

from .conftest import text_of


def test_a_grid_worker_closes_a_record_from_her_page(browser_for, api, book, world):
    booking = book()["id"]
    browser = browser_for(world.grid_worker)
    page = text_of(browser.get(f"/grid/residents/{world.grandma.id}"))
    assert "注销档案" in page
    missing = browser.post(f"/grid/residents/{world.grandma.id}/close", {})
    assert missing.status_code == 422
    asked = browser.post(f"/grid/residents/{world.grandma.id}/close", {"inactive_reason": "moved"})
    assert asked.status_code == 200  # a page asks first; nothing is closed yet
    question = text_of(asked)
    assert "注销张奶奶的档案？" in question and "将被取消的未完成预约：1 个" in question
    assert "确认注销档案" in question and "返回" in question
    assert api.as_(world.son).get(f"/bookings/{booking}").json["status"] != "cancelled"
    path = f"/grid/residents/{world.grandma.id}/close"
    done = browser.post(path, {"inactive_reason": "moved", "confirmed": "yes"})
    assert done.status_code == 303
    after_page = browser.get(f"/grid/residents/{world.grandma.id}")
    after = text_of(after_page)
    assert "档案已注销：已搬离" in after
    assert "注销档案" not in after.replace("档案已注销", "")
    # A closed record offers no forms: no age check, no flags, no reset code.
    html = after_page.get_data(as_text=True)
    for action in ("/verify-age", "/flags", "/reset-code", "/close"):
        assert f'{world.grandma.id}{action}"' not in html, action
    found = text_of(browser.get("/grid/residents?q=张"))
    assert "张奶奶" not in found
    assert api.as_(world.son).get(f"/bookings/{booking}").json["status"] == "cancelled"


def test_the_office_withdraws_a_listing_from_its_page(browser_for, api, book, world):
    waiting = book(listing_id=world.listing.id)["id"]
    resident = browser_for(world.grandma_user)
    assert "下架这项服务" not in text_of(resident.get(f"/services/{world.listing.id}"))
    office = browser_for(world.office)
    assert "下架这项服务" in text_of(office.get(f"/services/{world.listing.id}"))
    missing = office.post(f"/services/{world.listing.id}/withdraw", {"reason": ""})
    assert missing.status_code == 422
    done = office.post(f"/services/{world.listing.id}/withdraw", {"reason": "多次投诉"})
    assert done.status_code == 303
    assert "这项服务已下架" in text_of(office.get(f"/services/{world.listing.id}"))
    assert api.as_(world.grandma_user).get(f"/bookings/{waiting}").json["volunteer_id"] is None


def test_a_withdrawn_service_says_so_kindly_to_a_resident(browser_for, api, world):
    withdrawn = api.as_(world.office).post(
        f"/listings/{world.listing.id}/withdraw", json={"reason": "多次投诉"}
    )
    assert withdrawn.status_code == 200, withdrawn.json
    page = browser_for(world.grandma_user).get(f"/services/{world.listing.id}")
    assert page.status_code == 410
    text = text_of(page)
    assert "这项服务已不再提供" in text and "看看其他服务" in text
    assert browser_for(world.grandma_user).get("/services/999999").status_code == 404


def test_a_closed_record_is_reopened_from_its_page(browser_for, api, world):
    browser = browser_for(world.grid_worker)
    path = f"/grid/residents/{world.grandma.id}"
    closed = browser.post(f"{path}/close", {"inactive_reason": "other", "confirmed": "yes"})
    assert closed.status_code == 303
    assert f'{world.grandma.id}/reopen"' in browser.get(path).get_data(as_text=True)
    stranger = browser_for(world.other_grid_worker)  # not her grid: as if there were no record
    assert stranger.post(f"{path}/reopen", {}).status_code == 404
    reopened = browser.post(f"{path}/reopen", {})
    assert reopened.status_code == 303
    page = text_of(browser.get(path))
    assert "档案已恢复" in page and "档案已注销" not in page and "注销档案" in page
    assert api.as_(world.grid_worker).get(f"/residents/{world.grandma.id}").json["active"] is True
    # The office's audit log names her, closed and reopened, by her name.
    audit = text_of(browser_for(world.office).get("/office/audit"))
    assert audit.count(f"(居民 {world.grandma.name})") == 2
    assert f"(居民 {world.grandma.id})" not in audit
