"""The public catalogue: filters, text search, paging, order, and a constant number of queries."""

from types import SimpleNamespace

import pytest

from happiness_fair.catalogue.models import Volunteer, VolunteerStatus


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.json
    return [item["title"] for item in response.json["items"]]


@pytest.fixture
def town(make):
    """Two grids of one community with a few volunteers, and a second community."""
    community = make.community()
    grid1, grid2 = make.grid(community), make.grid(community)
    shen = make.volunteer([grid1, grid2], name="沈林益", categories=("plumbing", "locks"))
    wang = make.volunteer([grid2], name="王师傅", categories=("haircut", "knives"))
    elsewhere = make.volunteer(name="钱师傅", categories=("plumbing",))
    return SimpleNamespace(
        community=community,
        grid1=grid1,
        grid2=grid2,
        shen=shen,
        wang=wang,
        elsewhere=elsewhere,
        tap=make.listing(shen, title="修水龙头、换水管", description="上门维修"),
        lock=make.listing(shen, category="locks", title="配钥匙", fair=True, home=False),
        hair=make.listing(wang, category="haircut", title="老人理发", fee_fen=0, fair=True),
        far=make.listing(elsewhere, title="水管疏通"),
    )


def test_the_catalogue_is_written_as_marshmallow_would_write_it(api, make, in_app, town, both_ways):
    """Its lean dump (api/plain_dump.py), for a stranger (沈**), the volunteer himself and his
    office (his full name), with a rating and stars, says exactly what marshmallow's would."""
    with in_app() as session:
        shen, wang = session.get(Volunteer, town.shen.id), session.get(Volunteer, town.wang.id)
        shen.rating_sum, shen.rating_count, shen.verified_minutes = 9, 2, 100 * 60
        wang.rating_sum, wang.rating_count = 10, 2
        session.commit()
    url = f"/listings?community_id={town.community.id}"
    assert api.get(url).status_code == 200
    assert api.as_(town.shen.account_user).get(url).status_code == 200
    assert api.as_(make.office(town.community)).get(url).status_code == 200
    shown = [dumped for dumped, _ in both_ways if "star_level" in dumped]  # the volunteers
    assert {"沈**", "沈林益", "王**", "王师傅"} <= {volunteer["name"] for volunteer in shown}
    assert any(volunteer["star_level"] > 0 for volunteer in shown)
    assert {4.5, 5.0} <= {volunteer["rating"] for volunteer in shown}
    assert any("volunteer" in dumped for dumped, _ in both_ways)  # the listings themselves
    for mine, theirs in both_ways:
        assert mine == theirs


def test_the_catalogue_shows_active_listings_of_approved_volunteers_only(api, make, town):
    make.listing(town.shen, title="已下架", active=False)
    for status in ("pending", "refused", "suspended"):
        grid = make.grid(SimpleNamespace(id=town.community.id))
        hidden = make.volunteer([grid], status=VolunteerStatus(status))
        make.listing(hidden, title=f"{status}的服务")
    titles = _titles(api.get(f"/listings?community_id={town.community.id}"))
    assert sorted(titles) == sorted(["修水龙头、换水管", "配钥匙", "老人理发"])


def test_each_entry_shows_the_volunteer_masked_with_stars_rating_and_jobs(api, town):
    item = api.get(f"/listings?community_id={town.community.id}&q=水龙头").json["items"][0]
    assert item["volunteer"] == {
        "id": town.shen.id,
        "name": "沈**",
        "star_level": 0,
        "rating": None,
        "completed_count": 0,
    }
    assert item["fee_fen"] == 2000
    assert item["modes"] == ["home"]
    assert item["active"] is True


def test_chinese_text_is_found_by_substring(api, town):
    assert _titles(api.get("/listings?q=水龙头")) == ["修水龙头、换水管"]
    assert _titles(api.get("/listings?q=上门维修")) == ["修水龙头、换水管"]
    assert sorted(_titles(api.get("/listings?q=水管"))) == sorted(["修水龙头、换水管", "水管疏通"])


def test_latin_text_is_found_whatever_its_case(api, make, town):
    make.listing(town.shen, title="Fix WiFi router", category="plumbing")
    assert _titles(api.get("/listings?q=wifi")) == ["Fix WiFi router"]
    assert _titles(api.get("/listings?q=ROUTER")) == ["Fix WiFi router"]


@pytest.mark.parametrize("wildcard", ["%", "_", "100%", "\\"])
def test_search_wildcards_are_taken_literally(api, make, town, wildcard):
    make.listing(town.shen, title="保证100%修好")
    found = _titles(api.get("/listings", query_string={"q": wildcard}))
    assert found == (["保证100%修好"] if wildcard in "保证100%修好" else [])


def test_filter_by_category_code_or_id(api, make, town):
    assert _titles(api.get("/listings?category=haircut")) == ["老人理发"]
    locks_id = make.category("locks").id
    assert _titles(api.get(f"/listings?category={locks_id}")) == ["配钥匙"]
    unknown = api.get("/listings?category=teleportation")
    assert unknown.status_code == 422
    assert "category" in unknown.json["error"]["fields"]


