"""The office works the grid desk of every grid of its community; hand-over lists only who may
receive the request and is searchable; the dashboard's period shows the period it is for."""

from __future__ import annotations

import re

from happiness_fair.hours import rules as hours_rules
from happiness_fair.places.clock import today

from .conftest import text_of


def test_the_office_has_the_grid_desk_in_its_navigation_and_works_it(browser_for, world, book):
    booking = book()["id"]
    browser = browser_for(world.office)
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/grid/"' in home and "网格工作台" in home
    board = browser.get("/grid/")
    assert board.status_code == 200
    assert f"/bookings/{booking}" in board.get_data(as_text=True)
    done = browser.post(
        f"/grid/bookings/{booking}/hand-over", {"volunteer_id": str(world.plumber.id)}
    )
    assert done.status_code == 303


def test_hand_over_lists_only_those_with_the_skill_and_finds_by_name(browser_for, world, book):
    booking = book()["id"]
    browser = browser_for(world.grid_worker)
    page = text_of(browser.get(f"/grid/bookings/{booking}/hand-over"))
    assert "沈林益" in page and "王师傅" in page and "远师傅" in page
    assert "剃头匠" not in page
    assert re.search(r"远师傅 \(服务别的网格\)|远师傅 （服务别的网格）", page)
    found = text_of(browser.get(f"/grid/bookings/{booking}/hand-over?q=王"))
    assert "王师傅" in found and "沈林益" not in found


def test_hand_over_outside_the_grid_asks_for_a_reason(browser_for, world, book):
    booking = book()["id"]
    browser = browser_for(world.grid_worker)
    browser.get(f"/grid/bookings/{booking}/hand-over")
    refused = browser.post(
        f"/grid/bookings/{booking}/hand-over", {"volunteer_id": str(world.far_plumber.id)}
    )
    assert refused.status_code == 422
    assert "他不服务这个网格" in text_of(refused)
    done = browser.post(
        f"/grid/bookings/{booking}/hand-over",
        {"volunteer_id": str(world.far_plumber.id), "reason": "本网格的师傅都没空"},
    )
    assert done.status_code == 303


def test_the_dashboard_period_selector_shows_the_period_of_the_figures(browser_for, world):
    browser = browser_for(world.office)
    html = browser.get("/office/").get_data(as_text=True)
    first, last = hours_rules.period_range("month", today())
    assert re.search(r'<option value="month" selected>', html)
    assert 'value="year" selected' not in html
    assert f"{first}" in html and f"{last}" in html
    year = browser.get("/office/?period=year").get_data(as_text=True)
    assert re.search(r'<option value="year" selected>', year)
    assert f"{today().year}-01-01" in year
    # As the form sends it, with its optional date boxes left empty.
    sent = browser.get("/office/?period=year&from=&to=").get_data(as_text=True)
    assert re.search(r'<option value="year" selected>', sent)
    assert f"{today().year}-01-01" in sent and "field-error" not in sent


def test_a_grid_worker_who_volunteers_is_left_off_the_hand_over_list_of_his_grid(
    browser_for, make, world, book
):
    make.volunteer([world.grid], user=world.grid_worker, name="网格员老周")
    worker_name = world.grid_worker.name
    booking = book()["id"]
    page = text_of(browser_for(world.office).get(f"/grid/bookings/{booking}/hand-over"))
    assert "沈林益" in page and worker_name not in page
