"""The office keeps its community's kinds of concern (add, rename in both languages, retire, use
again; never deleted) and its micro-grid helpers, by API and on pages without JavaScript."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.accounts.models import Role, User
from happiness_fair.audit import AuditEvent
from happiness_fair.concerns.models import MicroGridBuilding
from tests.factories import PASSWORD
from tests.web.conftest import text_of

from .test_concern_pages import _post, _signed_in

LIFTS = {"name_zh": "加装电梯", "name_en": "New lifts"}


def _codes(items) -> list[str]:
    return [c["code"] for c in items]


def test_the_office_adds_renames_retires_and_reactivates_a_kind_of_concern(town, api, in_app):
    office = town.as_("office")
    made = office.post("/concern-categories", json=LIFTS)
    assert made.status_code == 201, made.json
    code = made.json["code"]
    assert code.startswith("c") and made.json["active"] and made.json["concern_count"] == 0
    # Offered at once to her, and never to another community.
    assert code in _codes(town.as_("her").get("/concern-categories").json["items"])
    assert code not in _codes(town.as_("office_x").get("/concern-categories").json["items"])
    raised = town.as_("her").post("/concerns", json={"category": code, "description": "想装电梯"})
    assert raised.status_code == 201, raised.json
    assert raised.json["category_name"] == "New lifts"  # the test client asks in English

    renamed = office.patch(
        f"/concern-categories/{code}",
        json={"name_zh": "老楼加装电梯", "name_en": "Lifts for old blocks"},
    )
    assert renamed.status_code == 200 and renamed.json["concern_count"] == 1
    seen = town.as_("her").get(f"/concerns/{raised.json['id']}").json
    assert seen["category_name"] == "Lifts for old blocks"
    zh = town.as_("her").get("/concern-categories", headers={"Accept-Language": "zh-CN"})
    assert {"code": code, "name": "老楼加装电梯"}.items() <= zh.json["items"][-1].items()

    retired = office.patch(f"/concern-categories/{code}", json={"active": False})
    assert retired.status_code == 200 and retired.json["active"] is False
    # No longer offered, not accepted for a new concern; the old concern keeps its name.
    assert code not in _codes(town.as_("her").get("/concern-categories").json["items"])
    again = town.as_("her").post("/concerns", json={"category": code, "description": "再报一次"})
    assert again.status_code == 422 and "category" in again.json["error"]["fields"]
    seen = town.as_("her").get(f"/concerns/{raised.json['id']}").json
    assert seen["category"] == code and seen["category_name"] == "Lifts for old blocks"
    listed = {c["code"]: c for c in office.get("/concern-categories").json["items"]}
    assert listed[code]["active"] is False and listed[code]["concern_count"] == 1

    back = office.patch(f"/concern-categories/{code}", json={"active": True})
    assert back.status_code == 200
    assert code in _codes(town.as_("her").get("/concern-categories").json["items"])
    with in_app() as session:
        actions = session.execute(
            sa.select(AuditEvent.action).where(AuditEvent.subject_type == "concern_category")
        ).scalars()
        assert list(actions) == [
            "concern_category.create",
            "concern_category.update",
            "concern_category.retire",
            "concern_category.reactivate",
        ]


def test_kinds_of_concern_refuse_what_the_office_may_not_do(town, api):
    office = town.as_("office")
    assert office.post("/concern-categories", json={**LIFTS, "code": "lifts"}).status_code == 409
    same_name = office.post("/concern-categories", json={"name_zh": "电梯", "name_en": "Elevators"})
    assert same_name.status_code == 409 and "name_zh" in same_name.json["error"]["fields"]
    assert (
        office.post("/concern-categories", json={"name_zh": "", "name_en": "x"}).status_code == 422
    )
    assert office.post("/concern-categories", json={**LIFTS, "code": "Bad Code"}).status_code == 422
    assert office.patch("/concern-categories/no_such", json={"active": False}).status_code == 404
    assert town.as_("worker").patch("/concern-categories/lifts", json=LIFTS).status_code == 403
    assert town.as_("her").post("/concern-categories", json=LIFTS).status_code == 403
    assert api.post("/concern-categories", json=LIFTS).status_code == 401
    # Another community's office renames its own list only.
    assert town.as_("office_x").patch("/concern-categories/lifts", json=LIFTS).status_code == 200
    mine = {c["code"]: c for c in office.get("/concern-categories").json["items"]}
    assert mine["lifts"]["name_en"] == "Lifts"
    # The last kind in use is never retired.
    codes = _codes(office.get("/concern-categories").json["items"])
    for code in codes[:-1]:
        assert (
            office.patch(f"/concern-categories/{code}", json={"active": False}).status_code == 200
        )
    last = office.patch(f"/concern-categories/{codes[-1]}", json={"active": False})
    assert last.status_code == 409


def test_anyone_reads_a_named_community_s_kinds_and_without_one_the_defaults(town, api):
    town.as_("office").post("/concern-categories", json=LIFTS)
    theirs = api.get(f"/concern-categories?community_id={town.community.id}").json["items"]
    assert "New lifts" in [c["name"] for c in theirs]
    defaults = api.get("/concern-categories").json["items"]
    assert "New lifts" not in [c["name"] for c in defaults] and len(defaults) == 9
    assert all(c["concern_count"] is None for c in theirs + defaults)


def test_a_concern_without_a_report_back_is_valid_against_the_document(town, api):
    raised = town.as_("her").post(
        "/concerns", json={"category": "lifts", "description": "电梯坏了"}
    )
    assert raised.json["outcome"] is None
    document = api.get("/openapi.json").json
    outcome = document["components"]["schemas"]["Concern"]["properties"]["outcome"]
    assert outcome.get("nullable") is True and None in outcome["enum"]
    raising = document["paths"]["/api/v1/concerns"]["post"]
    assert "409" in raising["responses"] and "Idempotency-Key" in raising["description"]


def test_the_categories_page_works_without_javascript(app, town):
    office = _signed_in(app, town.people["office"])
    page = office.get("/office/concern-categories")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "房屋漏水和管道" in text and "House leaks and pipes" in text
    added = _post(
        office, "/office/concern-categories", {"name_zh": "加装电梯", "name_en": "New lifts"}
    )
    assert added.status_code == 303
    text = office.get("/office/concern-categories").get_data(as_text=True)
    assert "加装电梯" in text and "New lifts" in text
    empty = _post(office, "/office/concern-categories", {"name_zh": "", "name_en": "x"})
    assert empty.status_code == 422 and "aria-invalid" in empty.get_data(as_text=True)
    renamed = _post(
        office,
        "/office/concern-categories",
        {"code": "lifts", "name_zh": "电梯和楼梯", "name_en": "Lifts and stairs"},
    )
    assert renamed.status_code == 303
    clash = _post(
        office,
        "/office/concern-categories",
        {"code": "lifts", "name_zh": "其他", "name_en": "Lifts and stairs"},
    )
    assert clash.status_code == 409 and "aria-invalid" in clash.get_data(as_text=True)
    retired = _post(office, "/office/concern-categories", {"retire": "lifts"})
    assert retired.status_code == 303
    her = _signed_in(app, town.people["her"])
    form = her.get("/concerns/new").get_data(as_text=True)
    assert "电梯和楼梯" not in form and "加装电梯" in form
    assert her.get("/office/concern-categories").status_code == 403
    restored = _post(office, "/office/concern-categories", {"restore": "lifts"})
    assert restored.status_code == 303
    assert "电梯和楼梯" in her.get("/concerns/new").get_data(as_text=True)


def test_the_office_appoints_a_micro_grid_helper_on_a_page_and_ends_it(app, town, in_app):
    office = _signed_in(app, town.people["office"])
    page = office.get("/office/micro-grid").get_data(as_text=True)
    assert "微网格员周" in page  # appointed by the fixture, through the API
    neighbour = town.people["neighbour"]
    nobody = _post(
        office,
        "/office/micro-grid",
        {"phone": "13000000000", "building_ids": str(town.building.id)},
    )
    assert nobody.status_code == 422 and "aria-invalid" in nobody.get_data(as_text=True)
    no_building = _post(office, "/office/micro-grid", {"phone": neighbour.phone})
    assert no_building.status_code == 422
    appointed = _post(
        office,
        "/office/micro-grid",
        {
            "phone": neighbour.phone,
            "building_ids": [str(town.building.id), str(town.other_building.id)],
        },
    )
    assert appointed.status_code == 303, appointed.get_data(as_text=True)
    with in_app() as session:
        user = session.get(User, neighbour.id)
        assert user.has_role(Role.micro_grid_helper)
        served = session.execute(
            sa.select(MicroGridBuilding.building_id).where(MicroGridBuilding.user_id == user.id)
        ).scalars()
        assert sorted(served) == sorted([town.building.id, town.other_building.id])
    assert "邻居李" in office.get("/office/micro-grid").get_data(as_text=True)
    assert town.as_("neighbour").get("/me").json["building_ids"] == sorted(
        [town.building.id, town.other_building.id]
    )
    ended = _post(office, "/office/micro-grid", {"end": str(town.neighbour.id)})
    assert ended.status_code == 303
    with in_app() as session:
        assert not session.get(User, neighbour.id).has_role(Role.micro_grid_helper)
    her = _signed_in(app, town.people["her"])
    assert her.get("/office/micro-grid").status_code == 403
    worker = _signed_in(app, town.people["worker"])
    assert worker.get("/office/micro-grid").status_code == 403


def test_a_helper_s_buildings_are_in_his_export_and_go_with_his_account(town, in_app):
    helper = town.as_("helper")
    assert helper.get("/me/export").json["micro_grid_building_ids"] == [town.building.id]
    assert helper.delete("/me", json={"password": PASSWORD}).status_code == 204
    with in_app() as session:
        left = session.execute(
            sa.select(MicroGridBuilding).where(
                MicroGridBuilding.user_id == town.people["helper"].id
            )
        ).all()
        assert left == []


def test_the_audit_log_names_the_buildings_a_helper_was_given_and_had(app, town):
    office = town.as_("office")
    moved = office.put(
        f"/residents/{town.helper.id}/micro-grid", json={"building_ids": [town.other_building.id]}
    )
    assert moved.status_code == 200, moved.json
    ended = office.put(f"/residents/{town.helper.id}/micro-grid", json={"building_ids": []})
    assert ended.status_code == 200, ended.json
    log = _signed_in(app, town.people["office"])
    appointed = text_of(log.get("/office/audit?action=micro_grid.appoint"))
    first, second = town.building, town.other_building
    assert f"楼栋：{first.compound.name} 152幢" in appointed
    assert f"楼栋：{second.compound.name} 153幢" in appointed
    assert f"改前：{first.compound.name} 152幢" in appointed
    ended = text_of(log.get("/office/audit?action=micro_grid.end"))
    assert f"改前：{second.compound.name} 153幢" in ended
    # Ending what has already ended, or giving him the buildings he has, writes nothing.
    again = office.put(f"/residents/{town.helper.id}/micro-grid", json={"building_ids": []})
    assert again.status_code == 200, again.json
    assert text_of(log.get("/office/audit?action=micro_grid.end")).count("解除微网格员") == 1


def test_appointing_a_closed_record_on_the_page_says_to_reopen_it(app, town):
    closed = town.as_("worker_b").patch(
        f"/residents/{town.helper.id}", json={"active": False, "inactive_reason": "moved"}
    )
    assert closed.status_code == 200, closed.json
    office = _signed_in(app, town.people["office"])
    office.get("/office/micro-grid")
    refused = _post(
        office,
        "/office/micro-grid",
        {"phone": town.people["helper"].phone, "building_ids": str(town.building.id)},
    )
    assert refused.status_code == 409
    assert "这位居民的档案已关闭，请先恢复档案。" in refused.get_data(as_text=True)


def test_the_page_asking_to_close_a_helper_s_record_says_his_appointment_ends(app, town):
    worker = _signed_in(app, town.people["worker_b"])
    worker.get(f"/grid/residents/{town.helper.id}")
    asked = _post(worker, f"/grid/residents/{town.helper.id}/close", {"inactive_reason": "moved"})
    assert asked.status_code == 200
    assert f"微网格员任命随之解除：{town.building.compound.name} 152幢。" in text_of(asked)
    her_worker = _signed_in(app, town.people["worker"])
    her_worker.get(f"/grid/residents/{town.neighbour.id}")
    neighbour = _post(
        her_worker, f"/grid/residents/{town.neighbour.id}/close", {"inactive_reason": "moved"}
    )
    assert neighbour.status_code == 200
    assert "微网格员任命" not in text_of(neighbour)
