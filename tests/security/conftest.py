"""The bookings world (a community with 张奶奶, her son, a plumber…) for the privacy tests."""

import pytest

from happiness_fair.catalogue.categories import ensure_categories
from happiness_fair.extensions import db
from tests.bookings.conftest import act, advance, book, plumbing, world  # noqa: F401


@pytest.fixture(autouse=True)
def _categories_present(app):
    """Browser tests empty every table, the shared categories too: make sure they are there."""
    with app.app_context():
        ensure_categories()
        db.session.commit()
