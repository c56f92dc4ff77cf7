"""A booking's timeline in words: every step it can record has a name in both languages, and a
step staff made for the volunteer names the staff member, not "the volunteer"."""

from __future__ import annotations

import html as htmllib
import re
from datetime import UTC, datetime

from happiness_fair.bookings import access
from happiness_fair.bookings.models import BookingEvent
from happiness_fair.bookings.rules import Action, BookingStatus
from happiness_fair.bookings.views import EVENT_NAMES


def _timeline(page) -> list[tuple[str, str]]:
    """(step, by whom) as the page's timeline reads them."""
    body = page.get_data(as_text=True)
    items = re.findall(
        r"<strong>(.*?)</strong>\s*<span class=\"meta\">(.*?)</span>",
        body.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0],
        flags=re.S,
    )
    return [(htmllib.unescape(step).strip(), htmllib.unescape(by).strip()) for step, by in items]


def test_every_step_a_booking_records_has_a_name():
    written = {a.value for a in Action} | {"create", "escalate", "requote", access.EDIT}
    assert written <= set(EVENT_NAMES), written - set(EVENT_NAMES)


def test_an_escalation_and_a_payment_read_in_words(browser_for, advance, act, book, world, in_app):
    booking = book(world.neighbour.account_user, listing_id=world.listing.id)["id"]
    with in_app() as session:  # as the scheduler writes it: nobody took it for 24 hours
        session.add(
            BookingEvent(
                booking_id=booking,
                actor_id=None,
                action="escalate",
                from_status=BookingStatus.requested,
                to_status=BookingStatus.requested,
                note="",
                at=datetime.now(UTC),
            )
        )
        session.commit()
    advance(booking, "completed")
    assert act(world.neighbour.account_user, booking, "paid").status_code == 200
    steps = dict(_timeline(browser_for(world.neighbour.account_user).get(f"/bookings/{booking}")))
    assert "24 小时没人受理：已通知网格" in steps and "已标记为已付款" in steps
    assert not {"escalate", "paid"} & set(steps)
    english = browser_for(world.neighbour.account_user)
    english.get("/")
    assert english.post("/language", {"lang": "en"}).status_code == 303
    steps = dict(_timeline(english.get(f"/bookings/{booking}")))
    assert "Marked as paid" in steps and "paid" not in steps


def test_a_step_staff_made_for_the_volunteer_names_them(browser_for, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    staff = browser_for(world.grid_worker)
    assert staff.post(f"/grid/bookings/{booking}/accept", {}).status_code == 303
    assert staff.post(f"/grid/bookings/{booking}/start", {}).status_code == 303
    done = staff.post(f"/grid/bookings/{booking}/complete", {"minutes": "30"})
    assert done.status_code == 303
    steps = _timeline(browser_for(world.grandma_user).get(f"/bookings/{booking}"))
    assert ("已接单", world.grid_worker.name) in steps
    assert ("维修完成", world.grid_worker.name) in steps
    assert all(by != "师傅" for _step, by in steps)


def test_a_step_the_volunteer_made_names_him_only_as_the_volunteer(browser_for, act, book, world):
    booking = book(listing_id=world.listing.id)["id"]
    assert act(world.plumber.account_user, booking, "accept").status_code == 200
    steps = _timeline(browser_for(world.grandma_user).get(f"/bookings/{booking}"))
    assert ("已接单", "师傅") in steps
    assert all(world.plumber.account_user.name not in by for _step, by in steps)
