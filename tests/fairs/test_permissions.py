"""Who may do what on a fair day: 404 to another community, 403 to a role that can never do
it, and a refused call changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import tomorrow

WHO = {
    "anonymous": lambda f: None,
    "resident": lambda f: f.neighbour.account_user,
    "grid_worker": lambda f: f.grid_worker,
    "volunteer": lambda f: f.barber.account_user,
    "pending_volunteer": lambda f: f.pending.account_user,
    "office": lambda f: f.office,
    "stranger_office": lambda f: f.stranger_office,
    "stranger_resident": lambda f: f.stranger.account_user,
    "stranger_volunteer": lambda f: f.stranger_volunteer.account_user,
}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("resident", 403),
        ("grid_worker", 403),
        ("volunteer", 403),
        ("office", 201),
        ("stranger_office", 422),  # the grid is not one of his community's
    ],
)
def test_only_the_office_schedules_fair_days(api, fair, who, expected):
    body = {
        "date": tomorrow().isoformat(),
        "starts_at": "09:00",
        "ends_at": "11:30",
        "venue": "广场",
        "grid_id": fair.venue_grid.id,
        "slot_minutes": 30,
    }
    response = api.as_(WHO[who](fair)).post("/fair-days", json=body)
    assert response.status_code == expected, response.json
    listed = api.as_(fair.office).get("/fair-days").json["total"]
    assert listed == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("resident", 403),
        ("pending_volunteer", 403),
        ("grid_worker", 403),
        ("office", 403),
        ("stranger_office", 404),
        ("stranger_volunteer", 404),
        ("volunteer", 201),
    ],
)
def test_only_an_approved_volunteer_of_the_community_signs_up_a_stall(
    api, fair, schedule, who, expected
):
    fair_day = schedule()
    response = api.as_(WHO[who](fair)).post(
        f"/fair-days/{fair_day['id']}/stalls",
        json={"listing_id": fair.haircut.id, "capacity_per_slot": 2},
    )
    assert response.status_code == expected, response.json
    slots = api.get(f"/fair-days/{fair_day['id']}/slots").json["items"]
    assert len(slots) == (5 if expected == 201 else 0)


def test_a_volunteer_signs_up_only_his_own_listing_offered_at_fairs(
    api, fair, schedule, stall, make
):
    fair_day = schedule()
    barber = api.as_(fair.barber.account_user)
    path = f"/fair-days/{fair_day['id']}/stalls"
    others = barber.post(path, json={"listing_id": fair.knives.id, "capacity_per_slot": 2})
    assert others.status_code == 403
    home_only = barber.post(path, json={"listing_id": fair.home_only.id, "capacity_per_slot": 2})
    assert home_only.status_code == 422
    assert "listing_id" in home_only.json["error"]["fields"]
    stranger_listing = make.listing(
        fair.stranger_volunteer, category="haircut", home=False, fair=True
    )
    elsewhere = barber.post(path, json={"listing_id": stranger_listing.id, "capacity_per_slot": 2})
    assert elsewhere.status_code == 422
    assert stall(fair_day)["listing_id"] == fair.haircut.id
    twice = barber.post(path, json={"listing_id": fair.haircut.id, "capacity_per_slot": 5})
    assert twice.status_code == 409
    too_many = barber.post(path, json={"listing_id": fair.haircut.id, "capacity_per_slot": 51})
    assert too_many.status_code == 422


def test_a_resident_of_another_community_cannot_book_a_slot(fair, schedule, stall, book_slot):
    fair_day = schedule()
    stall(fair_day)
    response = book_slot(fair.stranger.account_user, fair_day)
    assert response.status_code == 404
    assert book_slot(None, fair_day).status_code == 401


def test_booking_a_slot_checks_what_it_names(fair, schedule, stall, book_slot, move_fair_day):
    fair_day = schedule()
    stall(fair_day)
    her = fair.neighbour.account_user
    assert book_slot(her, fair_day, slot="09:15").status_code == 422  # not a slot of the day
    assert book_slot(her, fair_day, slot="9 点").status_code == 422
    no_stall = book_slot(her, fair_day, listing=fair.knives)
    assert no_stall.status_code == 422 and "listing_id" in no_stall.json["error"]["fields"]
    own = book_slot(fair.barber.account_user, fair_day)
    assert own.status_code in (404, 422)  # the barber has no resident record, or it is his own
    home = book_slot(her, fair_day, mode="home")
    assert home.status_code == 422 and "mode" in home.json["error"]["fields"]
    assert book_slot(her, fair_day, fair_day_id=2**31 - 1).status_code == 404
    # Yesterday: whatever the hour (today's 09:00 slot is still ahead just after midnight).
    move_fair_day(fair_day, tomorrow() - timedelta(days=2))
    assert book_slot(her, fair_day).status_code == 409  # the day is over


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 401),
        ("resident", 403),
        ("grid_worker", 403),
        ("volunteer", 403),
        ("stranger_office", 404),
        ("office", 200),
    ],
)
def test_only_the_communitys_office_confirms_attendance(
    api, fair, schedule, stall, move_fair_day, who, expected
):
    fair_day = schedule()
    stall(fair_day)
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))
    response = api.as_(WHO[who](fair)).post(
        f"/fair-days/{fair_day['id']}/attendance", json={"volunteer_ids": [fair.barber.id]}
    )
    assert response.status_code == expected, response.json
    minutes = api.as_(fair.barber.account_user).get("/hours/summary").json["verified_minutes"]
    assert minutes == (150 if expected == 200 else 0)


def test_walk_ins_of_another_community_are_not_found(api, fair, schedule, stall, move_fair_day):
    fair_day = schedule()
    signed = stall(fair_day)
    move_fair_day(fair_day, tomorrow() - timedelta(days=1))
    path = f"/fair-days/{fair_day['id']}/walk-ins"
    stranger = api.as_(fair.stranger_office)
    assert stranger.post(path, json={"stall_id": signed["id"]}).status_code == 404
    assert stranger.get(path).status_code == 404
    assert api.as_(fair.office).post(path, json={"stall_id": signed["id"]}).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"starts_at": "11:30", "ends_at": "09:00"},
        {"starts_at": "9:00"},
        {"ends_at": "24:00"},
        {"slot_minutes": 200, "ends_at": "10:00"},
        {"slot_minutes": 2},
        {"date": "2020-01-01"},
        {"venue": "   "},
        {"grid_id": 2**31 - 1},
        {"colour": "red"},
    ],
)
def test_a_fair_day_that_cannot_be_is_refused_with_422(api, fair, body):
    full = {
        "date": tomorrow().isoformat(),
        "starts_at": "09:00",
        "ends_at": "11:30",
        "venue": "广场",
        "grid_id": fair.venue_grid.id,
        "slot_minutes": 30,
        **body,
    }
    response = api.as_(fair.office).post("/fair-days", json=full)
    assert response.status_code == 422, response.json
