"""The demo catalogue that `flask seed-demo` loads (API.md "Demo accounts")."""

import sqlalchemy as sa

from happiness_fair.catalogue.models import Listing, Volunteer
from happiness_fair.demo import DEMO_PASSWORD, seed_demo


def test_the_demo_has_shen_linyi_the_plumber_and_his_neighbours(api, in_app):
    with in_app() as session:
        assert seed_demo() is True
        session.commit()
        assert seed_demo() is False  # a second run changes nothing
        session.commit()
        volunteers = session.execute(sa.select(Volunteer)).scalars().all()
        assert sum(v.status == "pending" for v in volunteers) == 1
        assert len({c.code for v in volunteers for c in v.categories}) >= 7
        assert session.execute(sa.select(sa.func.count(Listing.id))).scalar_one() >= 8

    token = api.post("/auth/tokens", json={"phone": "13900000003", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    me = api.get("/me", headers=headers).json
    assert "volunteer" in me["roles"]
    shen = me["volunteer"]
    assert shen["name"] == "沈林益"
    assert shen["status"] == "approved"
    assert shen["tags"] == ["在职党员"]
    assert len(shen["grid_ids"]) == 2

    found = api.get("/listings", query_string={"q": "水龙头"}).json["items"]
    assert [(item["title"], item["fee_fen"], item["modes"]) for item in found] == [
        ("修水龙头、换水管", 2000, ["home"])
    ]
    assert found[0]["volunteer"]["name"] == "沈**"

    hongxi = me["community_id"]
    catalogue = api.get(f"/listings?community_id={hongxi}&per_page=100").json["items"]
    assert any(item["fee_fen"] == 0 for item in catalogue)
    assert any("fair" in item["modes"] for item in catalogue)
    everywhere = api.get("/listings?per_page=100").json
    assert everywhere["total"] > len(catalogue)  # 濠北社区 has a volunteer too
