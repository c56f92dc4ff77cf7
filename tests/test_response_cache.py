"""Public anonymous API answers are kept whole in each worker under their ETag and served again
without running the view (issue 22) — but never once what they show has changed: a volunteer
who hides his name is 沈** at the next request (order 67 art. 16), a withdrawn listing is gone,
and a change made through another worker is seen too. Signed-in callers never get a stored
answer."""

# The bookings world's fixtures are imported here (as the conftest files do): F811 below.
# ruff: noqa: F811
from __future__ import annotations

import threading

import pytest

from happiness_fair import create_app
from happiness_fair.config import load_config
from happiness_fair.extensions import db
from happiness_fair.response_cache import ENTRY_OVERHEAD_BYTES, ResponseCache, StoredAnswer
from tests.bookings.conftest import World, act, advance, book, plumbing, shown, world  # noqa: F401
from tests.conftest import app_settings
from tests.factories import PASSWORD, tomorrow  # noqa: F401
from tests.helpers import ApiClient, csrf_token_of, sign_in_page


def _catalogue(world) -> str:
    return f"/api/v1/listings?community_id={world.community.id}"


def _names(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["volunteer"]["name"] for item in response.json["items"]]


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.json["items"]]


def test_an_answer_asked_again_is_served_without_running_the_view(client, shown, count_queries):
    for path in (
        _catalogue(shown),
        f"/api/v1/listings/{shown.listing.id}",
        f"/api/v1/honour-board?community_id={shown.community.id}&period=year",
    ):
        with count_queries() as first_count:
            first = client.get(path)
        assert first.status_code == 200, path
        with count_queries() as again_count:
            again = client.get(path)  # no If-None-Match: another phone, a first visit
        assert again.status_code == 200, path
        assert again.get_data() == first.get_data()
        assert again.headers["ETag"] == first.headers["ETag"]
        assert again.headers["Content-Type"] == first.headers["Content-Type"]
        assert again.headers["Cache-Control"] == "no-cache"
        assert "Accept-Language" in again.headers["Vary"]
        assert "Set-Cookie" not in again.headers
        assert first_count.count > 1, path
        assert again_count.count <= 1, (path, again_count.statements)  # the versions only


def test_a_volunteer_who_hides_his_name_disappears_from_the_stored_answers_at_once(
    client, api, shown
):
    listing_path = f"/api/v1/listings/{shown.listing.id}"
    for _ in range(2):  # the second is served from the cache
        assert "沈林益" in _names(client.get(_catalogue(shown)))
        assert client.get(listing_path).json["volunteer"]["name"] == "沈林益"

    response = api.as_(shown.plumber.account_user).patch(
        "/me/volunteer", json={"show_full_name": False}
    )
    assert response.status_code == 200

    names = _names(client.get(_catalogue(shown)))
    assert "沈林益" not in names
    assert "沈**" in names
    assert client.get(listing_path).json["volunteer"]["name"] == "沈**"


def test_a_withdrawn_listing_disappears_from_the_stored_answers_at_once(client, api, shown):
    listing_path = f"/api/v1/listings/{shown.listing.id}"
    for _ in range(2):
        assert "修水龙头" in _titles(client.get(_catalogue(shown)))
        assert client.get(listing_path).status_code == 200

    response = api.as_(shown.office).post(
        f"/listings/{shown.listing.id}/withdraw", json={"reason": "多次投诉"}
    )
    assert response.status_code == 200, response.json

    assert "修水龙头" not in _titles(client.get(_catalogue(shown)))
    assert client.get(listing_path).status_code == 404


def test_a_new_listing_shows_in_the_stored_catalogue_at_once(client, api, shown, plumbing):
    assert "换灯泡" not in _titles(client.get(_catalogue(shown)))
    assert "换灯泡" not in _titles(client.get(_catalogue(shown)))
    response = api.as_(shown.plumber.account_user).post(
        "/listings",
        json={
            "category_id": plumbing.id,
            "title": "换灯泡",
            "description": "家里灯泡坏了，上门更换",
            "fee_fen": 0,
            "duration_minutes": 30,
            "modes": ["home"],
        },
    )
    assert response.status_code == 201, response.json
    assert "换灯泡" in _titles(client.get(_catalogue(shown)))


