"""The certificate prints the volunteer's record (order 67 art. 5: gender, date of birth, area,
skills) and his ID document number whole when he gave it; every showing of the whole number is
audited, and everywhere else the number is masked. A print button needs no inline script."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.audit import AuditEvent
from happiness_fair.places.clock import today
from tests.web.conftest import Browser, text_of

ID = "320602195803151236"
MASKED = "3206**********1236"


def _printed(in_app, certificate_id: int) -> list[AuditEvent]:
    with in_app() as session:
        return list(
            session.execute(
                sa.select(AuditEvent).where(
                    AuditEvent.action == "certificate.id_number_printed",
                    AuditEvent.subject_id == certificate_id,
                )
            ).scalars()
        )


def test_the_certificate_prints_his_record_and_the_whole_id_number_audited_each_time(
    api, app, world, book, advance, in_app
):
    advance(book(listing_id=world.listing.id)["id"], "confirmed")
    plumber = api.as_(world.plumber.account_user)
    saved = plumber.patch(
        "/me/volunteer/record",
        json={"gender": "male", "birth_date": "1958-03-15", "id_number": ID, "area": "虹桥东村"},
    )
    assert saved.status_code == 200, saved.json
    certificate = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/certificates", json={}
    )
    assert certificate.status_code == 201, certificate.json

    his_phone = Browser(app).sign_in(world.plumber.account_user)
    response = his_phone.get(certificate.json["url"])
    html = response.get_data(as_text=True)
    page = text_of(response)
    assert ID in page and MASKED not in page
    assert "性别 男" in page and "1958年3月15日" in page and "虹桥东村" in page
    assert "技能 水电维修" in page  # his skill (plumbing)
    [event] = _printed(in_app, certificate.json["id"])
    assert event.actor_id == world.plumber.account_user.id
    assert ID not in str(event.detail)  # who printed which certificate, never the number
    # A print button that works without inline script: app.js binds it, and with JavaScript
    # off the page says to use the browser's Print (the A4 layout is @media print CSS).
    assert re.search(r"<button[^>]*data-print", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+=\"", html)

    Browser(app).sign_in(world.office).get(certificate.json["url"])
    assert len(_printed(in_app, certificate.json["id"])) == 2


def test_the_whole_number_shows_nowhere_but_on_the_certificate(
    api, app, world, book, advance, in_app
):
    advance(book(listing_id=world.listing.id)["id"], "confirmed")
    plumber = api.as_(world.plumber.account_user)
    plumber.patch("/me/volunteer/record", json={"id_number": ID, "gender": "male"})
    certificate = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/certificates", json={}
    )
    serial = certificate.json["serial"]
    office_api = api.as_(world.office)
    answers = [
        plumber.get("/me/volunteer/record"),
        plumber.get("/me/certificates"),
        plumber.get("/hours"),
        plumber.get("/me"),
        office_api.get(f"/volunteers/{world.plumber.id}/record"),
        office_api.get(f"/volunteers/{world.plumber.id}"),
        office_api.get(f"/certificates?serial={serial}"),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert ID not in answer.get_data(as_text=True)
    his_phone = Browser(app).sign_in(world.plumber.account_user)
    office_desk = Browser(app).sign_in(world.office)
    for browser, path in [
        (his_phone, "/volunteer/record"),
        (his_phone, "/my-hours"),
        (his_phone, "/volunteer"),
        (office_desk, "/office/volunteers"),
        (office_desk, f"/office/certificate-requests?serial={serial}"),
    ]:
        response = browser.get(path)
        assert response.status_code == 200, path
        assert ID not in response.get_data(as_text=True), path
    assert _printed(in_app, certificate.json["id"]) == []  # nothing shown whole yet
    assert ID in text_of(his_phone.get(certificate.json["url"]))
    assert ID not in office_desk.get("/office/audit").get_data(as_text=True)


def test_without_an_id_number_the_certificate_prints_a_dash_and_audits_nothing(
    api, app, world, book, advance, in_app
):
    advance(book(listing_id=world.listing.id)["id"], "confirmed")
    certificate = api.as_(world.office).post(
        f"/volunteers/{world.plumber.id}/certificates", json={}
    )
    page = text_of(Browser(app).sign_in(world.office).get(certificate.json["url"]))
    assert "证件号码 —" in page
    assert _printed(in_app, certificate.json["id"]) == []


def test_the_certificate_reads_as_one_sentence_and_counts_services_only_when_there_are_some(
    api, app, world, book, advance
):
    """Chinese: one sentence with full-width commas (not the list mark 、); English: "1 service".
    Hours given by hand are time, not services, so they are not told as "in 0 services"."""
    advance(book(listing_id=world.listing.id)["id"], "confirmed")
    office = api.as_(world.office)
    plumber = office.post(f"/volunteers/{world.plumber.id}/certificates", json={}).json
    manual = {"volunteer_id": world.barber.id, "minutes": 90, "grid_id": world.grid.id}
    given = office.post("/hours", json={**manual, "date": today().isoformat(), "reason": "活动"})
    assert given.status_code == 201, given.json
    barber = office.post(f"/volunteers/{world.barber.id}/certificates", json={}).json

    browser = Browser(app).sign_in(world.office)
    chinese = text_of(browser.get(plumber["url"]))
    assert "，累计志愿服务" in chinese and "，共 1 次。" in chinese and "、累计" not in chinese
    assert f"兹证明志愿者{world.plumber.name}为" in chinese and "提供志愿服务，截至" in chinese
    hand_made = text_of(browser.get(barber["url"]))
    assert "，累计志愿服务 1 小时 30 分钟。" in hand_made and "共 0 次" not in hand_made
    browser.client.set_cookie("lang", "en")
    english_one = text_of(browser.get(plumber["url"]))
    assert "of volunteer service in 1 service." in english_one and " up to " in english_one
    english = text_of(browser.get(barber["url"]))
    assert ", giving 1 h 30 min of volunteer service." in english
    assert "0 services" not in english


def test_a_certificate_never_reaches_past_the_day_it_is_issued(api, app, world, book, advance):
    """ "This month" chosen on the 2nd: the certificate covers up to today, not the 31st; a range
    that has not begun is refused. A fair-day duty line says what it was, not just where."""
    advance(book(listing_id=world.listing.id)["id"], "confirmed")
    office = api.as_(world.office)
    path = f"/volunteers/{world.plumber.id}/certificates"
    later = today() + timedelta(days=30)
    month = office.post(
        path, json={"from": today().replace(day=1).isoformat(), "to": later.isoformat()}
    )
    assert month.status_code == 201, month.json
    assert month.json["to"] == today().isoformat()
    ahead = office.post(path, json={"from": later.isoformat(), "to": later.isoformat()})
    assert ahead.status_code == 422 and "from" in str(ahead.json)


def test_a_certificate_request_for_days_to_come_is_refused_and_the_office_reads_why(
    api, app, world, book, advance
):
    advance(book(listing_id=world.listing.id)["id"], "confirmed")
    later = today() + timedelta(days=10)
    asked = api.as_(world.plumber.account_user).post(
        "/me/certificate-requests", json={"from": later.isoformat(), "to": later.isoformat()}
    )
    assert asked.status_code == 422 and "from" in str(asked.json)
    office = Browser(app).sign_in(world.office)
    office.get("/office/rankings")
    refused = office.post(
        f"/office/volunteers/{world.plumber.id}/certificates",
        {"from": later.isoformat(), "to": later.isoformat()},
        headers={"Referer": "http://localhost/office/rankings"},
    )
    assert refused.status_code == 303
    assert "证明只能涵盖已经过去的日子。" in text_of(office.get(refused.headers["Location"]))
