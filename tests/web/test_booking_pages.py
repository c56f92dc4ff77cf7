"""The booking pages: the form and its quote, one booking and the moves a resident may make."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from happiness_fair.bookings.models import Booking, BookingPhoto
from happiness_fair.places.clock import today

from .conftest import text_of, tomorrow


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _form(world, **fields) -> dict:
    body = {
        "listing_id": str(world.listing.id),
        "beneficiary_id": str(world.grandma.id),
        "date": tomorrow().isoformat(),
        "period": "morning",
        "description": "厨房水龙头漏水",
        "door_note": "按两次门铃",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def _bookings(in_app) -> list[Booking]:
    with in_app() as session:
        return list(session.execute(sa.select(Booking).order_by(Booking.id)).scalars())


def test_booking_form_sends_a_stranger_to_sign_in_first(browser_for, world):
    response = browser_for().get(f"/book?listing={world.listing.id}")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?next=/book")


def test_the_form_shows_the_price_free_at_80_for_a_verified_grandmother(browser_for, world):
    page = text_of(browser_for(world.grandma_user).get(f"/book?listing={world.listing.id}"))
    assert "修水龙头" in page
    assert "免费（80岁以上）" in page
    assert "¥20.00" in page  # the labour fee that is waived


def test_the_quote_fragment_says_free_once_verified_for_an_unverified_82_year_old(
    browser_for, world, make
):
    mother = make.resident(
        world.grid, name="王秀英", birth_date=date(1944, 3, 2), verified=False, account=False
    )
    make.manager(mother, world.neighbour.account_user)
    browser = browser_for(world.neighbour.account_user)
    response = browser.get(
        "/book/quote",
        query_string={
            "beneficiary_id": mother.id,
            "listing_id": world.listing.id,
            "date": tomorrow().isoformat(),
        },
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html  # only the price box, for htmx to swap in
    assert "核实年龄后免费" in html
    assert "应付：¥20.00" not in html
    assert "¥20.00" in html
    # The neighbour herself (born 1990) pays the labour fee.
    own = browser.get(
        "/book/quote",
        query_string={
            "beneficiary_id": world.neighbour.id,
            "listing_id": world.listing.id,
            "date": tomorrow().isoformat(),
        },
    )
    assert "应付：¥20.00" in text_of(own)


def test_the_quote_is_not_given_for_someone_she_does_not_book_for(browser_for, world):
    response = browser_for(world.neighbour.account_user).get(
        "/book/quote",
        query_string={
            "beneficiary_id": world.grandma.id,
            "listing_id": world.listing.id,
            "date": tomorrow().isoformat(),
        },
    )
    assert "免费" not in text_of(response)
    assert "选好为谁预约和日期" in text_of(response)


def test_booking_for_herself_lands_on_the_booking_page_with_its_price(browser_for, world, in_app):
    browser = browser_for(world.grandma_user)
    browser.get(f"/book?listing={world.listing.id}")
    response = browser.post("/book", _form(world))
    assert response.status_code == 303
    booking = _bookings(in_app)[-1]
    assert response.headers["Location"] == f"/bookings/{booking.id}"
    assert booking.door_note == "按两次门铃"
    assert booking.quote["waiver_rule"] == "age_80"
    page = text_of(browser.get(response.headers["Location"]))
    assert "请求已发出" in page
    assert "免费（80岁以上）" in page
    assert "提出请求" in page  # the timeline
    assert "取消预约" in page and "改日期" in page
    assert "确认已修好" not in page  # nothing to confirm yet


def test_the_form_refuses_bad_input_and_keeps_what_was_typed(browser_for, world, in_app):
    browser = browser_for(world.grandma_user)
    browser.get(f"/book?listing={world.listing.id}")
    response = browser.post(
        "/book",
        _form(world, description="", contact_phone="12345", door_note="3楼右手边"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "请改正标出的地方" in html
    assert "11 位手机号码" in html
    assert 'value="12345"' in html and 'value="3楼右手边"' in html
    assert html.count('aria-invalid="true"') >= 2
    assert _bookings(in_app) == []


def test_a_past_day_is_refused_with_the_input_kept(browser_for, world, in_app):
    browser = browser_for(world.grandma_user)
    browser.get("/book")
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = browser.post("/book", _form(world, date=yesterday, description="门锁坏了"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "门锁坏了" in html and f'value="{yesterday}"' in html
    assert _bookings(in_app) == []


def test_the_form_needs_its_csrf_token(browser_for, world, in_app):
    browser = browser_for(world.grandma_user)
    response = browser.post("/book", _form(world), csrf=False)
    assert response.status_code == 403
    assert _bookings(in_app) == []


def test_a_double_tap_on_send_makes_one_booking(browser_for, world, in_app):
    browser = browser_for(world.grandma_user)
    browser.get("/book")
    body = _form(world, request_key="same-key-123")
    first = browser.post("/book", body)
    second = browser.post("/book", body)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_bookings(in_app)) == 1


def test_an_open_request_names_a_category_and_has_no_labour_fee(
    browser_for, world, plumbing, in_app
):
    browser = browser_for(world.neighbour.account_user)
    page = text_of(browser.get("/book?category=plumbing"))
    assert "需要哪类帮助" in page
    response = browser.post(
        "/book",
        _form(
            world,
            listing_id=None,
            category_id=str(plumbing.id),
            beneficiary_id=str(world.neighbour.id),
        ),
    )
    assert response.status_code == 303
    booking = _bookings(in_app)[-1]
    assert booking.listing_id is None and booking.quote["amount_due_fen"] == 0


def test_photos_are_kept_and_a_non_photo_is_refused_without_booking(browser_for, world, in_app):
    browser = browser_for(world.grandma_user)
    browser.get("/book")
    bad = browser.post(
        "/book",
        {**_form(world), "photos": (io.BytesIO(b"not an image"), "leak.png")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "JPEG 或 PNG" in bad.get_data(as_text=True)
    assert _bookings(in_app) == []
    browser.get("/book")
    good = browser.post(
        "/book",
        {**_form(world), "photos": (io.BytesIO(_png()), "leak.png")},
        content_type="multipart/form-data",
    )
    assert good.status_code == 303
    with in_app() as session:
        assert session.execute(sa.select(sa.func.count(BookingPhoto.id))).scalar_one() == 1
    page = browser.get(good.headers["Location"]).get_data(as_text=True)
    src = re.search(r'<img src="(/api/v1/bookings/\d+/photos/\d+)"', page).group(1)
    assert browser.client.get(src).status_code == 200


def test_nobody_else_sees_a_booking_page_or_its_action_pages(browser_for, world, book, make):
    booking = book()
    stranger = make.resident(world.grid)
    browser = browser_for(stranger.account_user)
    assert browser.get(f"/bookings/{booking['id']}").status_code == 404
    for slug in ("cancel", "reschedule", "confirm", "dispute", "no-show", "paid"):
        assert browser.get(f"/bookings/{booking['id']}/{slug}").status_code == 404
    refused = browser.post(f"/bookings/{booking['id']}/cancel", {"reason": "捣乱"})
    assert refused.status_code == 404
    assert "幸福事集" in refused.get_data(as_text=True)  # an error page in the same design
    owner = browser_for(world.grandma_user)
    assert "待接单" in text_of(owner.get(f"/bookings/{booking['id']}"))


def test_her_son_who_manages_her_sees_and_cancels_her_booking(browser_for, world, book, in_app):
    booking = book()
    browser = browser_for(world.son)
    page = text_of(browser.get(f"/bookings/{booking['id']}/cancel"))
    assert "确定要取消吗" in page
    response = browser.post(f"/bookings/{booking['id']}/cancel", {"reason": "已经修好了"})
    assert response.status_code == 303
    assert "预约已取消" in text_of(browser.get(response.headers["Location"]))
    assert _bookings(in_app)[-1].status.value == "cancelled"


def test_after_completion_she_confirms_with_five_stars(browser_for, world, book, advance, in_app):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "completed")
    browser = browser_for(world.grandma_user)
    page = text_of(browser.get(f"/bookings/{booking['id']}"))
    assert "问题解决了吗" in page and "没有修好" in page
    assert "取消预约" not in page and "改日期" not in page
    response = browser.post(
        f"/bookings/{booking['id']}/confirm", {"rating": "5", "comment": "师傅辛苦了"}
    )
    assert response.status_code == 303
    done = _bookings(in_app)[-1]
    assert done.status.value == "confirmed" and done.rating == 5 and done.comment == "师傅辛苦了"
    page = text_of(browser.get(f"/bookings/{booking['id']}"))
    assert "已确认" in page and "5 星" in page
    assert "问题解决了吗" not in page


def test_a_bad_rating_re_renders_the_form_with_a_message(browser_for, world, book, advance):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "completed")
    browser = browser_for(world.grandma_user)
    browser.get(f"/bookings/{booking['id']}/confirm")
    response = browser.post(
        f"/bookings/{booking['id']}/confirm", {"rating": "9", "comment": "还行"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "1 到 5" in html and "还行" in html


def test_a_move_the_state_forbids_is_explained_not_done(browser_for, world, book, in_app):
    booking = book()
    browser = browser_for(world.grandma_user)
    assert browser.get(f"/bookings/{booking['id']}/confirm").status_code == 409
    response = browser.post(f"/bookings/{booking['id']}/confirm", {"rating": "5"})
    assert response.status_code == 409
    page = text_of(response)
    assert "“待接单”状态，不能这样操作" in page
    assert 'name="rating"' not in response.get_data(as_text=True)  # no form to try again
    assert _bookings(in_app)[-1].status.value == "requested"


def test_reschedule_keeps_a_refused_day_and_accepts_a_good_one(browser_for, world, book, in_app):
    booking = book()
    browser = browser_for(world.grandma_user)
    form = browser.get(f"/bookings/{booking['id']}/reschedule").get_data(as_text=True)
    assert f'value="{tomorrow().isoformat()}"' in form
    past = (today() - timedelta(days=3)).isoformat()
    refused = browser.post(
        f"/bookings/{booking['id']}/reschedule", {"date": past, "period": "evening"}
    )
    assert refused.status_code == 422
    assert f'value="{past}"' in refused.get_data(as_text=True)
    later = (today() + timedelta(days=5)).isoformat()
    moved = browser.post(
        f"/bookings/{booking['id']}/reschedule", {"date": later, "period": "evening"}
    )
    assert moved.status_code == 303
    assert _bookings(in_app)[-1].date.isoformat() == later


def test_no_show_is_offered_once_accepted_and_tells_the_grid(browser_for, world, book, advance):
    booking = book(listing_id=world.listing.id, date=today().isoformat())
    browser = browser_for(world.grandma_user)
    assert "师傅没来" not in text_of(browser.get(f"/bookings/{booking['id']}"))
    advance(booking["id"], "accepted")
    assert "师傅没来" in text_of(browser.get(f"/bookings/{booking['id']}"))
    response = browser.post(f"/bookings/{booking['id']}/no-show", {"note": "等了一上午"})
    assert response.status_code == 303
    worker = browser_for(world.grid_worker)
    assert "志愿者没有上门" in text_of(worker.get("/notifications"))


def test_my_bookings_lists_mine_only(browser_for, world, book, make):
    mine = book(description="我的水龙头")
    theirs = book(world.neighbour.account_user, description="邻居的水管")
    page = browser_for(world.grandma_user).get("/bookings").get_data(as_text=True)
    assert f"/bookings/{mine['id']}" in page
    assert f"/bookings/{theirs['id']}" not in page
    filtered = browser_for(world.grandma_user).get("/bookings?status=cancelled")
    assert f"/bookings/{mine['id']}" not in filtered.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/bookings", "/family", "/profile", "/notifications"])
def test_signed_in_pages_send_strangers_to_sign_in(browser_for, path):
    response = browser_for().get(path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login")


def test_my_bookings_costs_a_fixed_number_of_queries(browser_for, world, book, count_queries):
    for _ in range(3):
        book()
    browser = browser_for(world.grandma_user)
    with count_queries() as few:
        browser.get("/bookings")
    for _ in range(5):
        book()
    with count_queries() as many:
        browser.get("/bookings")
    assert many.count == few.count


@pytest.mark.parametrize(
    ("outcome", "note", "shown"),
    [("solved", "", "已解决"), ("partly", "还有点渗水", "部分解决：还有点渗水")],
)
def test_the_follow_up_call_shows_its_outcome_in_words(
    browser_for, api, world, book, advance, outcome, note, shown
):
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "completed")
    body = {"outcome": outcome, "satisfaction": 4, "note": note}
    called = api.as_(world.grid_worker).post(f"/bookings/{booking['id']}/follow-up", json=body)
    assert called.status_code == 200, called.json
    timeline = text_of(browser_for(world.grandma_user).get(f"/bookings/{booking['id']}"))
    assert shown in timeline
    assert outcome not in timeline


def test_her_name_on_one_job_does_not_name_her_on_another_of_his(browser_for, world, book, advance):
    """A volunteer may see the person he serves named on a job he has taken, not on a request
    of hers only handed to him: the name shown is the booking's, not the person's."""
    taken = book(world.grandma_user, listing_id=world.listing.id, description="厨房水龙头漏水")
    advance(taken["id"], "accepted")
    handed = book(world.grandma_user, listing_id=world.listing.id, description="卫生间门锁坏了")
    page = browser_for(world.plumber.account_user).get("/bookings").get_data(as_text=True)
    cards = page.split('class="card"')
    taken_card = next(card for card in cards if f'/bookings/{taken["id"]}"' in card)
    handed_card = next(card for card in cards if f'/bookings/{handed["id"]}"' in card)
    assert "张奶奶" in taken_card
    assert "张奶奶" not in handed_card
    assert handed["status"] == "requested"