def test_signed_in_callers_are_never_served_a_stored_answer(client, api, world):
    path = _catalogue(world)
    listing_path = f"/api/v1/listings/{world.listing.id}"
    for _ in range(2):  # the public's answer, stored: his name masked
        assert _names(client.get(path)) == ["沈**"]
        assert client.get(listing_path).json["volunteer"]["name"] == "沈**"

    office = api.as_(world.office)  # his community's office sees his full name
    answer = office.get(path)
    assert _names(answer) == ["沈林益"]
    assert "ETag" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"
    assert office.get(listing_path).json["volunteer"]["name"] == "沈林益"

    signed_in = client.application.test_client()  # he himself, signed in through the page
    assert sign_in_page(signed_in, world.plumber.account_user.phone, PASSWORD).status_code == 303
    by_cookie = signed_in.get(path)
    assert _names(by_cookie) == ["沈林益"]
    assert "ETag" not in by_cookie.headers

    # What they were shown was not kept for the public either.
    assert _names(client.get(path)) == ["沈**"]
    assert client.get(listing_path).json["volunteer"]["name"] == "沈**"


def test_a_withdrawn_listing_stays_visible_to_its_volunteer_after_the_public_was_served(
    client, api, world
):
    listing_path = f"/api/v1/listings/{world.listing.id}"
    volunteer = api.as_(world.plumber.account_user)
    assert volunteer.delete(f"/listings/{world.listing.id}").status_code == 204
    assert client.get(listing_path).status_code == 404
    assert client.get(listing_path).status_code == 404
    mine = volunteer.get(listing_path)
    assert mine.status_code == 200
    assert mine.json["active"] is False


def test_a_head_request_is_answered_from_the_cache_and_fills_it(client, shown, count_queries):
    path = _catalogue(shown)
    head = client.head(path)  # a miss: the view runs, its answer is stored
    assert head.status_code == 200
    assert head.get_data() == b""
    with count_queries() as counter:
        full = client.get(path)
    assert counter.count <= 1, counter.statements
    assert full.headers["ETag"] == head.headers["ETag"]
    assert int(head.headers["Content-Length"]) == len(full.get_data())
    assert "沈林益" in _names(full)
    with count_queries() as counter:
        again = client.head(path)
    assert counter.count <= 1
    assert again.status_code == 200
    assert again.get_data() == b""
    assert again.headers["Content-Length"] == head.headers["Content-Length"]


def test_a_waiting_message_is_never_answered_from_the_cache(client, shown, count_queries):
    path = _catalogue(shown)
    client.get(path)
    client.get(path)
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "已保存")]
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    assert "ETag" not in response.headers  # a stored answer carries one
    assert counter.count >= 1  # the catalogue was read
    assert "沈林益" in _names(response)


def test_pages_that_start_a_session_still_send_their_cookie(app, shown):
    path = f"/services/{shown.listing.id}"
    for _ in range(3):  # each a new visitor, no cookie yet
        response = app.test_client().get(path)
        assert response.status_code == 200
        assert "hf_session=" in response.headers.get("Set-Cookie", "")


def test_a_kept_page_carries_each_visitors_own_csrf_token(app, shown, count_queries):
    """A listing page is kept too, with each visitor's own token in its forms: one visitor's
    token is never shown to another, and the page's forms work for the one who got it."""
    path = f"/services/{shown.listing.id}"
    first_visitor, second_visitor = app.test_client(), app.test_client()
    first = first_visitor.get(path)
    with count_queries() as counter:
        second = second_visitor.get(path)
    assert second.status_code == 200
    assert counter.count <= 1, counter.statements  # the versions only: the page was kept
    pages = [first.get_data(as_text=True), second.get_data(as_text=True)]
    tokens = [csrf_token_of(page) for page in pages]
    assert tokens[0] != tokens[1]
    assert tokens[0] not in pages[1]
    assert pages[1].count(tokens[1]) == pages[0].count(tokens[0]) >= 3  # two forms and htmx
    assert pages[1].replace(tokens[1], "") == pages[0].replace(tokens[0], "")
    assert "hf_session=" in second.headers["Set-Cookie"]
    assert second.headers["ETag"] != first.headers["ETag"]  # each session's page its own
    with count_queries() as counter:
        again = second_visitor.get(path)  # the same visitor again: the same token
    assert counter.count <= 1, counter.statements
    # The same session's token (signed anew each second: the part before the first dot).
    assert csrf_token_of(again.get_data(as_text=True)).split(".")[0] == tokens[1].split(".")[0]
    # The kept page's form works for its visitor, and another's token does not.
    refused = second_visitor.post("/elder-mode", data={"csrf_token": tokens[0], "on": "1"})
    assert refused.status_code == 403
    switched = second_visitor.post("/elder-mode", data={"csrf_token": tokens[1], "on": "1"})
    assert switched.status_code == 303


def test_a_page_that_shows_its_token_another_way_is_not_kept(app):
    """Only the token as the forms carry it is blanked: a page that held it in any other form
    (the session's raw value, or signed differently) would hand it to the next visitor, so
    such a page is never kept."""
    from flask import session
    from flask_wtf.csrf import generate_csrf

    from happiness_fair.versions import _stored

    with app.test_request_context("/services/1"):
        token = generate_csrf()
        raw = session["csrf_token"]
        for body in (f"<i>{raw}</i>", f"<i>{token.split('.')[0]}.other.signature</i>"):
            page = app.response_class(f'<input value="{token}">{body}', mimetype="text/html")
            assert _stored(page, token) is None, body
        plain = app.response_class(f'<input value="{token}">', mimetype="text/html")
        kept = _stored(plain, token)
        assert kept is not None and token.encode() not in kept.body


