"""Waiver rules as data per community: the office switches them; bookings keep the rules they
were made with (PRODUCT.md "Fees and the free-service rule")."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.accounts.models import Resident
from happiness_fair.audit import AuditEvent


def test_a_community_starts_with_free_labour_at_80_and_the_rest_switched_off(api, world):
    rules = api.as_(world.grandma_user).get("/waiver-rules").json["items"]
    assert rules == [
        {"code": "age_80", "active": True, "min_age": 80, "waive_materials": False},
        {"code": "dibao", "active": False, "min_age": None, "waive_materials": False},
        {"code": "disabled", "active": False, "min_age": None, "waive_materials": False},
        {"code": "living_alone", "active": False, "min_age": None, "waive_materials": False},
    ]
    assert api.get("/waiver-rules").status_code == 401


def test_the_office_switches_on_dibao_with_materials_and_new_bookings_follow(
    api, world, book, in_app
):
    with in_app() as session:
        session.get(Resident, world.neighbour.id).dibao = True
        session.commit()
    before = book(world.neighbour.account_user, listing_id=world.listing.id)
    assert before["quote"]["amount_due_fen"] == 2000

    changed = api.as_(world.office).patch(
        "/waiver-rules/dibao", json={"active": True, "waive_materials": True}
    )
    assert changed.status_code == 200, changed.json
    assert changed.json == {
        "code": "dibao",
        "active": True,
        "min_age": None,
        "waive_materials": True,
    }
    with in_app() as session:
        event = session.execute(
            sa.select(AuditEvent).where(AuditEvent.action == "waiver_rule_changed")
        ).scalar_one()
        assert (event.actor_id, event.detail["after"]["active"]) == (world.office.id, True)

    after = book(world.neighbour.account_user, listing_id=world.listing.id)
    assert (after["quote"]["amount_due_fen"], after["quote"]["waived_fen"]) == (0, 2000)
    # The booking made before the change keeps its rules.
    kept = api.as_(world.neighbour.account_user).get(f"/bookings/{before['id']}").json
    assert kept["quote"]["amount_due_fen"] == 2000
    # Another community is untouched.
    theirs = api.as_(world.stranger_office).get("/waiver-rules").json["items"]
    assert theirs[1]["active"] is False


def test_raising_the_age_threshold_does_not_rewrite_a_booking_already_made(api, world, book, act):
    made = book(listing_id=world.listing.id)
    assert made["quote"]["amount_due_fen"] == 0
    response = api.as_(world.office).patch("/waiver-rules/age_80", json={"min_age": 90})
    assert response.status_code == 200
    assert response.json["min_age"] == 90
    # Completed later: the kept rule (80) is applied again to the completion date.
    for action, body in (
        ("accept", {}),
        ("start", {}),
        ("complete", {"minutes": 30, "materials_fen": 0}),
    ):
        assert act(world.plumber.account_user, made["id"], action, **body).status_code == 200
    kept = api.as_(world.grandma_user).get(f"/bookings/{made['id']}").json
    assert kept["quote"]["amount_due_fen"] == 0
    assert book(listing_id=world.listing.id)["quote"]["amount_due_fen"] == 2000


def test_only_the_office_changes_rules_and_bad_changes_are_refused(api, world):
    assert (
        api.as_(world.grid_worker).patch("/waiver-rules/dibao", json={"active": True}).status_code
        == 403
    )
    assert (
        api.as_(world.grandma_user).patch("/waiver-rules/dibao", json={"active": True}).status_code
        == 403
    )
    office = api.as_(world.office)
    assert office.patch("/waiver-rules/rich", json={"active": True}).status_code == 404
    assert office.patch("/waiver-rules/dibao", json={"min_age": 70}).status_code == 422
    assert office.patch("/waiver-rules/age_80", json={"min_age": -1}).status_code == 422
    assert office.patch("/waiver-rules/age_80", json={"active": "yes"}).status_code == 422
    assert office.patch("/waiver-rules/age_80", json={"colour": "red"}).status_code == 422
    assert api.as_(world.grandma_user).get("/waiver-rules").json["items"][0]["active"] is True


def test_an_age_of_zero_is_kept_not_mistaken_for_no_change(api, world):
    answer = api.as_(world.office).patch("/waiver-rules/age_80", json={"min_age": 0})
    assert (answer.status_code, answer.json["min_age"]) == (200, 0)
    kept = api.as_(world.office).patch("/waiver-rules/age_80", json={"active": True})
    assert kept.json["min_age"] == 0
