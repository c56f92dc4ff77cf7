"""A fair-stall volunteer and the people who book a seat (issue 17 hole 6): their names and the
contact phone until the booking is confirmed or 7 days after completion; never their address,
door note, birth date or flags."""

from __future__ import annotations

from datetime import timedelta

from happiness_fair.bookings.models import Booking


def test_the_stall_volunteer_never_gets_the_address_and_loses_the_phone_later(
    api, fair, schedule, stall, book_slot, in_app
):
    day = schedule()
    stall(day)
    booked = book_slot(fair.grandma.account_user, day, door_note="三楼右手")
    assert booked.status_code == 201, booked.json
    booking = booked.json
    barber = api.as_(fair.barber.account_user)
    seen = barber.get(f"/bookings/{booking['id']}").json
    assert seen["contact_phone"] == fair.grandma.account_user.phone
    assert seen["address"] is None and seen["door_note"] is None
    assert barber.get(f"/residents/{fair.grandma.id}").status_code == 404
    export = barber.get("/me/export").get_data(as_text=True)
    assert booking["address"] not in export and "三楼右手" not in export
    # After the job and 7 days, the phone goes too.
    with in_app() as session:
        row = session.get(Booking, booking["id"])
        row.status = "completed"
        row.completed_at = row.created_at - timedelta(days=8)
        session.commit()
    later = barber.get(f"/bookings/{booking['id']}").json
    assert later["contact_phone"] is None


def test_the_stall_page_names_who_booked_only_within_the_window(
    app, api, fair, schedule, stall, book_slot, in_app
):
    from tests.factories import PASSWORD
    from tests.helpers import sign_in_page

    day = schedule()
    stall(day)
    booking = book_slot(fair.grandma.account_user, day).json
    client = app.test_client()
    sign_in_page(client, fair.barber.account_user.phone, PASSWORD)
    page = client.get(f"/fairs/{day['id']}/stall")
    assert page.status_code == 200
    assert "张奶奶" in page.get_data(as_text=True)
    with in_app() as session:
        row = session.get(Booking, booking["id"])
        row.status = "confirmed"
        session.commit()
    assert "张奶奶" not in client.get(f"/fairs/{day['id']}/stall").get_data(as_text=True)