def test_answers_differ_by_language_and_accept(client, shown):
    path = f"/api/v1/honour-board?community_id={shown.community.id}&period=year"
    english = client.get(path, headers={"Accept-Language": "en"})
    chinese = client.get(path, headers={"Accept-Language": "zh-CN"})
    assert english.headers["ETag"] != chinese.headers["ETag"]
    again = client.get(path, headers={"Accept-Language": "en"})
    assert again.headers["ETag"] == english.headers["ETag"]
    assert again.get_data() == english.get_data()


def test_a_cache_of_zero_bytes_serves_nothing(app, client, shown, count_queries, monkeypatch):
    monkeypatch.setitem(app.extensions, "response_cache", ResponseCache(0))
    path = _catalogue(shown)
    client.get(path)
    with count_queries() as counter:
        again = client.get(path)
    assert again.status_code == 200
    assert again.headers["Cache-Control"] == "no-cache"  # the ETag and the 304 still work
    assert counter.count > 1
    assert len(app.extensions["response_cache"]) == 0


def test_the_setting_switches_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("RESPONSE_CACHE_BYTES", "0")
    assert load_config(str(tmp_path), {"TESTING": True})["RESPONSE_CACHE_BYTES"] == 0
    monkeypatch.delenv("RESPONSE_CACHE_BYTES")
    assert load_config(str(tmp_path), {"TESTING": True})["RESPONSE_CACHE_BYTES"] > 0


# ---- two workers: two apps on one database, real commits ----------------------------------------


@pytest.fixture
def other_worker(database_url, committed):
    """A second app on the same database, as a second gunicorn worker is: its own memory."""
    app = create_app(app_settings(database_url))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_change_through_another_worker_is_seen_in_the_stored_answers(
    app, committed, other_worker
):
    make = committed
    community = make.community()
    grid = make.grid(community)
    plumber = make.volunteer([grid], name="沈林益")
    listing = make.listing(plumber, title="修水龙头")
    path = f"/api/v1/listings?community_id={community.id}"
    listing_path = f"/api/v1/listings/{listing.id}"
    here, there = app.test_client(), other_worker.test_client()
    in_other = ApiClient(other_worker).as_(plumber.account_user)

    assert in_other.patch("/me/volunteer", json={"show_full_name": True}).status_code == 200
    for worker in (here, there, here, there):  # each keeps its own answer
        assert _names(worker.get(path)) == ["沈林益"]
        assert worker.get(listing_path).json["volunteer"]["name"] == "沈林益"
    assert len(app.extensions["response_cache"]) >= 2

    assert in_other.patch("/me/volunteer", json={"show_full_name": False}).status_code == 200
    assert _names(here.get(path)) == ["沈**"]
    assert here.get(listing_path).json["volunteer"]["name"] == "沈**"

    assert in_other.delete(f"/listings/{listing.id}").status_code == 204
    assert _titles(here.get(path)) == []
    assert here.get(listing_path).status_code == 404


# ---- the cache itself ---------------------------------------------------------------------------


def _answer(size: int) -> StoredAnswer:
    return StoredAnswer(b"x" * (size - ENTRY_OVERHEAD_BYTES), ())


def test_the_cache_stays_within_its_bytes_dropping_the_least_recently_used():
    cache = ResponseCache(10_000)
    for key in range(5):
        cache.put(key, _answer(2_000))
    assert cache.bytes_used == 10_000
    assert cache.get(0) is not None  # used again: the oldest is now 1
    cache.put(5, _answer(2_000))
    assert cache.bytes_used <= 10_000
    assert cache.get(1) is None
    assert cache.get(0) is not None
    assert cache.get(5) is not None


def test_one_large_answer_is_not_stored():
    cache = ResponseCache(10_000)
    cache.put("small", _answer(1_000))
    cache.put("large", _answer(3_000))  # more than a quarter of the cache
    assert cache.get("large") is None
    assert cache.get("small") is not None


def test_the_cache_keeps_its_count_under_many_threads():
    cache = ResponseCache(50_000)
    start = threading.Barrier(8)

    def work(n: int) -> None:
        start.wait()
        for i in range(2_000):
            key = (n * 7 + i) % 97
            if cache.get(key) is None:
                cache.put(key, _answer(1_000 + key))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    kept = [cache.get(key) for key in range(97)]
    assert cache.bytes_used == sum(a.size for a in kept if a is not None)
    assert cache.bytes_used <= 50_000
