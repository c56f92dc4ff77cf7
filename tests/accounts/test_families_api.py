"""Families: a son books for his mother; a resident chooses who manages her."""

from datetime import date


def test_household_member_lives_at_my_address_unless_another_is_given(api, make):
    me = make.resident(birth_date=date(1975, 1, 1))
    other_building = make.building(make.grid(make.community()))
    response = api.as_(me.account_user).post(
        "/me/household", json={"name": "老母亲", "birth_date": "1940-05-01", "relation": "母亲"}
    )
    assert response.status_code == 201
    mother = response.json
    assert mother["account"] is False
    assert mother["building_id"] == me.building_id
    assert mother["age_verified"] is False
    listed = api.as_(me.account_user).get("/me/household").json["items"]
    assert [m["id"] for m in listed] == [mother["id"]]
    elsewhere = api.as_(me.account_user).post(
        "/me/household",
        json={"name": "外地亲戚", "building_id": other_building.id, "unit": "1", "room": "1"},
    )
    assert elsewhere.status_code == 422, "a building of another community is refused"


def test_a_son_without_address_must_give_his_mothers_address(api, make):
    building = make.building()
    son = make.user(community=building.community_id)
    no_address = api.as_(son).post("/me/household", json={"name": "母亲"})
    assert no_address.status_code == 422
    assert "building_id" in no_address.json["error"]["fields"]
    ok = api.as_(son).post(
        "/me/household",
        json={"name": "母亲", "building_id": building.id, "unit": "3", "room": "402"},
    )
    assert ok.status_code == 201
    assert ok.json["grid_id"] == building.grid_id


def test_a_resident_adds_and_removes_a_manager_of_herself(api, make):
    grandma = make.resident(birth_date=date(1942, 2, 2))
    daughter = make.user(community=grandma.community_id)
    path = f"/residents/{grandma.id}/managers"
    assert api.as_(daughter).get(f"/residents/{grandma.id}").status_code == 404
    added = api.as_(grandma.account_user).post(path, json={"phone": daughter.phone})
    assert added.status_code == 202
    invitation = api.as_(daughter).get("/me/invitations").json["items"][0]["id"]
    assert api.as_(daughter).post(f"/invitations/{invitation}/accept").status_code == 200
    seen = api.as_(daughter).get(f"/residents/{grandma.id}")
    assert seen.status_code == 200
    assert seen.json["birth_date"] == "1942-02-02"
    assert (
        api.as_(grandma.account_user).post(path, json={"phone": daughter.phone}).status_code == 202
    )  # already her manager: the same answer, nothing sent
    # The daughter may see her mother but cannot add managers of her: only the person herself.
    other = make.user(community=grandma.community_id)
    assert api.as_(daughter).post(path, json={"phone": other.phone}).status_code == 403
    removed = api.as_(grandma.account_user).delete(f"{path}/{daughter.id}")
    assert removed.status_code == 204
    assert api.as_(daughter).get(f"/residents/{grandma.id}").status_code == 404


def test_siblings_can_share_one_mother(api, make):
    mother = make.resident(account=False)
    first, second = make.manager(mother), make.manager(mother)
    for sibling in (first, second):
        assert api.as_(sibling).get(f"/residents/{mother.id}").json["name"] == mother.name


def test_a_manager_renames_but_cannot_set_staff_only_flags(api, make):
    mother = make.resident(account=False)
    son = make.manager(mother)
    renamed = api.as_(son).patch(f"/residents/{mother.id}", json={"name": "王秀英"})
    assert renamed.status_code == 200 and renamed.json["name"] == "王秀英"
    flags = api.as_(son).patch(f"/residents/{mother.id}", json={"flags": ["dibao"]})
    assert flags.status_code == 403
    assert api.as_(son).get(f"/residents/{mother.id}").json["flags"] == []
