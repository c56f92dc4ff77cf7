"""The pages for fixing what was typed: the phone and door note of a booking, and an address
for a person who registered without one."""

from __future__ import annotations

from .conftest import text_of


def test_she_changes_the_phone_for_the_visit_on_her_booking_page(browser_for, book, world, api):
    booking = book(listing_id=world.listing.id)["id"]
    browser = browser_for(world.grandma_user)
    page = browser.get(f"/bookings/{booking}")
    assert "修改电话或找门说明" in text_of(page)
    form = browser.get(f"/bookings/{booking}/details")
    assert form.status_code == 200
    bad = browser.post(f"/bookings/{booking}/details", {"contact_phone": "123", "door_note": ""})
    assert bad.status_code == 422
    assert 'value="123"' in bad.get_data(as_text=True)
    saved = browser.post(
        f"/bookings/{booking}/details", {"contact_phone": "13912345678", "door_note": "敲门三下"}
    )
    assert saved.status_code == 303
    after = text_of(browser.get(f"/bookings/{booking}"))
    assert "13912345678" in after and "敲门三下" in after
    assert "已修改电话或找门说明" in after  # the timeline


def test_the_button_goes_once_the_work_starts(browser_for, advance, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "in_progress")
    browser = browser_for(world.grandma_user)
    assert "修改电话或找门说明" not in text_of(browser.get(f"/bookings/{booking}"))
    assert browser.get(f"/bookings/{booking}/details").status_code == 409
    refused = browser.post(f"/bookings/{booking}/details", {"contact_phone": "13912345678"})
    assert refused.status_code == 409


def test_a_son_without_an_address_adds_one_on_his_profile(browser_for, make, world, api):
    building = make.building(world.grid)
    browser = browser_for(world.son)
    page = text_of(browser.get("/profile"))
    assert "添加我的住址" in page
    saved = browser.post(
        "/profile/address", {"building_id": str(building.id), "unit": "2", "room": "301"}
    )
    assert saved.status_code == 303
    assert api.as_(world.son).get("/me").json["resident"]["room"] == "301"
    assert "我搬家了" in text_of(browser.get("/profile"))


def test_her_booking_page_names_the_volunteer_and_his_phone_once_he_accepted(
    browser_for, act, book, world
):
    booking = book(listing_id=world.listing.id)["id"]
    browser = browser_for(world.grandma_user)
    before = text_of(browser.get(f"/bookings/{booking}"))
    assert "沈林益" not in before and "沈**" in before
    act(world.plumber.account_user, booking, "accept")
    page = browser.get(f"/bookings/{booking}")
    phone = world.plumber.account_user.phone
    assert "沈林益" in text_of(page)
    assert f'href="tel:{phone}"' in page.get_data(as_text=True)
    assert phone in text_of(browser.get("/notifications"))
