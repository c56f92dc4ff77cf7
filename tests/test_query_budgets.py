"""Query budgets (issue 22): every API endpoint and page of the performance scenarios sends at
most 3 statements for a read (authentication included) and at most 8 for a write, so a later
change cannot quietly add round trips. Counted on a warm process (the first request of a worker
may read what it then keeps, e.g. the categories), with some data so that per-row loading shows.
"""

# The bookings world's fixtures are imported here (as the conftest files do): F811 below.
# ruff: noqa: F811
from __future__ import annotations

import functools
from datetime import timedelta

import marshmallow as ma
import pytest

from tests.bookings.conftest import World, act, advance, book, plumbing, world  # noqa: F401
from tests.factories import tomorrow
from tests.web.conftest import browser_for  # noqa: F401

READS = 3
WRITES = 8


@pytest.fixture
def scene(api, make, world, book, advance):
    """The bench's scenarios in small: listings, bookings in several states, a ranking."""
    for n in range(3):
        make.listing(world.plumber, title=f"维修水管{n}")
        make.listing(world.plumber2, title=f"上门维修{n}")
    opened = [book() for _ in range(3)]
    named = [book(listing_id=world.listing.id) for _ in range(2)]
    advance(opened[0]["id"], "confirmed")
    advance(named[0]["id"], "accepted")
    return {"booking": named[0], "open": opened[1]}


def _warm_then_count(count_queries, call):
    response = call()  # a worker's first request may fill its caches
    assert response.status_code < 400, response.get_data(as_text=True)[:300]
    with count_queries() as counter:
        response = call()
    assert response.status_code < 400, response.get_data(as_text=True)[:300]
    return counter


def _assert_budget(counter, budget, what):
    listing = "\n".join(" ".join(s.split())[:160] for s in counter.statements)
    assert counter.count <= budget, f"{what}: {counter.count} statements > {budget}\n{listing}"


API_READS = {
    "catalogue, anonymous": lambda w: f"/listings?community_id={w.community.id}&q=维修",
    "catalogue, one category": lambda w: f"/listings?community_id={w.community.id}&category=1",
    "one listing": lambda w: f"/listings/{w.listing.id}",
    "categories": lambda w: "/categories",
    "honour board": lambda w: f"/honour-board?community_id={w.community.id}&period=year",
}


@pytest.mark.parametrize("what", API_READS)
def test_public_api_reads_stay_within_budget(api, world, scene, count_queries, what):
    path = API_READS[what](world)
    counter = _warm_then_count(count_queries, lambda: api.get(path))
    _assert_budget(counter, READS, what)


SIGNED_IN_API_READS = {
    "catalogue, own community": ("grandma_user", lambda s: "/listings?q=维修"),
    "my bookings, booker": ("grandma_user", lambda s: "/bookings"),
    "my bookings, volunteer": ("plumber", lambda s: "/bookings"),
    "job board": ("plumber", lambda s: "/jobs"),
    "a booking": ("grandma_user", lambda s: f"/bookings/{s['booking']['id']}"),
    "a booking, its volunteer": ("plumber", lambda s: f"/bookings/{s['booking']['id']}"),
    "yearly ranking": ("office", lambda s: "/rankings/volunteers?period=year"),
    "grid table": ("office", lambda s: "/rankings/grids?period=year"),
    "the year's CSV": ("office", lambda s: "/rankings/volunteers?period=year&format=csv"),
    "unread notifications": ("grandma_user", lambda s: "/notifications?unread=true"),
}


def _person(world, who):
    person = getattr(world, who)
    return getattr(person, "account_user", person)


@pytest.mark.parametrize("what", SIGNED_IN_API_READS)
def test_signed_in_api_reads_stay_within_budget(api, world, scene, count_queries, what):
    who, path = SIGNED_IN_API_READS[what]
    caller = api.as_(_person(world, who))
    counter = _warm_then_count(count_queries, lambda: caller.get(path(scene)))
    _assert_budget(counter, READS, what)


PAGES = {
    "home, anonymous": (None, lambda w, s: "/"),
    "catalogue page": (None, lambda w, s: "/services?q=维修"),
    "listing page": (None, lambda w, s: f"/services/{w.listing.id}"),
    "honour board page": (None, lambda w, s: f"/honour-board?community_id={w.community.id}"),
    "home with unread count": ("grandma_user", lambda w, s: "/"),
    "my bookings page": ("grandma_user", lambda w, s: "/bookings"),
    "a booking page": ("grandma_user", lambda w, s: f"/bookings/{s['booking']['id']}"),
}


@pytest.mark.parametrize("what", PAGES)
def test_pages_stay_within_budget(browser_for, world, scene, count_queries, what):
    who, path = PAGES[what]
    browser = browser_for(_person(world, who) if who else None)
    counter = _warm_then_count(count_queries, lambda: browser.get(path(world, scene)))
    _assert_budget(counter, READS, what)


