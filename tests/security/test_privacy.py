"""Privacy (PIPL): other people's phone numbers masked in lists, a person downloads her data, and
deletes her account: personal fields erased, sessions ended, bookings kept for the statistics
without personal data, volunteer hours kept under an anonymous name."""

from __future__ import annotations

import json

import sqlalchemy as sa

from happiness_fair.accounts.models import Resident, User
from happiness_fair.accounts.rules import mask_phone, phone_for_list
from happiness_fair.audit import AuditEvent
from happiness_fair.bookings.models import Booking, BookingEvent
from happiness_fair.catalogue.models import Listing, Volunteer
from tests.factories import PASSWORD
from tests.helpers import csrf_token_of, sign_in_page


def test_the_mask_keeps_the_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone(None) is None and mask_phone("123") == "****"
    assert phone_for_list("13812341234", "13812341234") == "13812341234"
    assert phone_for_list("13812341234", "13900000000") == "138****1234"


def test_lists_mask_other_peoples_phones_and_the_detail_shows_them_to_staff(api, book, world):
    booking = book()
    phone = world.grandma_user.phone
    listed = api.as_(world.office).get("/bookings").json["items"]
    mine = next(b for b in listed if b["id"] == booking["id"])
    assert mine["contact_phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert phone not in json.dumps(listed)
    detail = api.as_(world.office).get(f"/bookings/{booking['id']}").json
    assert detail["contact_phone"] == phone
    own_list = api.as_(world.grandma_user).get("/bookings").json["items"]
    assert own_list[0]["contact_phone"] == phone  # her own number, in full


def test_a_person_downloads_all_her_data(api, book, world):
    mine = book()
    for_her = book(world.son, beneficiary_id=world.grandma.id)
    response = api.as_(world.grandma_user).get("/me/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.json
    assert data["account"]["phone"] == world.grandma_user.phone
    assert data["account"]["name"] == "张奶奶"
    own = [r for r in data["residents"] if r["own"]]
    assert own and own[0]["birth_date"] == "1940-01-15" and own[0]["address"]
    assert [b["id"] for b in data["bookings_made"]] == [mine["id"]]
    assert for_her["id"] in [b["id"] for b in data["bookings_received"]]
    assert data["bookings_made"][0]["events"] and data["bookings_made"][0]["quote"]
    son = api.as_(world.son).get("/me/export").json
    assert [b["id"] for b in son["bookings_made"]] == [for_her["id"]]
    assert world.grandma.id in [r["id"] for r in son["residents"]]  # the mother he manages
    plumber = api.as_(world.plumber.account_user).get("/me/export").json
    assert plumber["volunteer"]["id"] == world.plumber.id
    assert plumber["notifications"] or plumber["jobs_done_as_volunteer"] == []
    assert api.get("/me/export").status_code == 401


def test_the_export_is_documented(api):
    spec = api.get("/openapi.json").json["paths"]
    assert "200" in spec["/api/v1/me/export"]["get"]["responses"]
    assert {"204", "401", "422"} <= set(spec["/api/v1/me"]["delete"]["responses"])


def test_deleting_needs_the_password_and_changes_nothing_otherwise(api, world):
    grandma = api.as_(world.grandma_user)
    refused = grandma.delete("/me", json={"password": "not-my-password"})
    assert refused.status_code == 422 and "password" in refused.json["error"]["fields"]
    assert grandma.get("/me").json["name"] == "张奶奶"


def test_a_deleted_account_is_erased_but_her_bookings_stay_in_the_statistics(
    api, book, advance, world, in_app
):
    booking = book(door_note="按门铃两下")
    advance(booking["id"], "confirmed")
    grandma = api.as_(world.grandma_user)
    assert grandma.delete("/me", json={"password": PASSWORD}).status_code == 204

    assert grandma.get("/me").status_code == 401  # every session and token ended
    again = api.post("/auth/tokens", json={"phone": world.grandma_user.phone, "password": PASSWORD})
    assert again.status_code == 401
    with in_app() as session:
        user = session.get(User, world.grandma_user.id)
        assert user.name == "已注销用户" and user.phone is None and not user.active
        resident = session.get(Resident, world.grandma.id)
        assert resident.name == "已注销用户" and resident.phone is None
        assert resident.birth_date is None and resident.unit == "" and resident.room == ""
        assert resident.building_id == world.grandma.building_id  # still counts in her grid
        kept = session.get(Booking, booking["id"])
        assert kept.status.value == "confirmed" and kept.minutes == 45 and kept.quote
        assert kept.grid_id == world.grid.id
        assert kept.description == "" and kept.address == "" and kept.contact_phone is None
        assert kept.door_note == ""
        events = (
            session.execute(sa.select(BookingEvent).where(BookingEvent.booking_id == booking["id"]))
            .scalars()
            .all()
        )
        assert len(events) >= 4
        assert session.execute(
            sa.select(AuditEvent).where(
                AuditEvent.action == "account.delete", AuditEvent.subject_id == user.id
            )
        ).scalar_one()
    # The phone number is free again: she may register anew one day.
    assert world.grandma_user.phone not in json.dumps(
        api.as_(world.office).get(f"/bookings/{booking['id']}").json
    )


def test_a_deleted_volunteer_stays_in_the_hours_as_an_anonymous_volunteer(
    api, book, advance, world, in_app
):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "confirmed")
    told = api.as_(world.grandma_user).get("/notifications").json["items"]
    assert any("沈林益" in n["text"] for n in told)
    with in_app() as session:
        before = session.get(Volunteer, world.plumber.id).verified_minutes
        assert session.get(Volunteer, world.plumber.id).completed_count == 1
    plumber = api.as_(world.plumber.account_user)
    assert plumber.delete("/me", json={"password": PASSWORD}).status_code == 204
    with in_app() as session:
        volunteer = session.get(Volunteer, world.plumber.id)
        assert volunteer.verified_minutes == before and volunteer.completed_count == 1
        assert volunteer.user.name == "已注销用户" and volunteer.user.phone is None
        assert not session.get(Listing, world.listing.id).active
    told = api.as_(world.grandma_user).get("/notifications").json["items"]
    assert told and not any("沈林益" in n["text"] for n in told)
    assert any("已注销用户" in n["text"] for n in told)
    shown = api.as_(world.office).get(f"/volunteers/{world.plumber.id}").json
    assert shown["name"] == "已注销用户" and shown["verified_minutes"] == before
    job = api.as_(world.office).get(f"/bookings/{booking['id']}").json
    assert job["volunteer_id"] == world.plumber.id and job["minutes"] == 45


def test_web_privacy_page_downloads_and_deletes(app, world):
    browser = app.test_client()
    sign_in_page(browser, world.son.phone, PASSWORD)
    page = browser.get("/account")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    download = browser.get("/account/export")
    assert download.status_code == 200 and download.json["account"]["id"] == world.son.id
    token = csrf_token_of(html)
    unticked = browser.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    assert unticked.status_code == 422
    deleted = browser.post(
        "/account/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "yes"}
    )
    assert deleted.status_code == 200
    assert browser.get("/account").status_code == 303  # signed out
