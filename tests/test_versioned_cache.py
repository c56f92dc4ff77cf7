"""What a worker keeps in memory (categories, waiver rules) is used only while its version in the
database is current (issue 22): a change is seen at once by the next request, in this process
or another, and a change that is rolled back leaves nothing behind."""

# The bookings world's fixtures are imported here (as the conftest files do): F811 below.
# ruff: noqa: F811
from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.catalogue import service as catalogue
from happiness_fair.catalogue.models import Category
from happiness_fair.waivers import service as waivers
from tests.bookings.conftest import World, act, advance, book, plumbing, world  # noqa: F401
from tests.factories import tomorrow  # noqa: F401


def _age_rule(community_id):
    return next(r for r in waivers.rules_in_force(community_id) if r.code == "age_80")


def test_a_changed_waiver_rule_is_used_at_once(api, world, in_app):
    with in_app():
        assert _age_rule(world.community.id).active  # now kept in memory
    response = api.as_(world.office).patch("/waiver-rules/age_80", json={"active": False})
    assert response.status_code == 200
    with in_app():
        assert not _age_rule(world.community.id).active


def test_a_category_renamed_by_another_worker_is_seen_at_once(api, in_app):
    before = api.get("/categories").json["items"][0]["name"]
    with in_app() as session:
        # Another process: a plain UPDATE through a session, committed.
        session.execute(
            sa.update(Category).where(Category.code == "plumbing").values(name_en="Pipes")
        )
        session.commit()
    after = api.get("/categories").json["items"][0]["name"]
    assert (before, after) == ("Plumbing & electrics", "Pipes")


def test_a_rolled_back_change_leaves_nothing_in_memory(database, in_app):
    with in_app() as session:
        assert catalogue.categories()[0].name_en == "Plumbing & electrics"
        session.execute(
            sa.update(Category).where(Category.code == "plumbing").values(name_en="Pipes")
        )
        # The changing transaction sees its own change, and does not keep it.
        assert catalogue.categories()[0].name_en == "Pipes"
        session.rollback()
        assert catalogue.categories()[0].name_en == "Plumbing & electrics"
