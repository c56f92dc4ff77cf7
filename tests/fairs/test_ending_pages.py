"""The pages for ending things: the office cancels a fair day, a volunteer withdraws his stall."""

from __future__ import annotations

from tests.web.conftest import Browser, text_of


def _browser(app, user) -> Browser:
    return Browser(app).sign_in(user)


def test_the_office_cancels_a_fair_day_from_its_page(app, api, fair, schedule, stall, book_slot):
    day = schedule()
    stall(day)
    booked = book_slot(fair.grandma.account_user, day).json
    office = _browser(app, fair.office)
    listing = office.get("/fairs/office").get_data(as_text=True)
    assert f"/fairs/{day['id']}/cancel" in listing
    form = office.get(f"/fairs/{day['id']}/cancel")
    assert "为什么取消" in text_of(form)
    missing = office.post(f"/fairs/{day['id']}/cancel", {"reason": ""})
    assert missing.status_code == 422
    done = office.post(f"/fairs/{day['id']}/cancel", {"reason": "大雨，改期"})
    assert done.status_code == 303
    assert "已取消" in text_of(office.get("/fairs/office"))
    poster = text_of(_browser(app, fair.grandma.account_user).get(f"/fairs/{day['id']}"))
    assert "这个事集日已取消：大雨，改期" in poster
    seen = api.as_(fair.grandma.account_user).get(f"/bookings/{booked['id']}").json
    assert seen["status"] == "cancelled"
    assert (
        _browser(app, fair.barber.account_user).get(f"/fairs/{day['id']}/cancel").status_code == 403
    )


def test_a_volunteer_withdraws_his_stall_from_his_page(app, api, fair, schedule, stall, book_slot):
    day = schedule()
    mine = stall(day)
    booked = book_slot(fair.grandma.account_user, day).json
    barber = _browser(app, fair.barber.account_user)
    page = barber.get(f"/fairs/{day['id']}/stall")
    assert "撤下这个摊位" in text_of(page)
    done = barber.post(f"/fairs/{day['id']}/stalls/{mine['id']}/withdraw", {"reason": "生病"})
    assert done.status_code == 303
    assert "已撤下" in text_of(barber.get(f"/fairs/{day['id']}/stall"))
    assert api.as_(fair.grandma.account_user).get(f"/bookings/{booked['id']}").json["status"] == (
        "cancelled"
    )
    poster = text_of(_browser(app, fair.neighbour.account_user).get(f"/fairs/{day['id']}"))
    assert "理发" not in poster
