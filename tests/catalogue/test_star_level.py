"""A volunteer's service-hours star level: one rule (the catalogue's), the thresholds from the
environment, the same level on the pages as in the API, and labelled so it is not read as his
rating."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from happiness_fair.catalogue import stats
from happiness_fair.catalogue.models import Volunteer
from happiness_fair.config import ConfigError, load_config
from happiness_fair.extensions import db

BEIJING = (100, 200, 500, 800, 1000)


def test_the_thresholds_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("STAR_THRESHOLDS_HOURS", " 100, 200,500,800,1000 ")
    assert load_config(str(tmp_path))["STAR_THRESHOLDS_HOURS"] == BEIJING


def test_without_the_setting_the_national_thresholds_count(tmp_path, monkeypatch, app):
    monkeypatch.delenv("STAR_THRESHOLDS_HOURS", raising=False)
    assert load_config(str(tmp_path))["STAR_THRESHOLDS_HOURS"] is None
    with app.app_context():
        assert stats.star_thresholds() == (100, 300, 600, 1000, 1500)


@pytest.mark.parametrize("value", ["100,100,200", "0,100", "100;200", "a lot", "300,100"])
def test_muddled_thresholds_stop_the_start(tmp_path, monkeypatch, value):
    monkeypatch.setenv("STAR_THRESHOLDS_HOURS", value)
    with pytest.raises(ConfigError):
        load_config(str(tmp_path))


def _give_hours(app, volunteer, hours: int) -> None:
    with app.app_context():
        db.session.execute(
            sa.update(Volunteer)
            .where(Volunteer.id == volunteer.id)
            .values(verified_minutes=hours * 60)
        )
        db.session.commit()


def test_pages_and_api_show_the_same_configured_level_labelled_as_hours(
    app, api, make, monkeypatch
):
    monkeypatch.setitem(app.config, "STAR_THRESHOLDS_HOURS", BEIJING)
    volunteer = make.volunteer(name="沈林益")
    listing = make.listing(volunteer, title="修水龙头")
    _give_hours(app, volunteer, 250)  # two stars in Beijing, one by the national thresholds

    assert api.get(f"/volunteers/{volunteer.id}").json["star_level"] == 2
    assert api.get(f"/listings/{listing.id}").json["volunteer"]["star_level"] == 2
    client = app.test_client()
    for path in (f"/services/{listing.id}", "/services?q=修水龙头"):
        html = client.get(path).get_data(as_text=True)
        shown = re.search(r'class="hours-stars">(.*?)<span class="glyphs"[^>]*>(★*)</span>', html)
        assert shown, path
        assert shown.group(1).strip() == "服务时长星级"
        assert shown.group(2) == "★★"


def test_the_counters_the_catalogue_shows_are_kept_on_his_row(app, make):
    volunteer = make.volunteer()
    with app.app_context():
        stats.add_verified_minutes(volunteer.id, 90)
        stats.add_verified_minutes(volunteer.id, -30)
        stats.count_job_done(volunteer.id, 5)
        stats.count_job_done(volunteer.id, None)
        stats.count_job_done(volunteer.id, 4)
        row = db.session.get(Volunteer, volunteer.id)
        assert row.verified_minutes == 60
        assert row.completed_count == 3
        assert row.rating == 4.5
        db.session.rollback()
