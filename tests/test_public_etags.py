"""Public anonymous answers (catalogue, listing pages, honour board) carry an ETag over what they
show, and answer 304 while nothing has changed (issue 22). A volunteer who switches his name
back to 沈** disappears at once (order 67 art. 16): the old ETag no longer matches."""

# The bookings world's fixtures are imported here (as the conftest files do): F811 below.
# ruff: noqa: F811
from __future__ import annotations

from tests.bookings.conftest import World, act, advance, book, plumbing, shown, world  # noqa: F401
from tests.factories import tomorrow  # noqa: F401


def _public_paths(world):
    return [
        f"/api/v1/listings?community_id={world.community.id}",
        f"/api/v1/listings/{world.listing.id}",
        f"/services/{world.listing.id}",
        f"/honour-board?community_id={world.community.id}&period=year",
        f"/api/v1/honour-board?community_id={world.community.id}&period=year",
    ]


def test_public_answers_carry_an_etag_and_answer_304_without_work(client, shown, count_queries):
    for path in _public_paths(shown):
        first = client.get(path)
        assert first.status_code == 200, path
        assert first.headers["Cache-Control"] == "no-cache"
        etag = first.headers["ETag"]
        with count_queries() as counter:
            again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304, path
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
        assert counter.count <= 1, (path, counter.statements)  # the versions, nothing else


def test_a_volunteer_who_hides_his_name_disappears_at_once(client, api, shown):
    path = f"/api/v1/listings?community_id={shown.community.id}"
    first = client.get(path)
    assert first.json["items"][0]["volunteer"]["name"] == "沈林益"
    listing_page = client.get(f"/services/{shown.listing.id}")
    assert "沈林益" in listing_page.get_data(as_text=True)

    response = api.as_(shown.plumber.account_user).patch(
        "/me/volunteer", json={"show_full_name": False}
    )
    assert response.status_code == 200

    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert again.json["items"][0]["volunteer"]["name"] == "沈**"
    page = client.get(
        f"/services/{shown.listing.id}", headers={"If-None-Match": listing_page.headers["ETag"]}
    )
    assert page.status_code == 200
    assert "沈林益" not in page.get_data(as_text=True)


def test_a_renamed_volunteer_shows_his_new_name_at_once(client, shown, in_app):
    from happiness_fair.accounts.models import User

    path = f"/api/v1/listings/{shown.listing.id}"
    first = client.get(path)
    with in_app() as session:
        session.get(User, shown.plumber.user_id).name = "沈林"
        session.commit()
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.json["volunteer"]["name"] == "沈林"


def test_the_etag_differs_by_language_and_elder_mode(client, shown):
    path = f"/services/{shown.listing.id}"
    chinese = client.get(path, headers={"Accept-Language": "zh-CN"})
    english = client.get(path, headers={"Accept-Language": "en"})
    assert chinese.headers["ETag"] != english.headers["ETag"]
    assert "Accept-Language" in chinese.headers["Vary"]
    stale = client.get(
        path, headers={"Accept-Language": "en", "If-None-Match": chinese.headers["ETag"]}
    )
    assert stale.status_code == 200
    client.set_cookie("elder", "1")
    elder = client.get(path, headers={"Accept-Language": "zh-CN"})
    assert elder.headers["ETag"] != chinese.headers["ETag"]
    assert (
        client.get(
            path, headers={"Accept-Language": "zh-CN", "If-None-Match": chinese.headers["ETag"]}
        ).status_code
        == 200
    )


def test_a_new_listing_changes_the_catalogue_etag(client, shown, make):
    path = f"/api/v1/listings?community_id={shown.community.id}"
    first = client.get(path)
    make.listing(shown.plumber, title="新开的服务")
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert "新开的服务" in [item["title"] for item in again.json["items"]]


def test_signed_in_callers_get_no_etag(api, shown):
    caller = api.as_(shown.grandma_user)
    response = caller.get(f"/listings?community_id={shown.community.id}")
    assert response.status_code == 200
    assert "ETag" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
