"""Concerns over the API: who sees what, the loop 提、交、落、回, me too, photos, the linked
booking, escalation and overdue, and what the raiser is told."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.audit import AuditEvent
from happiness_fair.concerns.models import Concern
from happiness_fair.database import utcnow
from happiness_fair.extensions import db
from happiness_fair.notifications.models import Notification
from happiness_fair.places.clock import today
from happiness_fair.scheduled import run_scheduled

from .conftest import png

LEAK = {"category": "leaks_pipes", "description": "楼上渗水，卫生间天花板在滴水"}


def raise_private(town):
    made = town.as_("her").post("/concerns", json=LEAK)
    assert made.status_code == 201, made.json
    return made.json


def raise_public(town, who="her"):
    made = town.as_(who).post(
        "/concerns",
        json={
            "category": "parking_charging",
            "description": "楼下充电桩充不进电",
            "building_id": town.building.id,
            "public_area": True,
            "private": False,
        },
    )
    assert made.status_code == 201, made.json
    return made.json


def test_a_private_concern_is_seen_only_by_her_people_and_her_grid_and_office(town):
    concern = raise_private(town)
    assert concern["status"] == "raised"
    assert concern["unit"] == town.her.unit and concern["room"] == town.her.room
    seen = {who: town.as_(who).get(f"/concerns/{concern['id']}").status_code for who in town.people}
    assert seen == {
        "her": 200,
        "manager": 200,
        "neighbour": 404,
        "far": 404,
        "vol_near": 404,  # a volunteer in her building: as a resident, a private flat is not his
        "vol_far": 404,
        "helper": 404,
        "worker": 200,
        "worker_b": 404,
        "office": 200,
        "office_x": 404,
    }
    listed = town.as_("neighbour").get("/concerns").json
    assert concern["id"] not in [c["id"] for c in listed["items"]]


def test_a_public_concern_is_seen_by_the_compound_without_her_name_or_flat(town):
    concern = raise_public(town)
    seen = {who: town.as_(who).get(f"/concerns/{concern['id']}").status_code for who in town.people}
    assert seen == {
        "her": 200,
        "manager": 200,
        "neighbour": 200,
        "far": 404,  # another compound
        "vol_near": 200,  # he lives in the compound: he sees what residents see
        "vol_far": 404,  # being a volunteer grants nothing
        "helper": 200,  # his building
        "worker": 200,
        "worker_b": 404,
        "office": 200,
        "office_x": 404,
    }
    as_neighbour = town.as_("neighbour").get(f"/concerns/{concern['id']}").json
    assert as_neighbour["raised_by"] is None and as_neighbour["resident_id"] is None
    assert as_neighbour["unit"] is None and as_neighbour["room"] is None
    assert as_neighbour["actions"] == ["me-too"]
    as_worker = town.as_("worker").get(f"/concerns/{concern['id']}").json
    assert as_worker["raised_by"] == town.people["her"].id
    assert "accept" in as_worker["actions"]
    public = town.as_("neighbour").get("/concerns?scope=public").json["items"]
    assert [c["id"] for c in public] == [concern["id"]]


def test_a_micro_grid_helper_raises_for_his_buildings_by_address_and_sees_what_he_raised(town):
    me = town.as_("helper").get("/me").json
    assert "micro_grid_helper" in me["roles"] and me["building_ids"] == [town.building.id]
    made = town.as_("helper").post(
        "/concerns",
        json={**LEAK, "building_id": town.building.id, "unit": "2", "room": "301"},
    )
    assert made.status_code == 201, made.json
    assert made.json["source"] == "micro_grid" and made.json["resident_id"] is None
    assert town.as_("helper").get(f"/concerns/{made.json['id']}").status_code == 200
    assert town.as_("neighbour").get(f"/concerns/{made.json['id']}").status_code == 404
    outside = town.as_("helper").post(
        "/concerns", json={**LEAK, "building_id": town.other_building.id, "unit": "1", "room": "1"}
    )
    assert outside.status_code == 422
    # He cannot raise on behalf of a resident by id (he cannot look residents up).
    behalf = town.as_("helper").post(
        "/concerns", json={**LEAK, "on_behalf_of_resident_id": town.her.id}
    )
    assert behalf.status_code == 422
    # Her private concern stays hers, even in his building.
    private = raise_private(town)
    assert town.as_("helper").get(f"/concerns/{private['id']}").status_code == 404


def test_closing_a_helper_s_record_ends_his_appointment_and_says_so_in_the_audit_log(town, in_app):
    closed = town.as_("worker_b").patch(
        f"/residents/{town.helper.id}", json={"active": False, "inactive_reason": "moved"}
    )
    assert closed.status_code == 200, closed.json
    me = town.as_("helper").get("/me").json
    assert "micro_grid_helper" not in me["roles"] and me["building_ids"] == []
    raised = town.as_("helper").post(
        "/concerns",
        json={**LEAK, "building_id": town.building.id, "unit": "2", "room": "301"},
    )
    assert raised.status_code == 422
    assert "record is closed" in raised.json["error"]["fields"]["building_id"][0]
    with in_app() as session:
        ended = session.execute(
            sa.select(AuditEvent).where(
                AuditEvent.action == "micro_grid.end", AuditEvent.subject_id == town.helper.id
            )
        ).scalar_one()
        assert ended.actor_id == town.people["worker_b"].id
        assert ended.detail["reason"] == "moved"
        assert ended.detail["before"] == [f"{town.building.compound.name} 152幢"]
    # A closed record is not appointed again; reopened, it can be.
    again = town.as_("office").put(
        f"/residents/{town.helper.id}/micro-grid", json={"building_ids": [town.building.id]}
    )
    assert again.status_code == 409, again.json
    assert town.as_("helper").get("/me").json["building_ids"] == []
    reopened = town.as_("worker_b").patch(f"/residents/{town.helper.id}", json={"active": True})
    assert reopened.status_code == 200, reopened.json
    assert town.as_("helper").get("/me").json["building_ids"] == []  # closing ended it for good
    appointed = town.as_("office").put(
        f"/residents/{town.helper.id}/micro-grid", json={"building_ids": [town.building.id]}
    )
    assert appointed.status_code == 200, appointed.json
    assert town.as_("helper").get("/me").json["building_ids"] == [town.building.id]


def test_the_whole_loop_raised_handed_over_done_reported_back_closed(town, in_app):
    concern = raise_private(town)
    cid = concern["id"]
    worker = town.as_("worker")
    assert town.as_("her").post(f"/concerns/{cid}/accept", json={}).status_code == 403
    assert worker.post(f"/concerns/{cid}/accept", json={}).status_code == 200
    assert worker.post(f"/concerns/{cid}/accept", json={}).status_code == 409
    past = worker.post(
        f"/concerns/{cid}/hand-over",
        json={"handler_id": town.handler_id, "due_on": (today() - timedelta(days=1)).isoformat()},
    )
    assert past.status_code == 422
    due = (today() + timedelta(days=3)).isoformat()
    handed = worker.post(
        f"/concerns/{cid}/hand-over", json={"handler_id": town.handler_id, "due_on": due}
    )
    assert handed.status_code == 200, handed.json
    assert handed.json["status"] == "handed_over" and handed.json["due_on"] == due
    assert handed.json["handler_name"] == "虹桥东村物业"
    answer = worker.post(f"/concerns/{cid}/handler-answer", json={"note": "物业明天上门查看"})
    assert answer.status_code == 200
    done = worker.post(f"/concerns/{cid}/done", json={"note": "更换了楼上的进水管"})
    assert done.json["status"] == "done" and done.json["done_by"] == "虹桥东村物业"
    reported = worker.post(f"/concerns/{cid}/report-back", json={"outcome": "satisfied"})
    assert reported.json["status"] == "reported_back" and reported.json["outcome"] == "satisfied"
    closed = worker.post(f"/concerns/{cid}/close", json={})
    assert closed.json["status"] == "closed" and closed.json["actions"] == []
    steps = [(e["action"], e["to_status"]) for e in closed.json["events"]]
    assert steps == [
        ("raise", "raised"),
        ("accept", "accepted"),
        ("hand_over", "handed_over"),
        ("handler_answer", "handed_over"),
        ("done", "done"),
        ("report_satisfied", "reported_back"),
        ("close", "closed"),
    ]
    assert all(e["actor_id"] == town.people["worker"].id for e in closed.json["events"][1:])
    told = town.as_("her").get("/notifications").json["items"]
    kinds = [n["kind"] for n in told]
    assert kinds == ["concern_done", "concern_handed_over", "concern_accepted"]
    assert all(n["concern_id"] == cid for n in told)
    assert "虹桥东村物业" in told[1]["text"]


def test_not_satisfied_reopens_it_and_unreachable_leaves_it_done(town):
    cid = raise_private(town)["id"]
    worker = town.as_("worker")
    worker.post(f"/concerns/{cid}/accept", json={})
    worker.post(f"/concerns/{cid}/in-hand", json={"note": "网格员自己协调"})
    worker.post(f"/concerns/{cid}/done", json={"note": "已协调楼上修好"})
    missed = worker.post(f"/concerns/{cid}/report-back", json={"outcome": "unreachable"})
    assert missed.json["status"] == "done"
    again = worker.post(
        f"/concerns/{cid}/report-back", json={"outcome": "not_satisfied", "note": "还在漏"}
    )
    assert again.json["status"] == "accepted"
    assert "accept" not in again.json["actions"] and "hand-over" in again.json["actions"]


def test_me_too_on_a_public_concern_once_per_neighbour(town):
    concern = raise_public(town)
    cid = concern["id"]
    first = town.as_("neighbour").post(f"/concerns/{cid}/me-too", json={})
    assert first.status_code == 200 and first.json["me_too_count"] == 1 and first.json["me_too"]
    again = town.as_("neighbour").post(f"/concerns/{cid}/me-too", json={})
    assert again.status_code == 200 and again.json["me_too_count"] == 1
    assert town.as_("helper").post(f"/concerns/{cid}/me-too", json={}).json["me_too_count"] == 2
    assert town.as_("worker").post(f"/concerns/{cid}/me-too", json={}).status_code == 403
    assert town.as_("far").post(f"/concerns/{cid}/me-too", json={}).status_code == 404
    private = raise_private(town)
    assert (
        town.as_("neighbour").post(f"/concerns/{private['id']}/me-too", json={}).status_code == 404
    )


def test_a_patrol_finding_with_photos_has_no_resident_and_cannot_become_a_booking(town):
    made = town.as_("worker").post(
        "/concerns",
        json={
            "category": "fire_gas",
            "description": "沿街饭店煤气罐存放超标",
            "building_id": town.building.id,
            "public_area": True,
            "private": False,
        },
    )
    assert made.status_code == 201, made.json
    cid = made.json["id"]
    assert made.json["source"] == "patrol" and made.json["resident_id"] is None
    for n in range(3):
        photo = town.as_("worker").post(
            f"/concerns/{cid}/photos",
            data={"photo": (io.BytesIO(png()), f"gas{n}.png")},
            content_type="multipart/form-data",
        )
        assert photo.status_code == 201, photo.json
    fourth = town.as_("worker").post(
        f"/concerns/{cid}/photos",
        data={"photo": (io.BytesIO(png()), "gas4.png")},
        content_type="multipart/form-data",
    )
    assert fourth.status_code == 409
    url = photo.json["url"]
    assert town.as_("neighbour").get(url).status_code == 200
    assert town.as_("far").get(url).status_code == 404
    refused = town.as_("neighbour").post(
        f"/concerns/{cid}/photos",
        data={"photo": (io.BytesIO(png()), "mine.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    town.as_("worker").post(f"/concerns/{cid}/accept", json={})
    booking = town.as_("worker").post(
        f"/concerns/{cid}/to-booking",
        json={
            "category_id": 1,
            "date": today().isoformat(),
            "period": "morning",
            "description": "x",
        },
    )
    assert booking.status_code == 409


def test_a_concern_turned_into_a_booking_is_done_when_the_booking_is_confirmed(town, make):
    cid = raise_private(town)["id"]
    worker = town.as_("worker")
    worker.post(f"/concerns/{cid}/accept", json={})
    listing = make.listing(town.vol_far, fee_fen=0)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    made = worker.post(
        f"/concerns/{cid}/to-booking",
        json={
            "listing_id": listing.id,
            "date": tomorrow,
            "period": "morning",
            "description": "卫生间水管漏水，请带工具",
        },
    )
    assert made.status_code == 200, made.json
    assert made.json["status"] == "in_hand"
    booking_id = made.json["booking_id"]
    booking = town.as_("her").get(f"/bookings/{booking_id}").json
    # The volunteers read what the grid worker wrote, not the private concern's own words.
    assert booking["concern_id"] == cid and booking["description"] == "卫生间水管漏水，请带工具"
    assert worker.post(f"/concerns/{cid}/done", json={"note": "x"}).status_code == 409
    vol = town.as_("vol_far")
    assert vol.post(f"/bookings/{booking_id}/accept", json={}).status_code == 200
    assert vol.post(f"/bookings/{booking_id}/start", json={}).status_code == 200
    vol.post(f"/bookings/{booking_id}/complete", json={"minutes": 40, "materials_fen": 0})
    assert town.as_("her").get(f"/concerns/{cid}").json["status"] == "in_hand"
    town.as_("her").post(f"/bookings/{booking_id}/confirm", json={"rating": 5})
    after = town.as_("her").get(f"/concerns/{cid}").json
    assert after["status"] == "done" and after["done_by"] == town.vol_far.name
    assert after["events"][-1]["action"] == "booking_done"
    assert after["events"][-1]["actor_id"] is None


def test_a_shared_place_concern_is_not_turned_into_a_booking_at_her_home(town):
    # Review C H5: a hallway problem made a free 80+ job at the raiser's flat, with her phone.
    cid = raise_public(town)["id"]
    worker = town.as_("worker")
    worker.post(f"/concerns/{cid}/accept", json={})
    assert "to-booking" not in worker.get(f"/concerns/{cid}").json["actions"]
    tomorrow = (today() + timedelta(days=1)).isoformat()
    refused = worker.post(
        f"/concerns/{cid}/to-booking",
        json={"category_id": 1, "date": tomorrow, "period": "morning", "description": "修灯"},
    )
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "conflict"
    assert worker.get(f"/concerns/{cid}").json["booking_id"] is None


def test_a_cancelled_booking_puts_the_concern_back_in_hand(town):
    cid = raise_private(town)["id"]
    worker = town.as_("worker")
    worker.post(f"/concerns/{cid}/accept", json={})
    tomorrow = (today() + timedelta(days=1)).isoformat()
    made = worker.post(
        f"/concerns/{cid}/to-booking",
        json={
            "category_id": town.vol_far.category_ids[0],
            "date": tomorrow,
            "period": "morning",
            "description": "修水管",
        },
    )
    assert made.status_code == 200, made.json
    again = worker.post(
        f"/concerns/{cid}/to-booking",
        json={
            "category_id": town.vol_far.category_ids[0],
            "date": tomorrow,
            "period": "morning",
            "description": "修水管",
        },
    )
    assert again.status_code == 409
    town.as_("her").post(f"/bookings/{made.json['booking_id']}/cancel", json={})
    after = worker.get(f"/concerns/{cid}").json
    assert after["status"] == "in_hand" and after["booking_id"] is None
    assert "to-booking" in after["actions"] and "done" in after["actions"]


def test_raised_and_not_accepted_in_24_hours_escalates_and_past_due_is_overdue(town, app):
    stale = raise_private(town)["id"]
    handed = raise_public(town)["id"]
    worker = town.as_("worker")
    worker.post(f"/concerns/{handed}/accept", json={})
    worker.post(
        f"/concerns/{handed}/hand-over",
        json={"handler_id": town.handler_id, "due_on": today().isoformat()},
    )
    later = utcnow() + timedelta(days=2)
    with app.app_context():
        first = run_scheduled(later)
        second = run_scheduled(later)
        assert (first["concerns_escalated"], first["concerns_overdue"]) == (1, 1)
        assert (second["concerns_escalated"], second["concerns_overdue"]) == (0, 0)
        told = db.session.execute(
            sa.select(Notification.user_id, Notification.kind, Notification.concern_id).where(
                Notification.kind.in_(["concern_escalated", "concern_overdue"])
            )
        ).all()
        assert sorted(told) == sorted(
            [
                (town.people["worker"].id, "concern_escalated", stale),
                (town.people["worker"].id, "concern_overdue", handed),
                (town.people["office"].id, "concern_overdue", handed),
            ]
        )
        assert db.session.get(Concern, stale).escalated is True
    # The overdue list and the board use today's date; move the due date into the past.
    with app.app_context():
        db.session.execute(
            sa.update(Concern)
            .where(Concern.id == handed)
            .values(due_on=today() - timedelta(days=1))
        )
        db.session.commit()
    overdue = town.as_("office").get("/concerns/overdue").json
    assert [c["id"] for c in overdue["items"]] == [handed] and overdue["items"][0]["overdue"]
    assert town.as_("worker").get("/concerns/overdue").status_code == 403
    board = worker.get("/concerns/board").json
    assert [c["id"] for c in board["overdue"]["items"]] == [handed]
    assert [c["id"] for c in board["new"]["items"]] == [stale]
    assert town.as_("her").get("/concerns/board").status_code == 403


def test_handlers_are_kept_by_the_office(town):
    assert (
        town.as_("worker")
        .post("/handlers", json={"name": "街道城管科", "kind": "street"})
        .status_code
        == 403
    )
    made = town.as_("office").post(
        "/handlers", json={"name": "街道城管科", "kind": "street", "contact_phone": "0513-1"}
    )
    assert made.status_code == 201
    assert (
        town.as_("office")
        .post("/handlers", json={"name": "街道城管科", "kind": "street"})
        .status_code
        == 409
    )
    retired = town.as_("office").patch(f"/handlers/{made.json['id']}", json={"active": False})
    assert retired.json["active"] is False
    names = [h["name"] for h in town.as_("worker").get("/handlers").json["items"]]
    assert names == ["虹桥东村物业"]
    assert town.as_("her").get("/handlers").status_code == 403
    assert (
        town.as_("office_x")
        .patch(f"/handlers/{made.json['id']}", json={"active": True})
        .status_code
        == 404
    )


def test_categories_are_data_in_both_languages(api):
    english = api.get("/concern-categories").json["items"]
    chinese = api.get("/concern-categories", headers={"Accept-Language": "zh-CN"}).json["items"]
    assert [c["code"] for c in english][:3] == ["leaks_pipes", "lifts", "parking_charging"]
    assert english[0]["name"] == "House leaks and pipes" and chinese[0]["name"] == "房屋漏水和管道"


def test_an_idempotent_retry_returns_the_first_concern(town):
    headers = {"Idempotency-Key": "leak-1"}
    first = town.as_("her").post("/concerns", json=LEAK, headers=headers)
    second = town.as_("her").post("/concerns", json=LEAK, headers=headers)
    assert first.json["id"] == second.json["id"]


def test_bad_places_are_refused_clearly(town):
    no_note = town.as_("her").post(
        "/concerns",
        json={
            **LEAK,
            "compound_id": town.building.compound_id,
            "public_area": True,
            "private": False,
        },
    )
    assert no_note.status_code == 422 and "location_note" in no_note.json["error"]["fields"]
    other_flat = town.as_("her").post(
        "/concerns", json={**LEAK, "building_id": town.other_building.id, "unit": "1", "room": "1"}
    )
    assert other_flat.status_code == 422
    unknown = town.as_("her").post("/concerns", json={**LEAK, "category": "nope"})
    assert unknown.status_code == 422
    public_private = town.as_("her").post(
        "/concerns", json={**LEAK, "public_area": True, "private": True}
    )
    assert public_private.status_code == 422
