"""The grid worker's pages (网格工作台): the board, finding and adding residents, booking and
acting for them, hand-over, settling disputes and follow-up calls — in his grids only."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from happiness_fair.accounts.models import Resident
from happiness_fair.audit import AuditEvent
from happiness_fair.bookings.models import Booking, BookingEvent
from happiness_fair.followups.models import FollowUp
from happiness_fair.places.clock import today

from .conftest import text_of, tomorrow


def _open_request(book, world, **fields) -> int:
    return book(**fields)["id"]


def _csrf_post(browser, path, data):
    browser.get(path if "?" in path else "/grid/")
    return browser.post(path, data)


# --- the board ------------------------------------------------------------------------------


def test_the_board_shows_new_escalated_today_disputed_and_calls_to_make(
    browser_for, world, book, advance, act
):
    new = _open_request(book, world)
    no_show = book(listing_id=world.listing.id, date=today().isoformat())["id"]
    advance(no_show, "accepted")
    act(world.grandma_user, no_show, "no-show", note="没来")
    disputed = book(listing_id=world.listing.id)["id"]
    advance(disputed, "disputed")
    done = book(listing_id=world.listing.id)["id"]
    advance(done, "completed")
    browser = browser_for(world.grid_worker)
    response = browser.get("/grid/")
    assert response.status_code == 200
    page = text_of(response)
    assert "网格工作台" in page
    for title in ("新的请求", "已上报", "今天的活", "有争议", "等待回访"):
        assert title in page, title
    html = response.get_data(as_text=True)
    for booking_id in (new, no_show, disputed, done):
        assert f"/bookings/{booking_id}" in html
    assert "志愿者没来" in page


def test_the_board_of_another_grid_or_community_shows_nothing_of_ours(
    browser_for, world, book, advance, make
):
    booking_id = _open_request(book, world)
    for outsider in (world.other_grid_worker, world.stranger_office):
        response = browser_for(outsider).get("/grid/")
        assert response.status_code == 200
        assert f"/bookings/{booking_id}" not in response.get_data(as_text=True)
    assert browser_for(world.grandma_user).get("/grid/").status_code == 403
    assert browser_for().get("/grid/").status_code == 303


def test_the_main_navigation_leads_a_grid_worker_to_his_desk(browser_for, world):
    html = browser_for(world.grid_worker).get("/").get_data(as_text=True)
    assert 'href="/grid/"' in html
    assert 'href="/grid/"' not in browser_for(world.grandma_user).get("/").get_data(as_text=True)


# --- residents ------------------------------------------------------------------------------


def test_a_grid_worker_finds_a_resident_by_name_building_and_room(browser_for, world, make):
    other = make.resident(world.other_grid, name="张奶奶的邻居")
    browser = browser_for(world.grid_worker)
    page = text_of(browser.get("/grid/residents?q=张"))
    assert "张奶奶" in page and "张奶奶的邻居" not in page
    by_room = browser.get(
        f"/grid/residents?building_id={world.grandma.building_id}&room={world.grandma.room}"
    )
    assert "张奶奶" in text_of(by_room)
    assert "张奶奶的邻居" in text_of(
        browser_for(world.other_grid_worker).get("/grid/residents?q=张")
    )
    assert browser.get(f"/grid/residents/{other.id}").status_code == 404


def test_a_grid_worker_adds_a_resident_with_no_phone_and_books_for_her(
    browser_for, world, make, in_app, plumbing
):
    building = make.building(world.grid, name="152幢")
    browser = browser_for(world.grid_worker)
    browser.get("/grid/residents/new")
    bad = browser.post(
        "/grid/residents/new", {"name": "王阿婆", "building_id": str(building.id), "unit": "2"}
    )
    assert bad.status_code == 422
    assert 'value="王阿婆"' in bad.get_data(as_text=True)  # what she typed is kept
    added = browser.post(
        "/grid/residents/new",
        {"name": "王阿婆", "building_id": str(building.id), "unit": "2", "room": "301"},
    )
    assert added.status_code == 303
    resident_page = browser.get(added.headers["Location"])
    assert "王阿婆" in text_of(resident_page)
    with in_app() as session:
        resident = session.execute(
            sa.select(Resident).where(Resident.name == "王阿婆")
        ).scalar_one()
        resident_id = resident.id
        assert resident.phone is None and resident.user_id is None
    form = browser.get(f"/book?for={resident_id}")
    assert "王阿婆" in text_of(form)
    assert f'value="{resident_id}" checked' in form.get_data(as_text=True)
    sent = browser.post(
        "/book",
        {
            "category_id": str(plumbing.id),
            "beneficiary_id": str(resident_id),
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "水管漏水",
            "request_key": "k-1",
        },
    )
    assert sent.status_code == 303, text_of(sent)
    with in_app() as session:
        booking = session.execute(
            sa.select(Booking).where(Booking.beneficiary_id == resident_id)
        ).scalar_one()
        assert booking.booker_id == world.grid_worker.id


def test_a_grid_worker_cannot_add_or_book_for_someone_outside_his_grids(
    browser_for, world, make, plumbing
):
    far_building = make.building(world.other_grid)
    browser = browser_for(world.grid_worker)
    browser.get("/grid/residents/new")
    refused = browser.post(
        "/grid/residents/new",
        {"name": "外人", "building_id": str(far_building.id), "unit": "1", "room": "101"},
    )
    assert refused.status_code == 422
    assert "不在你的网格" in text_of(refused) or "网格" in text_of(refused)
    far = make.resident(world.other_grid, name="远方的人")
    form = browser.get(f"/book?for={far.id}")
    assert "远方的人" not in text_of(form)
    sent = browser.post(
        "/book",
        {
            "category_id": str(plumbing.id),
            "beneficiary_id": str(far.id),
            "date": tomorrow().isoformat(),
            "period": "morning",
            "description": "水管漏水",
        },
    )
    assert sent.status_code == 422


def test_verify_age_set_flags_and_issue_a_reset_code_are_audited(browser_for, world, in_app):
    browser = browser_for(world.grid_worker)
    path = f"/grid/residents/{world.neighbour.id}"
    browser.get(path)
    bad = browser.post(f"{path}/verify-age", {"birth_date": "1800-01-01"})
    assert bad.status_code == 422
    assert browser.post(f"{path}/verify-age", {"birth_date": "1990-09-12"}).status_code == 303
    assert browser.post(f"{path}/flags", {"flags": ["dibao", "living_alone"]}).status_code == 303
    page = browser.get(path)
    html = page.get_data(as_text=True)
    assert 'value="dibao" checked' in html and 'value="disabled" checked' not in html
    assert "已核实" in text_of(page)
    code_page = browser.post(f"{path}/reset-code")
    assert code_page.status_code == 200
    assert "重置码" in text_of(code_page)
    with in_app() as session:
        neighbour = session.get(Resident, world.neighbour.id)
        assert neighbour.age_verified and neighbour.birth_date == date(1990, 9, 12)
        assert neighbour.flags == ["dibao", "living_alone"]
        kinds = set(
            session.execute(
                sa.select(AuditEvent.action).where(AuditEvent.actor_id == world.grid_worker.id)
            ).scalars()
        )
        assert {"resident.verify_age", "resident.flags", "account.reset_code"} <= kinds


def test_resident_acts_are_refused_in_another_grid_and_community(browser_for, world):
    path = f"/grid/residents/{world.neighbour.id}"
    for outsider in (world.other_grid_worker, world.stranger_office):
        browser = browser_for(outsider)
        assert browser.get(path).status_code == 404
        browser.get("/grid/")
        assert browser.post(f"{path}/verify-age", {"birth_date": "1990-09-12"}).status_code == 404
        assert browser.post(f"{path}/flags", {"flags": ["dibao"]}).status_code == 404
        assert browser.post(f"{path}/reset-code").status_code == 404


# --- hand-over, acting for a volunteer, disputes, follow-up --------------------------------


def test_hand_over_to_a_chosen_volunteer_who_then_declines(browser_for, world, book, act):
    booking_id = _open_request(book, world)
    browser = browser_for(world.grid_worker)
    booking_page = browser.get(f"/bookings/{booking_id}")
    assert f"/grid/bookings/{booking_id}/hand-over" in booking_page.get_data(as_text=True)
    form = browser.get(f"/grid/bookings/{booking_id}/hand-over")
    assert "沈林益" in text_of(form)
    missing = browser.post(f"/grid/bookings/{booking_id}/hand-over", {})
    assert missing.status_code == 422
    done = browser.post(
        f"/grid/bookings/{booking_id}/hand-over", {"volunteer_id": str(world.plumber.id)}
    )
    assert done.status_code == 303
    page = text_of(browser.get(f"/bookings/{booking_id}"))
    assert "已交给师傅" in page and "沈林益" in page
    assert act(world.plumber.account_user, booking_id, "decline").status_code == 200


def test_hand_over_is_refused_to_a_grid_worker_of_another_grid(browser_for, world, book):
    booking_id = _open_request(book, world)
    browser = browser_for(world.other_grid_worker)
    assert browser.get(f"/grid/bookings/{booking_id}/hand-over").status_code == 404
    browser.get("/grid/")
    refused = browser.post(
        f"/grid/bookings/{booking_id}/hand-over", {"volunteer_id": str(world.plumber.id)}
    )
    assert refused.status_code == 404
    assert browser_for(world.stranger_office).get(f"/bookings/{booking_id}").status_code == 404


def test_a_grid_worker_types_materials_in_yuan_as_the_volunteer_does(
    browser_for, world, book, in_app
):
    """Staff record a volunteer's materials on the same terms as he would: 8.50 means ¥8.50."""
    booking_id = book(listing_id=world.listing.id)["id"]
    browser = browser_for(world.grid_worker)
    browser.get(f"/bookings/{booking_id}")
    form = text_of(browser.get(f"/grid/bookings/{booking_id}/accept"))
    assert "材料费大概多少元" in form and "materials_estimate_fen" not in form
    posted = browser.post(
        f"/grid/bookings/{booking_id}/accept", {"materials_estimate_yuan": "8.50"}
    )
    assert posted.status_code == 303
    assert browser.post(f"/grid/bookings/{booking_id}/start", {}).status_code == 303
    bad = browser.post(
        f"/grid/bookings/{booking_id}/complete", {"minutes": "40", "materials_yuan": "3.555"}
    )
    assert bad.status_code == 422
    assert "请按“元”填写金额" in text_of(bad)
    assert 'name="materials_yuan"' in bad.get_data(as_text=True)
    with in_app() as session:
        assert session.get(Booking, booking_id).status.value == "in_progress"
    done = browser.post(
        f"/grid/bookings/{booking_id}/complete", {"minutes": "40", "materials_yuan": "3.5"}
    )
    assert done.status_code == 303
    with in_app() as session:
        booking = session.get(Booking, booking_id)
        assert booking.materials_estimate_fen == 850
        assert booking.materials_fen == 350
    assert "¥3.50" in text_of(browser.get(f"/bookings/{booking_id}"))


