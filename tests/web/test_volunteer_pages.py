"""The volunteer's pages: applying, his services, the job board and his jobs, his hours, the
public honour board. Same services as the API; what a volunteer reads is asserted in Chinese."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking
from happiness_fair.catalogue.models import Listing, Volunteer, VolunteerStatus
from happiness_fair.hours.models import HoursCorrection

from .conftest import text_of


def _open_request(book) -> int:
    return book()["id"]


def test_a_resident_applies_to_volunteer_and_sees_his_application_waiting(
    browser_for, world, in_app, plumbing
):
    browser = browser_for(world.neighbour.account_user)
    page = text_of(browser.get("/volunteer/apply"))
    assert "申请当志愿者" in page and "水电维修" in page
    assert "接单" not in text_of(browser.get("/"))  # no volunteer menu yet
    response = browser.post(
        "/volunteer/apply",
        {"category_ids": [str(plumbing.id)], "grid_ids": [str(world.grid.id)], "bio": "退休电工"},
    )
    assert response.status_code == 303
    page = text_of(browser.get(response.headers["Location"]))
    assert "社区办公室会审核您的申请" in page
    assert "等待社区办公室审核" in page
    assert "我的服务" in page  # the menu now has his entry
    with in_app() as session:
        volunteer = session.execute(
            sa.select(Volunteer).where(Volunteer.user_id == world.neighbour.account_user.id)
        ).scalar_one()
        assert volunteer.status == VolunteerStatus.pending and volunteer.bio == "退休电工"


def test_an_application_without_skills_comes_back_with_what_was_typed(browser_for, world):
    browser = browser_for(world.neighbour.account_user)
    browser.get("/volunteer/apply")
    response = browser.post("/volunteer/apply", {"grid_ids": [str(world.grid.id)], "bio": "会修锁"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="f-category_ids-error"' in html
    assert "会修锁" in html
    assert f'value="{world.grid.id}" checked' in html


def test_a_volunteer_offers_a_service_changes_it_and_pauses_it(
    browser_for, world, in_app, plumbing
):
    browser = browser_for(world.plumber.account_user)
    browser.get("/volunteer/listings/new")
    bad = browser.post(
        "/volunteer/listings/new",
        {"category_id": str(plumbing.id), "title": "换灯泡", "fee_yuan": "十块", "modes": "home"},
    )
    assert bad.status_code == 422
    assert "请按“元”填写金额" in text_of(bad)
    assert 'value="换灯泡"' in bad.get_data(as_text=True)
    response = browser.post(
        "/volunteer/listings/new",
        {
            "category_id": str(plumbing.id),
            "title": "换灯泡",
            "fee_yuan": "12.50",
            "duration_minutes": "20",
            "modes": ["home", "fair"],
        },
    )
    assert response.status_code == 303
    with in_app() as session:
        listing = session.execute(sa.select(Listing).where(Listing.title == "换灯泡")).scalar_one()
        assert (listing.fee_fen, listing.home, listing.fair) == (1250, True, True)
    edited = browser.post(
        f"/volunteer/listings/{listing.id}",
        {
            "category_id": str(plumbing.id),
            "title": "换灯泡和开关",
            "fee_yuan": "0",
            "duration_minutes": "30",
            "modes": "home",
        },
    )
    assert edited.status_code == 303
    browser.get("/volunteer")
    paused = browser.post(f"/volunteer/listings/{listing.id}/pause")
    page = text_of(browser.get(paused.headers["Location"]))
    assert "已暂停：“换灯泡和开关”已下架" in page
    assert "换灯泡和开关" not in text_of(browser.get("/services?q=换灯泡"))
    browser.get("/volunteer")
    browser.post(f"/volunteer/listings/{listing.id}/resume")
    assert "换灯泡和开关" in text_of(browser.get("/services?q=换灯泡"))
    with in_app() as session:
        listing = session.get(Listing, listing.id)
        assert (listing.fee_fen, listing.fair, listing.active) == (0, False, True)


def test_someone_else_cannot_edit_or_pause_his_service(browser_for, world, in_app):
    browser = browser_for(world.plumber2.account_user)
    assert browser.get(f"/volunteer/listings/{world.listing.id}").status_code == 404
    browser.get("/volunteer")
    assert browser.post(f"/volunteer/listings/{world.listing.id}/pause").status_code == 404
    with in_app() as session:
        assert session.get(Listing, world.listing.id).active


def test_the_board_shows_the_request_without_address_and_the_first_to_accept_wins(
    browser_for, world, book, in_app
):
    booking_id = _open_request(book)
    fast = browser_for(world.plumber.account_user)
    slow = browser_for(world.plumber2.account_user)
    board = text_of(slow.get("/jobs"))
    assert "厨房水龙头漏水" in board and "接单" in board
    job_page = text_of(slow.get(f"/jobs/{booking_id}"))
    assert "接单后显示" in job_page
    assert world.grandma.address not in job_page
    assert "厨房水龙头漏水" not in text_of(browser_for(world.barber.account_user).get("/jobs"))

    fast.get("/jobs")
    won = fast.post(f"/jobs/{booking_id}/accept")
    assert won.status_code == 303 and won.headers["Location"] == f"/jobs/{booking_id}"
    page = text_of(fast.get(won.headers["Location"]))
    assert "接单成功" in page
    assert world.grandma.address in page  # now he needs it

    lost = slow.post(f"/jobs/{booking_id}/accept")
    assert lost.status_code == 409
    assert "已被其他志愿者接单" in text_of(lost)
    assert "厨房水龙头漏水" not in text_of(lost)  # gone from his board
    with in_app() as session:
        assert session.get(Booking, booking_id).volunteer_id == world.plumber.id


def test_a_volunteer_starts_completes_with_45_minutes_and_sees_them_once_confirmed(
    browser_for, world, book, act
):
    booking_id = _open_request(book)
    browser = browser_for(world.plumber.account_user)
    browser.get("/jobs")
    browser.post(f"/jobs/{booking_id}/accept", {"materials_estimate_yuan": "8"})
    assert "我已开始干活" in text_of(browser.get(f"/jobs/{booking_id}"))
    assert browser.post(f"/jobs/{booking_id}/start").status_code == 303
    bad = browser.post(f"/jobs/{booking_id}/complete", {"minutes": "0", "note": "换了垫圈"})
    assert bad.status_code == 422
    assert "换了垫圈" in bad.get_data(as_text=True)
    done = browser.post(
        f"/jobs/{booking_id}/complete",
        {"minutes": "45", "materials_yuan": "3.5", "note": "换了垫圈"},
    )
    assert done.status_code == 303
    hours = text_of(browser.get("/my-hours"))
    assert "等待确认" in hours and "45 分钟" in hours
    assert "已核实的总时长 0 分钟" in hours
    assert act(world.grandma_user, booking_id, "confirm", rating=5).status_code == 200
    hours = text_of(browser.get("/my-hours"))
    assert "已核实的总时长 45 分钟" in hours
    assert "已核实" in hours


def test_a_volunteer_gives_a_job_back_and_it_returns_to_the_board(browser_for, world, book, in_app):
    booking_id = _open_request(book)
    browser = browser_for(world.plumber.account_user)
    browser.get("/jobs")
    browser.post(f"/jobs/{booking_id}/accept")
    assert "这活我接不了" in text_of(browser.get(f"/jobs/{booking_id}/decline"))
    response = browser.post(f"/jobs/{booking_id}/decline", {"reason": "临时有事"})
    assert response.status_code == 303
    assert "厨房水龙头漏水" in text_of(browser_for(world.plumber2.account_user).get("/jobs"))
    with in_app() as session:
        assert session.get(Booking, booking_id).volunteer_id is None


def test_a_resident_cannot_act_on_a_job_from_the_volunteer_pages(browser_for, world, book):
    booking_id = _open_request(book)
    browser = browser_for(world.neighbour.account_user)
    assert browser.get(f"/jobs/{booking_id}").status_code == 404
    assert browser.get("/jobs").status_code == 303  # not a volunteer: apply first
    browser.get("/")
    assert browser.post(f"/jobs/{booking_id}/accept").status_code in (403, 404, 409)


def test_a_volunteer_asks_for_a_correction_of_his_record(browser_for, world, book, advance, in_app):
    booking_id = _open_request(book)
    advance(booking_id, "confirmed")
    browser = browser_for(world.plumber.account_user)
    page = browser.get("/my-hours").get_data(as_text=True)
    record_path = page.split('href="/my-hours/')[1].split('"')[0]
    bad = browser.post(f"/my-hours/{record_path}", {"minutes": "60", "reason": ""})
    assert bad.status_code == 422
    response = browser.post(f"/my-hours/{record_path}", {"minutes": "60", "reason": "漏记了买材料"})
    assert response.status_code == 303
    page = text_of(browser.get("/my-hours"))
    assert "您的更正申请正在等办公室处理" in page
    assert "45 分钟 → 1 小时" in page
    with in_app() as session:
        assert session.execute(sa.select(HoursCorrection.minutes)).scalar_one() == 60


def test_the_honour_board_is_public_and_shows_names_as_chosen(
    browser_for, world, book, advance, client
):
    booking_id = _open_request(book)
    advance(booking_id, "confirmed")
    board = client.get(f"/honour-board?community_id={world.community.id}")
    assert board.status_code == 200
    assert "沈**" in text_of(board) and "沈林益" not in text_of(board)
    browser = browser_for(world.plumber.account_user)
    browser.get("/volunteer")
    browser.post("/volunteer/name", {"show_full_name": "1"})
    assert "沈林益" in text_of(client.get(f"/honour-board?community_id={world.community.id}"))
    assert client.get("/honour-board?community_id=999999").status_code == 404
    assert client.get("/honour-board?community_id=abc").status_code == 404
    year = client.get(f"/honour-board?community_id={world.community.id}&period=year")
    assert "本年" in text_of(year) and "45 分钟" in text_of(year)


def test_the_menu_shows_volunteer_entries_only_to_volunteers(browser_for, world):
    assert "接单" in text_of(browser_for(world.plumber.account_user).get("/"))
    page = text_of(browser_for(world.grandma_user).get("/"))
    assert "接单" not in page and "申请当志愿者" in page


def test_his_own_booking_page_offers_the_volunteer_his_next_move(browser_for, world, book, act):
    booking_id = _open_request(book)
    browser = browser_for(world.plumber.account_user)
    offered = browser.get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert f"/jobs/{booking_id}/accept" in offered
    assert act(world.plumber.account_user, booking_id, "accept").status_code == 200
    page = browser.get(f"/bookings/{booking_id}")
    html = page.get_data(as_text=True)
    assert f"/jobs/{booking_id}/start" in html and f"/jobs/{booking_id}/decline" in html
    assert "我已开始干活" in text_of(page)
    assert browser.post(f"/jobs/{booking_id}/start").status_code == 303
    assert f"/jobs/{booking_id}/complete" in browser.get(f"/bookings/{booking_id}").get_data(
        as_text=True
    )
    # Her page offers her moves only, none of his.
    hers = browser_for(world.grandma_user).get(f"/bookings/{booking_id}").get_data(as_text=True)
    assert f"/jobs/{booking_id}/" not in hers
