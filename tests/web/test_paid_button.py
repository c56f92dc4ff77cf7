"""我已付款 is offered only when something is due and not yet marked paid; the API's `actions`
and the page's buttons come from the same rule, and a refused mark changes nothing."""

from __future__ import annotations

from .conftest import text_of


def test_a_free_job_offers_no_paid_button_and_refuses_the_mark(api, act, advance, book, world):
    booking = book(listing_id=world.listing.id)["id"]  # 张奶奶, 85 and verified: labour free
    done = advance(booking, "completed")
    assert done["quote"]["amount_due_fen"] == 0
    assert "paid" not in done["actions"]
    for who in (world.grandma_user, world.plumber.account_user, world.grid_worker):
        shown = api.as_(who).get(f"/bookings/{booking}").json
        assert "paid" not in shown["actions"]
    refused = act(world.grandma_user, booking, "paid")
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "conflict"
    assert api.as_(world.grandma_user).get(f"/bookings/{booking}").json["paid"] is False


def test_paid_is_offered_while_money_is_due_and_gone_once_marked(api, act, advance, book, world):
    booking = book(world.neighbour.account_user, listing_id=world.listing.id)["id"]
    done = advance(booking, "completed")
    assert done["quote"]["amount_due_fen"] == 2000
    neighbour = api.as_(world.neighbour.account_user)
    assert "paid" in neighbour.get(f"/bookings/{booking}").json["actions"]
    assert act(world.plumber.account_user, booking, "paid").status_code == 200
    assert "paid" not in neighbour.get(f"/bookings/{booking}").json["actions"]
    plumber_view = api.as_(world.plumber.account_user).get(f"/bookings/{booking}").json
    assert "paid" not in plumber_view["actions"]


def test_materials_make_a_free_job_payable(api, act, advance, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    advance(booking, "in_progress")
    done = act(world.plumber.account_user, booking, "complete", minutes=30, materials_fen=800)
    assert done.json["quote"]["amount_due_fen"] == 800
    assert "paid" in api.as_(world.grandma_user).get(f"/bookings/{booking}").json["actions"]


def test_the_pages_offer_paid_by_the_same_rule(browser_for, advance, book, world):
    free = book(listing_id=world.listing.id)["id"]
    advance(free, "completed")
    due = book(world.neighbour.account_user, listing_id=world.listing.id)["id"]
    advance(due, "completed")

    grandma = browser_for(world.grandma_user)
    assert "我已付款" not in text_of(grandma.get(f"/bookings/{free}"))
    assert grandma.get(f"/bookings/{free}/paid").status_code == 409

    neighbour = browser_for(world.neighbour.account_user)
    assert "我已付款" in text_of(neighbour.get(f"/bookings/{due}"))
    assert neighbour.post(f"/bookings/{due}/paid").status_code == 303
    assert "我已付款" not in text_of(neighbour.get(f"/bookings/{due}"))

    plumber = browser_for(world.plumber.account_user)
    assert f"/jobs/{free}/paid" not in plumber.get(f"/jobs/{free}").get_data(as_text=True)


def test_his_booking_page_offers_the_volunteer_his_own_paid_move(browser_for, advance, book, world):
    """On the booking's page the volunteer marks the money received as on his job's page, not
    with her "I have paid"."""
    due = book(world.neighbour.account_user, listing_id=world.listing.id)["id"]
    advance(due, "completed")
    plumber = browser_for(world.plumber.account_user)
    page = plumber.get(f"/bookings/{due}")
    html = page.get_data(as_text=True)
    assert f"/jobs/{due}/paid" in html
    assert f"/bookings/{due}/paid" not in html and "我已付款" not in text_of(page)


def test_staff_mark_her_payment_in_the_third_person(browser_for, advance, book, world):
    """Her grid worker acts on her word: "she has paid", never her own "I have paid"."""
    due = book(world.neighbour.account_user, listing_id=world.listing.id)["id"]
    advance(due, "completed")
    staff = browser_for(world.grid_worker)
    page = text_of(staff.get(f"/bookings/{due}"))
    assert "居民已付款" in page and "我已付款" not in page
    form = staff.get(f"/bookings/{due}/paid")
    assert "居民说已当面付款" in text_of(form) and "我已付款" not in text_of(form)
    assert staff.post(f"/bookings/{due}/paid").status_code == 303
    hers = browser_for(world.neighbour.account_user)  # her own page keeps her own words
    undone = book(world.neighbour.account_user, listing_id=world.listing.id)["id"]
    advance(undone, "completed")
    assert "我已付款" in text_of(hers.get(f"/bookings/{undone}"))
