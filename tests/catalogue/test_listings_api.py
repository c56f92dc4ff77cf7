"""Publishing, changing and withdrawing listings: only approved volunteers publish."""

from types import SimpleNamespace

import pytest

from happiness_fair.catalogue.models import VolunteerStatus


def _listing_body(make, **overrides):
    body = {
        "category_id": make.category("plumbing").id,
        "title": "修水龙头、换水管",
        "description": "自带工具，材料按实价",
        "fee_fen": 2000,
        "duration_minutes": 45,
        "modes": ["home"],
    }
    return body | overrides


def test_an_approved_volunteer_publishes_a_listing(api, make):
    volunteer = make.volunteer(name="沈林益")
    response = api.as_(volunteer.account_user).post("/listings", json=_listing_body(make))
    assert response.status_code == 201, response.json
    listing = response.json
    assert listing["title"] == "修水龙头、换水管"
    assert listing["fee_fen"] == 2000
    assert listing["duration_minutes"] == 45
    assert listing["modes"] == ["home"]
    assert listing["active"] is True
    assert listing["category_id"] == make.category("plumbing").id
    assert listing["volunteer"] == {
        "id": volunteer.id,
        "name": "沈林益",
        "star_level": 0,
        "rating": None,
        "completed_count": 0,
    }
    public = api.get(f"/listings/{listing['id']}").json
    assert public["volunteer"]["name"] == "沈**"
    assert public["title"] == "修水龙头、换水管"


def test_a_free_listing_offered_at_home_and_at_the_fair(api, make):
    volunteer = make.volunteer(categories=("haircut",))
    body = _listing_body(
        make, category_id=make.category("haircut").id, fee_fen=0, modes=["fair", "home"]
    )
    response = api.as_(volunteer.account_user).post("/listings", json=body)
    assert response.status_code == 201, response.json
    assert response.json["fee_fen"] == 0
    assert response.json["modes"] == ["home", "fair"]


@pytest.mark.parametrize("status", ["pending", "refused", "suspended"])
def test_a_volunteer_who_is_not_approved_cannot_publish(api, make, status):
    volunteer = make.volunteer(status=VolunteerStatus(status))
    response = api.as_(volunteer.account_user).post("/listings", json=_listing_body(make))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_someone_who_is_not_a_volunteer_cannot_publish(api, make):
    response = api.as_(make.user()).post("/listings", json=_listing_body(make))
    assert response.status_code == 403
    assert api.post("/listings", json=_listing_body(make)).status_code == 401


def test_a_listing_must_be_in_one_of_his_skills(api, make):
    volunteer = make.volunteer(categories=("plumbing",))
    body = _listing_body(make, category_id=make.category("haircut").id)
    response = api.as_(volunteer.account_user).post("/listings", json=body)
    assert response.status_code == 422
    assert "category_id" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fee_fen": -1}, "fee_fen"),
        ({"fee_fen": 100001}, "fee_fen"),
        ({"fee_fen": 12.5}, "fee_fen"),
        ({"duration_minutes": 4}, "duration_minutes"),
        ({"duration_minutes": 721}, "duration_minutes"),
        ({"modes": []}, "modes"),
        ({"modes": ["online"]}, "modes"),
        ({"title": "  "}, "title"),
        ({"title": "长" * 61}, "title"),
        ({"title": "修\x00水龙头"}, "title"),
        ({"category_id": 99999999999}, "category_id"),
        ({"price": 5}, "price"),
    ],
)
def test_a_listing_with_bad_fields_is_refused(api, make, change, field):
    volunteer = make.volunteer()
    body = _listing_body(make, **change)
    response = api.as_(volunteer.account_user).post("/listings", json=body)
    assert response.status_code == 422, response.json
    assert any(key.split(".")[0] == field for key in response.json["error"]["fields"])


def test_a_listing_fee_at_the_limits_is_accepted(api, make):
    volunteer = make.volunteer()
    for fee, minutes in ((0, 5), (100000, 720)):
        body = _listing_body(make, fee_fen=fee, duration_minutes=minutes)
        assert api.as_(volunteer.account_user).post("/listings", json=body).status_code == 201


def test_only_its_volunteer_changes_a_listing(api, make):
    grid = make.grid()
    listing = make.listing(make.volunteer([grid]), fee_fen=2000)
    path = f"/listings/{listing.id}"
    his_office = make.office(SimpleNamespace(id=grid.community_id))
    for someone in (his_office, make.office(make.community()), make.user()):
        assert api.as_(someone).patch(path, json={"fee_fen": 0}).status_code == 403
    assert api.patch(path, json={"fee_fen": 0}).status_code == 401
    assert api.get(path).json["fee_fen"] == 2000


def test_a_volunteer_changes_and_reopens_his_listing(api, make):
    volunteer = make.volunteer(categories=("plumbing", "locks"))
    listing = make.listing(volunteer, fee_fen=2000)
    me = api.as_(volunteer.account_user)
    changed = me.patch(
        f"/listings/{listing.id}",
        json={"fee_fen": 1500, "modes": ["home", "fair"], "category_id": make.category("locks").id},
    )
    assert changed.status_code == 200, changed.json
    assert changed.json["fee_fen"] == 1500
    assert changed.json["modes"] == ["home", "fair"]
    assert changed.json["category_id"] == make.category("locks").id
    outside = me.patch(f"/listings/{listing.id}", json={"category_id": make.category("digital").id})
    assert outside.status_code == 422
    assert me.delete(f"/listings/{listing.id}").status_code == 204
    assert me.patch(f"/listings/{listing.id}", json={"active": True}).json["active"] is True


def test_a_suspended_volunteer_cannot_change_his_listing(api, make):
    volunteer = make.volunteer(status=VolunteerStatus.suspended)
    listing = make.listing(volunteer)
    response = api.as_(volunteer.account_user).patch(
        f"/listings/{listing.id}", json={"title": "新标题"}
    )
    assert response.status_code == 403


def test_withdrawing_a_listing_keeps_it_for_its_volunteer_and_office(api, make):
    volunteer = make.volunteer()
    listing = make.listing(volunteer)
    community_office = make.office(make.community())
    path = f"/listings/{listing.id}"
    assert api.as_(make.user()).delete(path).status_code == 403
    assert api.as_(volunteer.account_user).delete(path).status_code == 204
    assert api.as_(volunteer.account_user).get(path).json["active"] is False
    assert api.get(path).status_code == 404
    assert api.as_(make.user()).get(path).status_code == 404
    assert api.as_(community_office).get(path).status_code == 404
    assert api.as_(volunteer.account_user).delete(path).status_code == 204


def test_the_office_can_withdraw_a_listing_of_its_community(api, make):
    grid = make.grid()
    listing = make.listing(make.volunteer([grid]))
    path = f"/listings/{listing.id}"
    his_office = make.office(SimpleNamespace(id=grid.community_id))
    assert api.as_(make.office(make.community())).delete(path).status_code == 403
    assert api.as_(his_office).delete(path).status_code == 204
    assert api.as_(his_office).get(path).json["active"] is False


def test_a_suspended_volunteers_listing_leaves_public_view(api, make):
    volunteer = make.volunteer(status=VolunteerStatus.suspended)
    listing = make.listing(volunteer)
    assert api.get(f"/listings/{listing.id}").status_code == 404
    assert api.as_(volunteer.account_user).get(f"/listings/{listing.id}").status_code == 200
    assert api.get("/listings/99999999999999").status_code == 404
