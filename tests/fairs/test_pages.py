"""The fair-day pages without JavaScript: residents book a slot with a plain form, the
volunteer signs up and records walk-ins, the office schedules and confirms attendance."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import unquote

from tests.factories import PASSWORD, tomorrow
from tests.helpers import csrf_token_of, sign_in_page


def _signed_in(app, user):
    client = app.test_client()
    client.set_cookie("lang", "en")
    response = sign_in_page(client, user.phone, PASSWORD)
    assert response.status_code == 303
    return client


def test_anyone_sees_the_fair_day_page_and_it_prints_as_a_poster(
    app, fair, schedule, stall, database
):
    fair_day = schedule()
    stall(fair_day)
    client = app.test_client()
    client.set_cookie("lang", "en")
    page = client.get(f"/fairs/{fair_day['id']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "虹桥东村广场" in html and "09:00" in html and "11:30" in html
    assert "理发" in html
    assert "fairs.css" in html and "print-only" in html
    assert "Sign in to book a time" in html
    assert client.get(f"/fairs/?community_id={fair.community.id}").status_code == 200
    with client.get("/static/fairs.css") as response:
        css = response.get_data(as_text=True)
    assert "@media print" in css and "A4" in css


def test_a_resident_books_a_slot_with_javascript_off(app, fair, schedule, stall, api, database):
    fair_day = schedule()
    signed = stall(fair_day, capacity=1)
    client = _signed_in(app, fair.neighbour.account_user)
    path = f"/fair-days/{fair_day['id']}"
    page = client.get(f"/fairs/{fair_day['id']}")
    token = csrf_token_of(page.get_data(as_text=True))
    form = {"listing_id": str(fair.haircut.id), "slot_start": "09:30", "csrf_token": token}

    missing = client.post(f"/fairs/{fair_day['id']}/book", data=form)
    assert missing.status_code == 422
    assert "This field is required." in missing.get_data(as_text=True)
    assert 'value="09:30" checked' in missing.get_data(as_text=True)  # her choice is kept

    done = client.post(f"/fairs/{fair_day['id']}/book", data={**form, "description": "剪短"})
    assert done.status_code == 303
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Booked: 09:30" in after
    slots = api.get(f"{path}/slots").json["items"]
    assert next(s for s in slots if s["slot_start"] == "09:30")["free"] == 0
    assert signed["id"] in {s["stall_id"] for s in slots}

    other = _signed_in(app, fair.grandma.account_user)
    token = csrf_token_of(other.get(f"/fairs/{fair_day['id']}").get_data(as_text=True))
    full = other.post(
        f"/fairs/{fair_day['id']}/book",
        data={**form, "csrf_token": token, "description": "修刘海"},
    )
    assert full.status_code == 409
    assert "This slot is full" in full.get_data(as_text=True)
    assert "修刘海" in full.get_data(as_text=True)


def test_the_volunteer_signs_up_and_records_walk_ins_on_his_page(
    app, fair, schedule, move_fair_day, api, database
):
    fair_day = schedule()
    client = _signed_in(app, fair.barber.account_user)
    page = client.get(f"/fairs/{fair_day['id']}/stall")
    assert page.status_code == 200
    token = csrf_token_of(page.get_data(as_text=True))
    bad = client.post(
        f"/fairs/{fair_day['id']}/stall",
        data={"listing_id": str(fair.haircut.id), "capacity_per_slot": "0", "csrf_token": token},
    )
    assert bad.status_code == 422
    signed = client.post(
        f"/fairs/{fair_day['id']}/stall",
        data={"listing_id": str(fair.haircut.id), "capacity_per_slot": "2", "csrf_token": token},
    )
    assert signed.status_code == 303
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))
    page = client.get(f"/fairs/{fair_day['id']}/stall").get_data(as_text=True)
    assert "Record a walk-in" in page
    stall_id = api.get(f"/fair-days/{fair_day['id']}/slots").json["items"][0]["stall_id"]
    walked = client.post(
        f"/fairs/{fair_day['id']}/walk-ins",
        data={"stall_id": str(stall_id), "name": "", "csrf_token": token},
    )
    assert walked.status_code == 303
    page = client.get(walked.headers["Location"]).get_data(as_text=True)
    assert "Walk-in recorded." in page and "Walk-ins recorded: 1" in page


def test_the_office_schedules_and_confirms_attendance_on_its_pages(
    app, fair, stall, api, move_fair_day, database
):
    client = _signed_in(app, fair.office)
    page = client.get("/fairs/office")
    assert page.status_code == 200
    token = csrf_token_of(page.get_data(as_text=True))
    form = {
        "date": tomorrow().isoformat(),
        "starts_at": "11:30",
        "ends_at": "09:00",
        "venue": "社区广场",
        "grid_id": str(fair.venue_grid.id),
        "slot_minutes": "30",
        "csrf_token": token,
    }
    wrong = client.post("/fairs/office", data=form)
    assert wrong.status_code == 422
    assert "社区广场" in wrong.get_data(as_text=True)  # the input is kept
    made = client.post("/fairs/office", data={**form, "starts_at": "09:00", "ends_at": "11:30"})
    assert made.status_code == 303
    fair_day = api.as_(fair.office).get("/fair-days").json["items"][0]
    stall(fair_day)
    path = f"/fairs/{fair_day['id']}/attendance"
    before = client.get(path).get_data(as_text=True)  # tomorrow: nobody has kept a stall yet
    assert "剃头王" in before and "on or after the fair day" in before
    assert "Confirm attendance" not in before and 'name="volunteer_ids"' not in before
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))
    assert "剃头王" in client.get(path).get_data(as_text=True)
    none = client.post(path, data={"csrf_token": token})
    assert none.status_code == 422
    done = client.post(
        path,
        data={
            "volunteer_ids": str(fair.barber.id),
            f"minutes_{fair.barber.id}": "120",
            "csrf_token": token,
        },
    )
    assert done.status_code == 303
    after = client.get(path).get_data(as_text=True)
    assert "Confirmed: 120 minutes" in after
    assert "Confirm attendance</button>" not in after  # nobody is left to confirm
    assert api.as_(fair.barber.account_user).get("/hours/summary").json["verified_minutes"] == 120

    stranger = _signed_in(app, fair.stranger_office)
    assert stranger.get(path).status_code == 404
    resident = _signed_in(app, fair.neighbour.account_user)
    assert resident.get(path).status_code == 403
    assert resident.get("/fairs/office").status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in_and_back_from_every_fair_page(
    app, fair, schedule, database
):
    """Like every other page: the sign-in page (303, then back here), not a bare 401."""
    fair_day = schedule()
    client = app.test_client()
    client.set_cookie("lang", "en")
    for path in (
        f"/fairs/{fair_day['id']}/stall",
        "/fairs/office",
        f"/fairs/{fair_day['id']}/attendance",
        f"/fairs/{fair_day['id']}/cancel",
    ):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].startswith("/login?next="), path
        assert path in unquote(response.headers["Location"]), path
    page = client.get(f"/fairs/{fair_day['id']}")
    token = csrf_token_of(page.get_data(as_text=True))
    booking = client.post(
        f"/fairs/{fair_day['id']}/book",
        data={"listing_id": str(fair.haircut.id), "slot_start": "09:30", "csrf_token": token},
    )
    assert booking.status_code == 303
    assert booking.headers["Location"].startswith("/login?next=")
    assert client.get(booking.headers["Location"]).status_code == 200  # the sign-in page


def test_the_attendance_page_of_a_fair_called_off_offers_nothing_to_confirm(
    app, fair, schedule, stall, api, move_fair_day, database
):
    fair_day = schedule()
    stall(fair_day)
    assert (
        api.as_(fair.office)
        .post(f"/fair-days/{fair_day['id']}/cancel", json={"reason": "下雨"})
        .status_code
        == 200
    )
    move_fair_day(fair_day, tomorrow() - timedelta(days=2))
    client = _signed_in(app, fair.office)
    page = client.get(f"/fairs/{fair_day['id']}/attendance").get_data(as_text=True)
    assert "This fair day is cancelled." in page
    assert "Confirm attendance" not in page and 'name="volunteer_ids"' not in page
    barber = _signed_in(app, fair.barber.account_user)
    stall_page = barber.get(f"/fairs/{fair_day['id']}/stall").get_data(as_text=True)
    assert "Record a walk-in" not in stall_page and "Sign up a stall" not in stall_page


def test_a_withdrawn_stall_is_signed_up_again_with_other_seats(
    app, fair, schedule, stall, api, database
):
    """He asked for 50 seats by mistake, withdrew, and signs up again with 2: the same stall,
    open again; a service already at a stall is not offered again."""
    fair_day = schedule()
    first = stall(fair_day, capacity=50)
    him = api.as_(fair.barber.account_user)
    path = f"/fair-days/{fair_day['id']}/stalls"
    assert him.post(f"{path}/{first['id']}/withdraw", json={}).status_code == 200
    client = _signed_in(app, fair.barber.account_user)
    page = client.get(f"/fairs/{fair_day['id']}/stall").get_data(as_text=True)
    assert f'<option value="{fair.haircut.id}"' in page  # offered again
    again = him.post(path, json={"listing_id": fair.haircut.id, "capacity_per_slot": 2})
    assert again.status_code == 201, again.json
    assert again.json["id"] == first["id"] and again.json["capacity_per_slot"] == 2
    slots = api.get(f"/fair-days/{fair_day['id']}/slots").json["items"]
    assert {s["free"] for s in slots if s["stall_id"] == first["id"]} == {2}
    page = client.get(f"/fairs/{fair_day['id']}/stall").get_data(as_text=True)
    assert f'<option value="{fair.haircut.id}"' not in page and "Sign up a stall" not in page
    twice = him.post(path, json={"listing_id": fair.haircut.id, "capacity_per_slot": 2})
    assert twice.status_code == 409


def test_a_volunteer_with_no_fair_service_is_shown_where_to_offer_one(
    app, fair, schedule, make, database
):
    fair_day = schedule()
    plumber = make.volunteer([fair.venue_grid], name="修水管")
    make.listing(plumber, title="修水龙头")  # a home visit only
    page = _signed_in(app, plumber.account_user).get(f"/fairs/{fair_day['id']}/stall")
    html = page.get_data(as_text=True)
    assert "None of your services is offered at a fair stall yet." in html
    assert 'href="/volunteer">Tick' in html and "At a fair-day stall" in html
