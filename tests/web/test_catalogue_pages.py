"""The catalogue on the phone: tiles on the home page, search (also as htmx), one service."""

from __future__ import annotations

from .conftest import text_of


def test_home_shows_a_tile_for_every_kind_of_service_and_a_search_box(browser_for, world):
    response = browser_for().get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("水电维修", "修锁配钥匙", "理发", "手机电脑"):
        assert name in html
    assert 'href="/services?category=plumbing"' in html
    assert 'role="search"' in html


def test_search_finds_chinese_text_inside_a_title_and_masks_the_volunteer(browser_for, world):
    page = text_of(browser_for().get("/services", query_string={"q": "水龙头"}))
    assert "修水龙头" in page
    assert "沈**" in page and "沈林益" not in page
    assert "工费 ¥20.00" in page
    assert "找到 1 项服务" in page


def test_a_category_tile_lists_only_that_kind(browser_for, world, make):
    make.listing(world.barber, category="haircut", title="上门理发")
    page = text_of(browser_for().get("/services?category=haircut"))
    assert "上门理发" in page and "修水龙头" not in page


def test_search_as_you_type_answers_only_the_results(browser_for, world):
    response = browser_for().get(
        "/services",
        query_string={"q": "水龙头"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="results"' in html
    assert "修水龙头" in html
    assert "HX-Request" in response.headers.get("Vary", "")


def test_nothing_found_offers_an_open_request(browser_for, world):
    page = text_of(browser_for(world.grandma_user).get("/services?q=修飞机"))
    assert "没有找到" in page
    assert "不指定师傅，请人帮忙" in page


def test_a_service_page_offers_booking_and_a_withdrawn_one_is_gone(browser_for, world, make):
    page = browser_for().get(f"/services/{world.listing.id}")
    assert page.status_code == 200
    assert f"/book?listing={world.listing.id}" in page.get_data(as_text=True)
    assert "80岁以上居民核实年龄后免工费" in text_of(page)
    withdrawn = make.listing(world.plumber, active=False)
    missing = browser_for().get(f"/services/{withdrawn.id}")
    assert missing.status_code == 410  # withdrawn: said kindly, with the way to the others
    assert "这项服务已不再提供" in text_of(missing)
    assert "跳到正文" in missing.get_data(as_text=True)  # the error page has the site's shell
    never = browser_for().get("/services/999999")
    assert never.status_code == 404


def test_english_readers_see_english_names_and_money(browser_for, world):
    browser = browser_for()
    browser.get("/")
    browser.post("/language", {"lang": "en"})
    page = text_of(browser.get("/services?q=水龙头"))
    assert "Labour fee ¥20.00" in page and "Services found: 1" in page
    assert "Plumbing & electrics" in text_of(browser.get("/"))
