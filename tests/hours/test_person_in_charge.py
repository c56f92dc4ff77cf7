"""Order 67 art. 7: each service record names its organising unit (the community's committee)
and its person in charge, fixed when the hours are verified: the staff member who confirmed,
else the grid's first grid worker, else the 负责人 the office names."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.accounts.models import User
from happiness_fair.audit import AuditEvent
from happiness_fair.bookings.scheduled import auto_confirm
from happiness_fair.database import utcnow
from happiness_fair.places.clock import today
from tests.web.conftest import Browser, text_of


def _record(api, world, **query):
    response = api.as_(world.plumber.account_user).get("/hours", query_string=query)
    assert response.status_code == 200, response.json
    [record] = response.json["items"]
    return record


def _completed(book, world, advance) -> int:
    booking = book(listing_id=world.listing.id)
    advance(booking["id"], "completed")
    return booking["id"]


def _unit(world) -> str:
    return f"测试街道{world.community.name}居民委员会"


def test_a_pending_record_names_nobody_yet(api, world, book, advance):
    _completed(book, world, advance)
    record = _record(api, world)
    assert (record["organising_unit"], record["person_in_charge"]) == ("", "")


def test_confirmed_by_her_the_grids_first_grid_worker_is_in_charge(
    api, world, book, advance, act, make
):
    make.grid_worker(world.grid)  # a second grid worker of the same grid, who came later
    booking_id = _completed(book, world, advance)
    assert act(world.grandma_user, booking_id, "confirm", rating=5).status_code == 200
    record = _record(api, world)
    assert record["organising_unit"] == _unit(world)
    assert record["person_in_charge"] == world.grid_worker.name


def test_confirmed_by_a_staff_member_he_is_in_charge(api, world, book, advance, act, make):
    later = make.grid_worker(world.grid)
    booking_id = _completed(book, world, advance)
    confirmed = act(later, booking_id, "confirm")
    assert confirmed.status_code == 200, confirmed.json
    assert _record(api, world)["person_in_charge"] == later.name


def test_the_offices_own_entry_names_the_office_worker(api, world):
    added = api.as_(world.office).post(
        "/hours",
        json={"volunteer_id": world.plumber.id, "minutes": 90, "date": today().isoformat(),
              "grid_id": world.grid.id, "reason": "社区活动"},
    )  # fmt: skip
    assert added.status_code == 201, added.json
    assert added.json["person_in_charge"] == world.office.name
    assert added.json["organising_unit"] == _unit(world)


def test_confirmed_by_the_scheduler_in_a_grid_without_a_grid_worker_the_named_person_is_in_charge(
    api, world, book, advance, in_app
):
    office = api.as_(world.office)
    assert office.get("/hours/person-in-charge").json == {"name": ""}
    assert office.put("/hours/person-in-charge", json={"name": "周主任"}).json == {"name": "周主任"}
    with in_app() as session:  # the grid's only grid worker has left
        session.execute(sa.update(User).where(User.id == world.grid_worker.id).values(active=False))
        session.commit()
    _completed(book, world, advance)
    with in_app() as session:
        assert auto_confirm(utcnow() + timedelta(days=7, minutes=1)) == 1
        session.commit()
    assert _record(api, world)["person_in_charge"] == "周主任"
    # Fixed when verified: naming someone else later does not rewrite the record.
    assert office.put("/hours/person-in-charge", json={"name": "吴主任"}).status_code == 200
    assert _record(api, world)["person_in_charge"] == "周主任"
    with in_app() as session:
        actions = session.execute(
            sa.select(AuditEvent.action).where(AuditEvent.community_id == world.community.id)
        ).scalars()
        assert list(actions).count("community.person_in_charge") == 2


def test_only_the_office_names_the_person_in_charge(api, world):
    too_long = api.as_(world.office).put("/hours/person-in-charge", json={"name": "长" * 41})
    assert too_long.status_code == 422
    assert (
        api.as_(world.grid_worker)
        .put("/hours/person-in-charge", json={"name": "周主任"})
        .status_code
        == 403
    )


def test_his_hours_page_and_the_certificate_show_the_unit_and_the_person_in_charge(
    api, app, world, book, advance, act
):
    booking_id = _completed(book, world, advance)
    assert act(world.grandma_user, booking_id, "confirm", rating=5).status_code == 200
    page = text_of(Browser(app).sign_in(world.plumber.account_user).get("/my-hours"))
    assert f"组织单位：{_unit(world)}" in page
    assert f"负责人：{world.grid_worker.name}" in page

    certificate = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/certificates", json={}
    )
    assert certificate.status_code == 201, certificate.json
    printed = text_of(Browser(app).sign_in(world.office).get(certificate.json["url"]))
    assert "负责人" in printed and world.grid_worker.name in printed
    assert _unit(world) in printed


def test_the_office_names_the_person_in_charge_on_its_hours_page(app, world, api):
    browser = Browser(app).sign_in(world.office)
    page = browser.get("/office/hours")
    assert page.status_code == 200
    saved = browser.post("/office/hours/person-in-charge", {"name": "周主任"})
    assert saved.status_code == 303
    assert 'value="周主任"' in browser.get("/office/hours").get_data(as_text=True)
    assert api.as_(world.office).get("/hours/person-in-charge").json == {"name": "周主任"}
    volunteer_side = Browser(app).sign_in(world.plumber.account_user)
    assert volunteer_side.post("/office/hours/person-in-charge", {"name": "我"}).status_code == 403
