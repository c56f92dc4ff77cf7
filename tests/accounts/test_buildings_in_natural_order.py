"""Buildings are listed as people count them (review, low): 1幢, 2幢, 10幢 — not 1幢, 10幢, 2幢 —
in the API's list and the grid worker's address fields."""

from __future__ import annotations

from happiness_fair.accounts.models import Role
from happiness_fair.places.models import Building, Compound
from happiness_fair.places.service import natural_key


def test_natural_key_counts_numbers_by_value():
    names = ["10幢", "2幢", "1幢", "2幢甲", "小区B", "小区A"]
    assert sorted(names, key=natural_key) == ["1幢", "2幢", "2幢甲", "10幢", "小区A", "小区B"]


def test_the_buildings_list_is_in_natural_order(api, make, app):
    community = make.community()
    grid = make.grid(community)
    compound = make._save(Compound(community_id=community.id, name="虹桥新村"))
    for name in ("10幢", "1幢", "2幢", "152幢"):
        make._save(
            Building(community_id=community.id, compound_id=compound.id, grid_id=grid.id, name=name)
        )
    listed = api.get(f"/buildings?community_id={community.id}").json["items"]
    assert [b["name"] for b in listed] == ["1幢", "2幢", "10幢", "152幢"]
    worker = make.user(Role.grid_worker, grids=[grid])
    from happiness_fair.followups import desk

    with app.test_request_context():
        names = [b.name for b in desk.buildings_for(worker)]
    assert names == ["1幢", "2幢", "10幢", "152幢"]