def test_a_grid_worker_acts_for_a_volunteer_without_a_smartphone(browser_for, world, book, in_app):
    booking_id = book(listing_id=world.listing.id)["id"]
    browser = browser_for(world.grid_worker)
    browser.get(f"/bookings/{booking_id}")
    assert browser.post(f"/grid/bookings/{booking_id}/accept", {}).status_code == 303
    assert browser.post(f"/grid/bookings/{booking_id}/start", {}).status_code == 303
    bad = browser.post(f"/grid/bookings/{booking_id}/complete", {"minutes": "0"})
    assert bad.status_code == 422
    assert (
        browser.post(f"/grid/bookings/{booking_id}/complete", {"minutes": "40"}).status_code == 303
    )
    page = text_of(browser.get(f"/bookings/{booking_id}"))
    assert "已完成" in page
    with in_app() as session:
        booking = session.get(Booking, booking_id)
        assert booking.minutes == 40
        actors = set(
            session.execute(
                sa.select(BookingEvent.actor_id).where(
                    BookingEvent.booking_id == booking_id,
                    BookingEvent.action.in_(("accept", "start", "complete")),
                )
            ).scalars()
        )
        assert actors == {world.grid_worker.id}


def test_a_grid_worker_settles_a_dispute(browser_for, world, book, advance):
    booking_id = book(listing_id=world.listing.id)["id"]
    advance(booking_id, "disputed")
    browser = browser_for(world.grid_worker)
    assert f"/grid/bookings/{booking_id}/resolve" in browser.get(
        f"/bookings/{booking_id}"
    ).get_data(as_text=True)
    assert browser.post(f"/grid/bookings/{booking_id}/resolve", {}).status_code == 422
    done = browser.post(
        f"/grid/bookings/{booking_id}/resolve", {"outcome": "reopen", "note": "上门看过，没修好"}
    )
    assert done.status_code == 303
    assert "待接单" in text_of(browser.get(f"/bookings/{booking_id}"))
    other = browser_for(world.other_grid_worker)
    other.get("/grid/")
    assert (
        other.post(f"/grid/bookings/{booking_id}/resolve", {"outcome": "confirm"}).status_code
        == 404
    )


