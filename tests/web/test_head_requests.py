"""A HEAD request is a GET without the body (RFC 9110): it never takes the write branch of a
page that answers GET and POST, where no CSRF token is asked of it (found by review: HEAD on
/bookings/<id>/cancel cancelled the booking, on /office/calendar emptied the year)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from happiness_fair.bookings.models import Booking


def _status(in_app, booking_id) -> str:
    with in_app() as session:
        return session.get(Booking, booking_id).status.value


def test_head_on_a_cancel_page_cancels_nothing(browser_for, world, book, in_app):
    booking = book()
    browser = browser_for(world.son)
    head = browser.client.head(f"/bookings/{booking['id']}/cancel", data={"reason": "x"})
    get = browser.client.get(f"/bookings/{booking['id']}/cancel")
    assert head.status_code == get.status_code == 200
    assert head.get_data() == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert _status(in_app, booking["id"]) == "requested"


def test_head_on_a_job_accepts_nothing(browser_for, world, book, in_app):
    booking = book(listing_id=world.listing.id)
    browser = browser_for(world.plumber.account_user)
    assert browser.client.head(f"/jobs/{booking['id']}/accept").status_code < 400
    assert _status(in_app, booking["id"]) == "requested"


def test_head_on_every_page_that_also_takes_a_post_reads_as_a_get(
    app, browser_for, world, monkeypatch
):
    """Every GET+POST rule without arguments, as the office: the view sees GET, never HEAD."""
    from flask import request

    seen = []
    hooks = app.before_request_funcs.get(None, [])
    monkeypatch.setitem(
        app.before_request_funcs, None, [*hooks, lambda: seen.append(request.method)]
    )
    rules = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if {"GET", "POST"} <= rule.methods and not rule.arguments
    ]
    assert len(rules) >= 5, rules
    browser = browser_for(world.office)
    for path in rules:
        seen.clear()
        browser.client.head(path)
        assert seen == ["GET"], (path, seen)


def test_head_on_the_office_calendar_keeps_the_year(app, browser_for, world, in_app):
    from happiness_fair.accounts.models import User
    from happiness_fair.extensions import db
    from happiness_fair.office import calendar
    from happiness_fair.places.clock import today

    year = today().year
    with app.app_context():
        office = db.session.get(User, world.office.id)
        calendar.set_year(office, year, [{"day": date(year, 11, 2), "kind": "holiday", "name": ""}])
        db.session.commit()
    browser_for(world.office).client.head(f"/office/calendar?year={year}")
    with in_app() as session:
        kept = session.execute(sa.text("SELECT count(*) FROM calendar_days")).scalar_one()
    assert kept == 1


def test_the_servers_own_record_of_the_request_still_says_head():
    """The app is given a GET; the server's environ (its access log reads it) keeps HEAD."""
    from happiness_fair.http import HeadAsGet

    seen = []

    def app(environ, start_response):
        seen.append(environ["REQUEST_METHOD"])
        start_response("200 OK", [("Content-Length", "5")])
        return [b"hello"]

    environ = {"REQUEST_METHOD": "HEAD"}
    body = HeadAsGet(app)(environ, lambda status, headers: None)
    assert (seen, environ["REQUEST_METHOD"], list(body)) == (["GET"], "HEAD", [])
