"""Fair days end too: the office cancels a fair day, a volunteer withdraws his stall, a fair
booking declined by its volunteer — in each case the booked residents are told and their
bookings cancelled (never turned into open requests), and the seats are gone."""

from __future__ import annotations


def _kinds(api, user):
    return [n["kind"] for n in api.as_(user).get("/notifications").json["items"]]


def test_a_declined_fair_booking_is_cancelled_not_reopened(api, fair, schedule, stall, book_slot):
    day = schedule()
    stall(day)
    booked = book_slot(fair.grandma.account_user, day)
    assert booked.status_code == 201
    declined = api.as_(fair.barber.account_user).post(
        f"/bookings/{booked.json['id']}/decline", json={"reason": "家里有事"}
    )
    assert declined.status_code == 200, declined.json
    assert declined.json["status"] == "cancelled"
    seen = api.as_(fair.grandma.account_user).get(f"/bookings/{booked.json['id']}").json
    assert seen["status"] == "cancelled" and seen["volunteer_id"] == fair.barber.id
    assert "fair_booking_cancelled" in _kinds(api, fair.grandma.account_user)
    slots = api.get(f"/fair-days/{day['id']}/slots").json["items"]
    assert [s["free"] for s in slots if s["slot_start"] == "09:00"] == [2]


def test_a_volunteer_withdraws_his_stall(api, fair, schedule, stall, book_slot):
    day = schedule()
    mine = stall(day)
    other = stall(day, fair.knife_man, fair.knives)
    booked = book_slot(fair.grandma.account_user, day).json
    path = f"/fair-days/{day['id']}/stalls/{mine['id']}/withdraw"
    assert api.as_(fair.knife_man.account_user).post(path, json={}).status_code == 403
    assert api.as_(fair.grandma.account_user).post(path, json={}).status_code == 403
    withdrawn = api.as_(fair.barber.account_user).post(path, json={"reason": "生病了"})
    assert withdrawn.status_code == 200, withdrawn.json
    assert withdrawn.json["withdrawn"] is True
    assert api.as_(fair.barber.account_user).post(path, json={}).status_code == 409
    after = api.as_(fair.grandma.account_user).get(f"/bookings/{booked['id']}").json
    assert after["status"] == "cancelled"
    notes = api.as_(fair.grandma.account_user).get("/notifications").json["items"]
    assert any(n["kind"] == "fair_booking_cancelled" and "生病了" in n["text"] for n in notes)
    stalls_left = {s["stall_id"] for s in api.get(f"/fair-days/{day['id']}/slots").json["items"]}
    assert stalls_left == {other["id"]}
    again = book_slot(fair.neighbour.account_user, day)
    assert again.status_code == 409


def test_the_office_cancels_a_fair_day(api, fair, schedule, stall, book_slot):
    day = schedule()
    stall(day)
    stall(day, fair.knife_man, fair.knives)
    first = book_slot(fair.grandma.account_user, day).json
    second = book_slot(fair.neighbour.account_user, day, fair.knives, "09:30").json
    path = f"/fair-days/{day['id']}/cancel"
    assert api.as_(fair.barber.account_user).post(path, json={"reason": "x"}).status_code == 403
    assert api.as_(fair.stranger_office).post(path, json={"reason": "x"}).status_code == 404
    assert api.as_(fair.office).post(path, json={}).status_code == 422
    cancelled = api.as_(fair.office).post(path, json={"reason": "大雨，改期"})
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["cancelled"] is True
    assert api.as_(fair.office).post(path, json={"reason": "again"}).status_code == 409
    for booking, who in ((first, fair.grandma), (second, fair.neighbour)):
        seen = api.as_(who.account_user).get(f"/bookings/{booking['id']}").json
        assert seen["status"] == "cancelled"
        assert "fair_booking_cancelled" in _kinds(api, who.account_user)
    for volunteer in (fair.barber, fair.knife_man):
        notes = api.as_(volunteer.account_user).get("/notifications").json["items"]
        assert any(n["kind"] == "fair_day_cancelled" and "大雨" in n["text"] for n in notes)
    assert api.get(f"/fair-days/{day['id']}/slots").json["items"] == []
    assert book_slot(fair.grandma.account_user, day).status_code == 409
    refused = api.as_(fair.barber.account_user).post(
        f"/fair-days/{day['id']}/stalls",
        json={"listing_id": fair.haircut.id, "capacity_per_slot": 1},
    )
    assert refused.status_code == 409