def test_follow_up_not_solved_opens_the_linked_request(browser_for, world, book, advance, in_app):
    booking_id = book(listing_id=world.listing.id)["id"]
    advance(booking_id, "completed")
    browser = browser_for(world.grid_worker)
    booking_page = browser.get(f"/bookings/{booking_id}")
    assert f"/grid/bookings/{booking_id}/follow-up" in booking_page.get_data(as_text=True)
    bad = browser.post(
        f"/grid/bookings/{booking_id}/follow-up", {"satisfaction": "9", "note": "还在滴水"}
    )
    assert bad.status_code == 422
    assert "还在滴水" in bad.get_data(as_text=True)
    done = browser.post(
        f"/grid/bookings/{booking_id}/follow-up",
        {"outcome": "not_solved", "satisfaction": "2", "note": "还在滴水"},
    )
    assert done.status_code == 303
    with in_app() as session:
        call = session.execute(sa.select(FollowUp)).scalar_one()
        assert call.caller_id == world.grid_worker.id and call.satisfaction == 2
        new_id = call.new_booking_id
    assert done.headers["Location"] == f"/bookings/{new_id}"
    new_page = text_of(browser.get(done.headers["Location"]))
    assert "还在滴水" in new_page
    again = browser.post(f"/grid/bookings/{booking_id}/follow-up", {"outcome": "solved"})
    assert again.status_code == 409


