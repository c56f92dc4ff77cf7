"""Who is coming to my door: the volunteer's full name and phone go to the booking's people once
he has accepted; the phone is hidden again after confirmation or 7 days after completion, the
name stays; notifications show the phone by the same rule when read, and never store it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from happiness_fair.bookings.contact import phone_window_open
from happiness_fair.bookings.models import Booking
from happiness_fair.bookings.rules import BookingStatus
from happiness_fair.database import utcnow
from happiness_fair.extensions import db
from happiness_fair.notifications.models import Notification

NOW = utcnow()


@pytest.mark.parametrize(
    ("status", "completed_days_ago", "shown"),
    [
        (BookingStatus.requested, None, False),
        (BookingStatus.accepted, None, True),
        (BookingStatus.in_progress, None, True),
        (BookingStatus.completed, 1, True),
        (BookingStatus.completed, 6.9, True),
        (BookingStatus.completed, 7, False),
        (BookingStatus.disputed, 3, True),
        (BookingStatus.disputed, 8, False),
        (BookingStatus.confirmed, 1, False),
        (BookingStatus.cancelled, None, False),
    ],
)
def test_the_phone_window(status, completed_days_ago, shown):
    completed = None if completed_days_ago is None else NOW - timedelta(days=completed_days_ago)
    assert phone_window_open(status, completed, NOW) is shown


def _contact(api, user, booking_id):
    return api.as_(user).get(f"/bookings/{booking_id}").json["volunteer_contact"]


def test_before_he_accepts_there_is_no_contact_and_his_name_is_masked(api, book, world):
    booking = book(world.son, beneficiary_id=world.grandma.id, listing_id=world.listing.id)
    assert booking["volunteer_contact"] is None
    assert _contact(api, world.grandma_user, booking["id"]) is None


def test_once_he_accepts_her_people_see_his_name_and_phone(api, act, book, world):
    booking = book(world.son, beneficiary_id=world.grandma.id, listing_id=world.listing.id)["id"]
    act(world.plumber.account_user, booking, "accept")
    expected = {"name": "沈林益", "phone": world.plumber.account_user.phone}
    for who in (world.son, world.grandma_user, world.grid_worker, world.office):
        assert _contact(api, who, booking) == expected
    # the volunteer himself gets none (he is not its people)
    assert _contact(api, world.plumber.account_user, booking) is None
    listed = api.as_(world.son).get("/bookings").json["items"]
    assert [b["volunteer_contact"] for b in listed if b["id"] == booking] == [expected]


def test_after_confirmation_the_phone_goes_and_the_name_stays(api, advance, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "confirmed")
    assert _contact(api, world.grandma_user, booking) == {"name": "沈林益", "phone": None}


def test_seven_days_after_completion_the_phone_goes(api, app, advance, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "completed")
    assert _contact(api, world.grandma_user, booking)["phone"] == world.plumber.account_user.phone
    with app.app_context():
        db.session.execute(
            sa.update(Booking)
            .where(Booking.id == booking)
            .values(completed_at=utcnow() - timedelta(days=7, minutes=1))
        )
        db.session.commit()
    assert _contact(api, world.grandma_user, booking) == {"name": "沈林益", "phone": None}


def test_notifications_show_his_phone_while_the_rule_allows_and_never_store_it(
    api, app, act, book, world
):
    booking = book(listing_id=world.listing.id)["id"]
    phone = world.plumber.account_user.phone
    act(world.plumber.account_user, booking, "accept")
    (accepted,) = [
        n
        for n in api.as_(world.grandma_user).get("/notifications").json["items"]
        if n["kind"] == "booking_accepted"
    ]
    assert phone in accepted["text"] and "沈林益" in accepted["text"]
    assert f"Phone: {phone}" in accepted["text"]
    # In her language, whoever the volunteer is (it was "His phone" in English in a Chinese list).
    in_chinese = api.as_(world.grandma_user).get(
        "/notifications", headers={"Accept-Language": "zh-CN"}
    )
    assert any(f"电话：{phone}" in n["text"] for n in in_chinese.json["items"])
    with app.app_context():
        stored = db.session.execute(sa.select(Notification.params)).scalars().all()
    assert all(phone not in repr(params) for params in stored)
    act(world.plumber.account_user, booking, "start")
    act(world.plumber.account_user, booking, "complete", minutes=30)
    assert act(world.grandma_user, booking, "confirm", rating=5).status_code == 200
    items = api.as_(world.grandma_user).get("/notifications").json["items"]
    assert all(phone not in n["text"] for n in items)
    assert any("沈林益" in n["text"] for n in items)


def test_a_declined_request_carries_no_contact(api, act, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    act(world.plumber.account_user, booking, "accept")
    act(world.plumber.account_user, booking, "decline")
    assert _contact(api, world.grandma_user, booking) is None


def test_a_list_names_each_bookings_own_volunteer(api, act, book, world):
    """The list reads every volunteer's name and phone in its own statement: each booking must
    carry its own volunteer's, not the first one found."""
    first = book(world.son, beneficiary_id=world.grandma.id, listing_id=world.listing.id)["id"]
    second = book(world.son, beneficiary_id=world.grandma.id)["id"]
    act(world.plumber.account_user, first, "accept")
    act(world.plumber2.account_user, second, "accept")
    listed = {
        b["id"]: b["volunteer_contact"] for b in api.as_(world.son).get("/bookings").json["items"]
    }
    assert listed[first] == {"name": "沈林益", "phone": world.plumber.account_user.phone}
    assert listed[second] == {"name": "王师傅", "phone": world.plumber2.account_user.phone}