def test_creating_a_booking_stays_within_budget(api, world, scene, count_queries):
    caller = api.as_(world.grandma_user)
    body = {
        "listing_id": world.listing.id,
        "date": (tomorrow() + timedelta(days=2)).isoformat(),
        "period": "morning",
        "description": "水龙头漏水，麻烦上门看看",
    }
    assert caller.post("/bookings", json=body).status_code == 201
    with count_queries() as counter:
        response = caller.post("/bookings", json=body)
    assert response.status_code == 201, response.json
    _assert_budget(counter, WRITES, "create a booking")


def test_accepting_a_booking_stays_within_budget(api, world, scene, book, count_queries):
    first, second = book(listing_id=world.listing.id), book(listing_id=world.listing.id)
    caller = api.as_(world.plumber.account_user)
    assert caller.post(f"/bookings/{first['id']}/accept", json={}).status_code == 200
    with count_queries() as counter:
        response = caller.post(f"/bookings/{second['id']}/accept", json={})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "accepted"
    _assert_budget(counter, WRITES, "accept a booking")


def test_answers_built_without_a_second_read_are_what_a_read_gives(api, world, scene, book):
    """Creating and accepting answer from what they wrote (no re-read): the same booking, the
    same timeline and actions as reading it back."""
    caller = api.as_(world.grandma_user)
    created = book(listing_id=world.listing.id)
    assert created == caller.get(f"/bookings/{created['id']}").json
    assert [e["action"] for e in created["events"]] == ["create"]
    volunteer = api.as_(world.plumber.account_user)
    accepted = volunteer.post(f"/bookings/{created['id']}/accept", json={})
    assert accepted.status_code == 200
    assert accepted.json == volunteer.get(f"/bookings/{created['id']}").json
    assert [e["action"] for e in accepted.json["events"]] == ["create", "accept"]
    assert accepted.json["status"] == "accepted"


@pytest.mark.parametrize(
    ("path", "schema_name", "read"),
    [
        ("/rankings/volunteers?period=year", "VolunteerRankingSchema", "volunteer_ranking"),
        ("/rankings/grids?period=year", "GridTableSchema", "grid_table"),
    ],
)
def test_lean_answers_are_what_their_schema_gives(api, app, world, scene, path, schema_name, read):
    """The rankings take the lean dump (api/plain_dump.py); marshmallow's own dump of the
    documented schema gives the same."""
    from happiness_fair.hours import rankings, schemas
    from happiness_fair.hours.rules import period_range
    from happiness_fair.places.clock import today

    response = api.as_(world.office).get(path)
    assert response.status_code == 200
    assert response.json["items"], "the scene has verified hours"
    with app.test_request_context():
        first, last = period_range("year", today())
        items = getattr(rankings, read)(world.community.id, first, last)
        schema = getattr(schemas, schema_name)()
        expected = ma.Schema.dump(schema, {"from_": first, "to": last, "items": items})
    assert response.json == expected


# --- an action button costs no query (issue 18) ------------------------------------------------
# The buttons are asked of rules over what the page has read once (the booking, the Viewer):
# the same page with its buttons and with none, or with one job or five, sends as many statements.


def _statements(count_queries, browser, path) -> int:
    return _warm_then_count(count_queries, lambda: browser.get(path)).count


def _buttons(browser, path, href_part) -> int:
    return browser.get(path).get_data(as_text=True).count(href_part)


@pytest.mark.parametrize(
    ("who", "state", "href_part"),
    [
        ("grandma_user", "accepted", "/bookings/{id}/"),
        ("grandma_user", "completed", "/bookings/{id}/"),
        ("grid_worker", "accepted", "/grid/bookings/{id}/"),
        ("grid_worker", "in_progress", "/grid/bookings/{id}/"),
    ],
)
def test_a_booking_pages_action_buttons_cost_no_query(
    browser_for, world, book, advance, count_queries, monkeypatch, who, state, href_part
):
    from happiness_fair.bookings import staff_moves
    from happiness_fair.bookings import views as booking_views

    booking = book(listing_id=world.listing.id)
    advance(booking["id"], state)
    browser = browser_for(_person(world, who))
    path, href = f"/bookings/{booking['id']}", href_part.format(id=booking["id"])
    shown = _buttons(browser, path, href)
    assert shown >= 1, "the page offers moves"
    with_buttons = _statements(count_queries, browser, path)

    monkeypatch.setattr(booking_views, "RESIDENT_MOVES", {})
    monkeypatch.setattr(staff_moves, "STAFF_MOVES", {})
    monkeypatch.setattr(staff_moves, "FOR_THE_VOLUNTEER", {})
    assert _buttons(browser, path, href) < shown
    assert _statements(count_queries, browser, path) == with_buttons