def test_follow_up_solved_confirms_and_leaves_the_list(browser_for, world, book, advance):
    booking_id = book(listing_id=world.listing.id)["id"]
    advance(booking_id, "completed")
    browser = browser_for(world.grid_worker)
    assert f"/bookings/{booking_id}" in browser.get("/grid/follow-ups").get_data(as_text=True)
    done = browser.post(
        f"/grid/bookings/{booking_id}/follow-up", {"outcome": "solved", "satisfaction": "5"}
    )
    assert done.status_code == 303
    assert "已确认" in text_of(browser.get(f"/bookings/{booking_id}"))
    assert f"/bookings/{booking_id}" not in browser.get("/grid/follow-ups").get_data(as_text=True)


def test_follow_up_is_refused_outside_the_grid(browser_for, world, book, advance):
    booking_id = book(listing_id=world.listing.id)["id"]
    advance(booking_id, "completed")
    for outsider in (world.other_grid_worker, world.stranger_office):
        browser = browser_for(outsider)
        browser.get("/grid/")
        assert (
            browser.post(
                f"/grid/bookings/{booking_id}/follow-up", {"outcome": "solved"}
            ).status_code
            == 404
        )
    resident = browser_for(world.grandma_user)
    assert resident.get(f"/grid/bookings/{booking_id}/follow-up").status_code == 403
    assert "/grid/" not in resident.get(f"/bookings/{booking_id}").get_data(as_text=True)
