"""What a volunteer sees of a booking, one rule (bookings/access.py) for the API, the pages and
the personal-data export (PRODUCT.md "Bookings", issue 17 holes 1, 6, 8, 9, 10): the names of
the booking's people and the contact phone to the accepted volunteer until confirmation or 7 days
after completion; the address and door note the same, home visits only; photos to candidates of
an open request and then the accepted volunteer; birth dates, flags and the waiver never."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from happiness_fair.accounts.models import Resident
from happiness_fair.bookings.models import Booking
from tests.factories import PASSWORD
from tests.helpers import sign_in_page

PRIVATE = ("address", "contact_phone", "door_note")


def _photo(api, user, booking_id) -> str:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 200, 10)).save(out, "JPEG")
    boundary, body = encode_multipart({"photo": FileStorage(io.BytesIO(out.getvalue()), "p.jpg")})
    response = api.as_(user).post(
        f"/bookings/{booking_id}/photos",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 201, response.json
    return response.json["url"]


def _signed_in(app, user):
    """A phone signed in to the pages as this person."""
    client = app.test_client()
    assert sign_in_page(client, user.phone, PASSWORD).status_code == 303
    return client


def _completed_days_ago(in_app, booking_id: int, days: int) -> None:
    with in_app() as session:
        booking = session.get(Booking, booking_id)
        booking.completed_at = booking.completed_at - timedelta(days=days)
        session.commit()


def test_the_volunteer_loses_the_address_and_phone_7_days_after_completion(
    api, advance, book, world, in_app
):
    booking = book(listing_id=world.listing.id, door_note="按门铃两下")
    plumber = api.as_(world.plumber.account_user)
    advance(booking["id"], "completed")
    seen = plumber.get(f"/bookings/{booking['id']}").json
    assert all(seen[field] for field in PRIVATE)
    _completed_days_ago(in_app, booking["id"], 8)
    later = plumber.get(f"/bookings/{booking['id']}").json
    assert [later[field] for field in PRIVATE] == [None, None, None]
    assert later["photos"] is None
    # Her own side still sees it all.
    assert api.as_(world.grandma_user).get(f"/bookings/{booking['id']}").json["address"]


def test_a_suspended_volunteer_no_longer_sees_the_address_of_a_job_he_finished(
    api, app, advance, book, world
):
    """The office no longer trusts him to enter homes: her address, phone, door note, name and
    photos are gone from his finished job at once, not 7 days later (found by review)."""
    booking = book(listing_id=world.listing.id, door_note="按门铃两下")
    advance(booking["id"], "completed")
    plumber = api.as_(world.plumber.account_user)
    assert all(plumber.get(f"/bookings/{booking['id']}").json[field] for field in PRIVATE)
    suspended = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/suspend", json={"reason": "投诉核实中"}
    )
    assert suspended.status_code == 200, suspended.json
    seen = plumber.get(f"/bookings/{booking['id']}")
    assert seen.status_code == 200, seen.json
    assert [seen.json[field] for field in PRIVATE] == [None, None, None]
    assert seen.json["photos"] is None
    job_page = _signed_in(app, world.plumber.account_user).get(f"/jobs/{booking['id']}")
    assert job_page.status_code == 200
    page = job_page.get_data(as_text=True)
    assert "按门铃两下" not in page
    assert world.grandma.name not in page
    assert api.as_(world.grandma_user).get(f"/bookings/{booking['id']}").json["address"]


def test_the_volunteer_loses_the_address_and_phone_once_she_confirms(api, advance, book, world):
    booking = book(listing_id=world.listing.id, door_note="按门铃两下")
    advance(booking["id"], "confirmed")
    seen = api.as_(world.plumber.account_user).get(f"/bookings/{booking['id']}").json
    assert [seen[field] for field in PRIVATE] == [None, None, None]
    assert seen["status"] == "confirmed"


def test_a_volunteers_quote_carries_only_the_amount_due(api, act, book, world, in_app):
    """A waived fee with no rule named, beside the community's switched-on rules, would tell
    him she is on 低保: he sees what to collect and nothing else."""
    with in_app() as session:
        session.execute(
            sa.update(Resident).where(Resident.id == world.neighbour.id).values(dibao=True)
        )
        session.commit()
    booking = book(world.neighbour.account_user, listing_id=world.listing.id)
    act(world.plumber.account_user, booking["id"], "accept")
    quote = api.as_(world.plumber.account_user).get(f"/bookings/{booking['id']}").json["quote"]
    assert quote == {
        "labour_fee_fen": None,
        "waived_fen": None,
        "materials_fen": None,
        "amount_due_fen": booking["quote"]["amount_due_fen"],
        "waiver_rule": None,
        "waiver_pending_verification": None,
    }
    listed = api.as_(world.plumber.account_user).get("/bookings").json["items"][0]["quote"]
    assert listed["waived_fen"] is None and listed["labour_fee_fen"] is None
    # Her own view keeps the whole quote.
    own = api.as_(world.neighbour.account_user).get(f"/bookings/{booking['id']}").json
    assert own["quote"]["labour_fee_fen"] == 2000
    # The community's rules stay readable by every signed-in user.
    assert api.as_(world.plumber.account_user).get("/waiver-rules").status_code == 200


def test_candidates_see_the_photos_of_an_open_request_and_the_named_volunteer_too(api, book, world):
    open_request = book()
    url = _photo(api, world.grandma_user, open_request["id"])
    assert api.as_(world.plumber2.account_user).get(url).status_code == 200
    named = book(listing_id=world.listing.id)
    named_url = _photo(api, world.grandma_user, named["id"])
    assert api.as_(world.plumber.account_user).get(named_url).status_code == 200
    assert api.as_(world.plumber2.account_user).get(named_url).status_code == 404


def test_the_booking_page_does_not_name_the_booker_to_a_candidate(app, book, world, make):
    booking = book()
    page = _signed_in(app, world.plumber2.account_user).get(f"/bookings/{booking['id']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "张奶奶" not in html
    assert world.grandma_user.name not in html
    assert booking["description"] in html  # he still reads what the problem is


def test_the_job_page_does_not_name_her_once_the_window_has_closed(
    app, advance, book, world, in_app
):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "completed")
    client = _signed_in(app, world.plumber.account_user)
    during = client.get(f"/jobs/{booking['id']}").get_data(as_text=True)
    assert "张奶奶" in during
    _completed_days_ago(in_app, booking["id"], 8)
    after = client.get(f"/jobs/{booking['id']}").get_data(as_text=True)
    assert "张奶奶" not in after
    assert booking["address"] not in after


def test_the_export_shows_a_volunteer_only_what_the_api_shows_him(api, act, advance, book, world):
    """A request named to him that was cancelled before he accepted, and a job whose window has
    closed: listed, without address, phone or door note."""
    cancelled = book(listing_id=world.listing.id, door_note="钥匙在地垫下")
    act(world.grandma_user, cancelled["id"], "cancel")
    current = book(listing_id=world.listing.id, door_note="按门铃两下")
    advance(current["id"], "in_progress")
    for path in ("/me/export",):
        export = api.as_(world.plumber.account_user).get(path)
        assert export.status_code == 200
        jobs = {job["id"]: job for job in export.json["jobs_done_as_volunteer"]}
        assert set(jobs) == {cancelled["id"], current["id"]}
        assert [jobs[cancelled["id"]][f] for f in PRIVATE] == [None, None, None]
        assert "钥匙在地垫下" not in export.get_data(as_text=True)
        assert jobs[current["id"]]["address"] == current["address"]
        api_view = api.as_(world.plumber.account_user).get(f"/bookings/{current['id']}").json
        for field in (*PRIVATE, "quote"):
            assert jobs[current["id"]][field] == api_view[field], field


def test_the_booking_form_tells_her_who_sees_the_photos(app, world):
    form = _signed_in(app, world.grandma_user).get("/book").get_data(as_text=True)
    assert "能接这个请求的志愿者" in form
    assert "只给接单的那一位看" in form