def test_a_jobs_action_buttons_cost_no_query(browser_for, world, book, count_queries, monkeypatch):
    from happiness_fair.bookings import job_views

    booking = book(listing_id=world.listing.id)
    browser = browser_for(world.plumber.account_user)
    path = f"/jobs/{booking['id']}"
    assert _buttons(browser, path, f"/jobs/{booking['id']}/") >= 1
    with_buttons = _statements(count_queries, browser, path)
    monkeypatch.setattr(job_views, "JOB_MOVES", {})
    assert _buttons(browser, path, f"/jobs/{booking['id']}/") == 0
    assert _statements(count_queries, browser, path) == with_buttons


@pytest.mark.parametrize("path", ["/jobs", "/jobs/mine"])
def test_the_job_boards_statements_do_not_grow_with_its_jobs(
    browser_for, world, book, advance, count_queries, path
):
    """One job or five, each with its button: as many statements."""
    browser = browser_for(world.plumber.account_user)

    def add_job():
        job = book(listing_id=world.listing.id)
        if path == "/jobs/mine":
            advance(job["id"], "accepted")

    add_job()
    assert _buttons(browser, path, 'href="/jobs/') >= 1
    one = _statements(count_queries, browser, path)
    for _ in range(4):
        add_job()
    assert browser.get(path).get_data(as_text=True).count("card") >= 5
    assert _statements(count_queries, browser, path) == one


def test_my_bookings_statements_do_not_grow_with_the_bookings(
    browser_for, world, book, advance, count_queries
):
    browser = browser_for(world.grandma_user)
    advance(book(listing_id=world.listing.id)["id"], "accepted")
    one = _statements(count_queries, browser, "/bookings")
    for state in ("accepted", "completed", "confirmed"):
        advance(book(listing_id=world.listing.id)["id"], state)
    book()
    assert _statements(count_queries, browser, "/bookings") == one


STAFF_LISTS = {
    "the office's bookings": ("office", "/bookings"),
    "the grid worker's bookings": ("grid_worker", "/bookings"),
    "residents": ("office", "/residents"),
    "volunteers": ("office", "/volunteers"),
    "the grid's board": ("office", "/board"),
    "follow-up calls": ("grid_worker", "/follow-ups"),
}


def test_staff_lists_cost_the_same_statements_for_a_few_rows_or_many(
    api, make, world, book, advance, count_queries
):
    """The office's and a grid worker's daily lists ask the database the same number of times
    however many rows they show: nothing is read again for each row (a resident's managers, a
    volunteer's teams, a booking's volunteer)."""
    office = api.as_(world.office)
    made = iter(range(1000))

    def grow() -> None:
        for _ in range(4):
            n = next(made)
            make.resident(world.grid, name=f"居民{n}")
            volunteer = make.volunteer([world.grid], name=f"师傅{n}")
            team = office.post(
                "/teams", json={"name": f"服务队{n}", "leader_volunteer_id": volunteer.id}
            )
            assert team.status_code == 201, team.json
            booking = book()["id"]
            advance(booking, "completed")
        accepted = book()["id"]
        advance(accepted, "accepted")

    def counts() -> dict[str, int]:
        found = {}
        for what, (who, path) in STAFF_LISTS.items():
            caller = api.as_(_person(world, who))
            call = functools.partial(caller.get, path)
            found[what] = _warm_then_count(count_queries, call).count
        return found

    grow()
    few = counts()
    for _ in range(3):
        grow()
    assert counts() == few, few


@pytest.mark.parametrize("path", ["/bookings", "/jobs", "/bookings?status=accepted"])
def test_a_volunteers_lists_read_who_he_is_with_the_sign_in(api, world, scene, count_queries, path):
    """His standing, skills, grids and residents ride in the sign-in's statement: the sign-in
    and the page's own statement, nothing else (there was a third, for his volunteer record)."""
    caller = api.as_(world.plumber.account_user)
    counter = _warm_then_count(count_queries, lambda: caller.get(path))
    reads = [s for s in counter.statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    _assert_budget(counter, 2, f"{path}, volunteer")
    assert len(reads) == 2


def test_a_volunteers_new_skill_counts_within_the_request_that_adds_it(app, world, book):
    """Who he is to the bookings is read again once his skills change in the transaction: the
    barber becomes a candidate for an open plumbing request as soon as plumbing is his."""
    from happiness_fair.accounts.models import User
    from happiness_fair.bookings import access
    from happiness_fair.bookings.models import Booking
    from happiness_fair.bookings.rules import Relation
    from happiness_fair.catalogue.models import Category, Volunteer
    from happiness_fair.extensions import db

    request = book()  # an open plumbing request in his grid
    with app.test_request_context():
        user = db.session.get(User, world.barber.account_user.id)
        booking = db.session.get(Booking, request["id"])
        before = access.viewer_of(user)
        assert Relation.candidate not in access.relations(before, booking)
        volunteer = db.session.get(Volunteer, before.volunteer.id)
        volunteer.categories.append(db.session.get(Category, booking.category_id))
        db.session.flush()
        after = access.viewer_of(user)
        assert booking.category_id in after.volunteer.category_ids
        assert after.volunteer.grid_ids == before.volunteer.grid_ids
        assert Relation.candidate in access.relations(after, booking)
        db.session.rollback()
