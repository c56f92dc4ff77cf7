"""Raising a request: for whom, named or open, which day, which phone (API.md POST /bookings)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking
from happiness_fair.places.clock import today
from tests.factories import tomorrow


def test_an_open_request_names_no_volunteer_and_has_no_labour_fee(book, world):
    booking = book()
    assert booking["volunteer_id"] is None
    assert booking["listing_id"] is None
    assert booking["quote"]["labour_fee_fen"] == 0
    assert booking["quote"]["amount_due_fen"] == 0


def test_a_resident_under_80_pays_the_listing_fee(book, world):
    booking = book(world.neighbour.account_user, listing_id=world.listing.id)
    assert booking["quote"]["labour_fee_fen"] == 2000
    assert booking["quote"]["amount_due_fen"] == 2000
    assert booking["quote"]["waiver_rule"] is None


def test_an_unverified_85_year_old_is_told_it_is_free_once_her_age_is_verified(book, make, world):
    old = make.resident(world.grid, birth_date=date(1939, 5, 1), verified=False)
    booking = book(old.account_user, listing_id=world.listing.id)
    assert booking["quote"]["amount_due_fen"] == 2000
    assert booking["quote"]["waiver_pending_verification"] is True


def test_a_son_books_for_the_mother_he_manages_and_her_phone_is_the_contact(book, world):
    booking = book(world.son, beneficiary_id=world.grandma.id)
    assert booking["booker_id"] == world.son.id
    assert booking["beneficiary_id"] == world.grandma.id
    assert booking["contact_phone"] == world.grandma_user.phone
    assert booking["grid_id"] == world.grid.id


def test_for_a_person_without_a_phone_the_bookers_phone_is_the_contact(book, make, world):
    mother = make.resident(world.grid, account=False, birth_date=date(1938, 2, 2))
    son = make.manager(mother)
    booking = book(son, beneficiary_id=mother.id)
    assert booking["contact_phone"] == son.phone


def test_the_contact_phone_can_be_given(book, world):
    assert book(contact_phone="13912345678")["contact_phone"] == "13912345678"


def test_a_grid_worker_books_for_a_resident_of_his_grid_but_not_of_another(book, make, world):
    booking = book(world.grid_worker, beneficiary_id=world.neighbour.id)
    assert booking["booker_id"] == world.grid_worker.id
    outside = make.resident(world.other_grid)
    refused = book(world.grid_worker, beneficiary_id=outside.id, expect=422)
    assert "beneficiary_id" in refused["error"]["fields"]


def test_nobody_books_for_a_stranger(book, world):
    refused = book(world.neighbour.account_user, beneficiary_id=world.grandma.id, expect=422)
    assert "beneficiary_id" in refused["error"]["fields"]


def test_an_account_without_a_resident_record_must_say_for_whom(book, world):
    refused = book(world.son, expect=422)
    assert "beneficiary_id" in refused["error"]["fields"]


def test_a_day_in_the_past_is_refused(book):
    refused = book(date=(today() - timedelta(days=1)).isoformat(), expect=422)
    assert "date" in refused["error"]["fields"]
    assert book(date=today().isoformat())["date"] == today().isoformat()


def test_a_listing_and_a_category_together_or_neither_are_refused(book, world, plumbing):
    both = book(listing_id=world.listing.id, category_id=plumbing.id, expect=422)
    assert "listing_id" in both["error"]["fields"]
    neither = book(category_id=None, expect=422)
    assert "listing_id" in neither["error"]["fields"]


def test_a_volunteer_cannot_book_his_own_service(book, make, world):
    make.manager(world.grandma, user=world.plumber.account_user)
    refused = book(
        world.plumber.account_user,
        listing_id=world.listing.id,
        beneficiary_id=world.grandma.id,
        expect=422,
    )
    assert "listing_id" in refused["error"]["fields"]


def test_unknown_fields_and_bad_periods_are_refused(book):
    assert "colour" in book(colour="red", expect=422)["error"]["fields"]
    assert "period" in book(period="midnight", expect=422)["error"]["fields"]


def test_a_retry_with_the_same_idempotency_key_returns_the_first_booking(api, book, world, in_app):
    key = {"Idempotency-Key": "tap-2024-01-22-a"}
    first = book(headers=key)
    again = book(headers=key, description="重试")
    assert again["id"] == first["id"]
    assert again["description"] == first["description"]
    other = book(headers={"Idempotency-Key": "another"})
    assert other["id"] != first["id"]
    # The same key from another person is another booking.
    theirs = book(world.neighbour.account_user, headers=key)
    assert theirs["id"] != first["id"]
    with in_app() as session:
        mine = session.execute(
            sa.select(sa.func.count())
            .select_from(Booking)
            .where(Booking.booker_id == world.grandma_user.id)
        ).scalar_one()
    assert mine == 2


def test_an_overlong_idempotency_key_is_refused(book):
    refused = book(headers={"Idempotency-Key": "k" * 101}, expect=422)
    assert "Idempotency-Key" in refused["error"]["fields"]


def test_signing_in_is_needed(api, plumbing):
    response = api.post(
        "/bookings",
        json={
            "category_id": plumbing.id,
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "x",
        },
    )
    assert response.status_code == 401
