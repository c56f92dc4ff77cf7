"""The working-day calendar knows China's holidays from a maintained package (chinese-calendar):
a covered year is pre-filled and the office only corrects; a year not yet published uses the
office's own entries and says so; the 10-working-day rule uses it."""

from __future__ import annotations

from datetime import date

from happiness_fair.office import calendar
from tests.web.conftest import Browser, text_of


def test_a_published_year_is_pre_filled(app, world):
    with app.app_context():
        assert 2026 in calendar.published_years()
        holidays, makeup = calendar.holidays_and_makeup(
            world.community.id, date(2026, 9, 1), date(2026, 10, 31)
        )
    assert date(2026, 10, 1) in holidays and date(2026, 10, 2) in holidays
    assert date(2026, 10, 3) not in holidays  # a Saturday is already a day off
    assert date(2026, 10, 10) in makeup and date(2026, 9, 20) in makeup


def test_the_office_corrects_a_year_and_its_list_wins(app, world):
    with app.app_context():
        from happiness_fair.accounts.models import User
        from happiness_fair.extensions import db

        office = db.session.get(User, world.office.id)
        calendar.set_year(office, 2026, [{"day": date(2026, 11, 2), "kind": "holiday", "name": ""}])
        db.session.commit()
        holidays, _makeup = calendar.holidays_and_makeup(
            world.community.id, date(2026, 1, 1), date(2026, 12, 31)
        )
        assert holidays == {date(2026, 11, 2)}
        assert calendar.year_source(world.community.id, 2026) == "office"


def test_a_year_not_yet_published_is_marked(app, world):
    far = max(calendar.published_years()) + 1
    with app.app_context():
        assert calendar.published_days(far) is None
        assert calendar.year_source(world.community.id, far) == "not_published"
    page = Browser(app).sign_in(world.office).get(f"/office/calendar?year={far}")
    assert "尚未公布" in text_of(page)
    published = Browser(app).sign_in(world.office).get("/office/calendar?year=2026")
    assert "国庆节" in published.get_data(as_text=True)
    assert "休息日" in text_of(published)