def test_filter_by_mode(api, town):
    community = f"community_id={town.community.id}"
    assert sorted(_titles(api.get(f"/listings?{community}&mode=fair"))) == ["老人理发", "配钥匙"]
    assert sorted(_titles(api.get(f"/listings?{community}&mode=home"))) == sorted(
        ["修水龙头、换水管", "老人理发"]
    )
    assert api.get("/listings?mode=online").status_code == 422


def test_filter_by_the_grid_a_volunteer_serves(api, town):
    assert sorted(_titles(api.get(f"/listings?grid_id={town.grid1.id}"))) == sorted(
        ["修水龙头、换水管", "配钥匙"]
    )
    assert len(_titles(api.get(f"/listings?grid_id={town.grid2.id}"))) == 3


def test_filter_by_community(api, town):
    other = town.elsewhere.community_id
    assert _titles(api.get(f"/listings?community_id={other}")) == ["水管疏通"]
    assert len(_titles(api.get(f"/listings?community_id={town.community.id}"))) == 3


def test_anonymous_readers_see_every_community_by_default(api, town):
    assert len(_titles(api.get("/listings"))) == 4


def test_a_signed_in_resident_sees_her_own_community_by_default(api, make, town):
    resident = make.user(community=town.community)
    mine = _titles(api.as_(resident).get("/listings"))
    assert sorted(mine) == sorted(["修水龙头、换水管", "配钥匙", "老人理发"])
    other = town.elsewhere.community_id
    assert _titles(api.as_(resident).get(f"/listings?community_id={other}")) == ["水管疏通"]


def test_busiest_volunteers_come_first_then_oldest_listing(api, make, in_app, town):
    from happiness_fair.catalogue.models import Volunteer

    with in_app() as session:
        session.get(Volunteer, town.wang.id).completed_count = 7
        session.commit()
    titles = _titles(api.get(f"/listings?community_id={town.community.id}"))
    assert titles == ["老人理发", "修水龙头、换水管", "配钥匙"]
    item = api.get(f"/listings?community_id={town.community.id}").json["items"][0]
    assert item["volunteer"]["completed_count"] == 7


def test_the_catalogue_is_paged(api, make, town):
    for n in range(5):
        make.listing(town.shen, title=f"第{n}项服务")
    everything = api.get(f"/listings?community_id={town.community.id}&per_page=100").json
    assert everything["total"] == 8
    page2 = api.get(f"/listings?community_id={town.community.id}&page=2&per_page=3").json
    assert page2["page"] == 2
    assert page2["per_page"] == 3
    assert page2["total"] == 8
    assert [i["id"] for i in page2["items"]] == [i["id"] for i in everything["items"][3:6]]
    beyond = api.get(f"/listings?community_id={town.community.id}&page=9&per_page=3").json
    assert beyond["items"] == []
    assert beyond["total"] == 8
    default = api.get("/listings").json
    assert default["page"] == 1
    assert default["per_page"] == 20


@pytest.mark.parametrize(
    "query",
    [
        "per_page=101",
        "per_page=0",
        "page=0",
        "community_id=abc",
        "community_id=99999999999999999999",
        "grid_id=-1",
        "q=%00",
        "category=%00",
    ],
)
def test_bad_catalogue_queries_are_refused(api, query):
    response = api.get(f"/listings?{query}")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"


def test_the_catalogue_page_costs_the_same_queries_for_5_or_50_listings(api, make, count_queries):
    community = make.community()
    grids = [make.grid(community) for _ in range(3)]
    for v in range(6):
        volunteer = make.volunteer(grids[v % 3 : v % 3 + 1], categories=("plumbing", "knives"))
        for n in range(9):
            make.listing(volunteer, title=f"服务{v}-{n}", category=("plumbing", "knives")[n % 2])
    resident = make.user(community=community)
    counts = {}
    for caller in (api, api.as_(resident)):
        for per_page in (5, 50):
            with count_queries() as counter:
                response = caller.get(f"/listings?community_id={community.id}&per_page={per_page}")
            assert response.status_code == 200
            assert len(response.json["items"]) == per_page
            counts[(caller.token is None, per_page)] = counter.count
    assert counts[(True, 5)] == counts[(True, 50)]
    assert counts[(False, 5)] == counts[(False, 50)]
    assert counts[(True, 50)] <= 3


def test_categories_are_named_in_the_request_language(api):
    english = api.get("/categories").json["items"]
    chinese = api.get("/categories", headers={"Accept-Language": "zh-CN"}).json["items"]
    assert [c["code"] for c in english][:3] == ["plumbing", "appliance", "locks"]
    assert len(english) == 10
    assert english[0]["name"] == "Plumbing & electrics"
    assert chinese[0]["name"] == "水电维修"
    assert {c["code"]: c["id"] for c in english} == {c["code"]: c["id"] for c in chinese}


def test_in_the_catalogue_staff_and_the_volunteer_himself_see_full_names(api, make, town):
    staff = make.grid_worker(town.grid1)
    community = f"/listings?community_id={town.community.id}"

    def names(caller):
        return {item["volunteer"]["name"] for item in caller.get(community).json["items"]}

    assert names(api) == {"沈**", "王**"}
    assert names(api.as_(staff)) == {"沈林益", "王师傅"}
    assert names(api.as_(town.shen.account_user)) == {"沈林益", "王**"}
    assert names(api.as_(make.office(make.community()))) == {"沈**", "王**"}
