"""我的服务: a volunteer changes his skills and grids after applying."""

from __future__ import annotations

from .conftest import text_of


def test_a_volunteer_changes_his_skills_and_grids(browser_for, make, world, api):
    haircut = make.category("haircut")
    plumbing = make.category("plumbing")
    browser = browser_for(world.plumber.account_user)
    overview = browser.get("/volunteer")
    assert "/volunteer/skills" in overview.get_data(as_text=True)
    page = browser.get("/volunteer/skills")
    assert page.status_code == 200 and "我的技能和网格" in text_of(page)
    none = browser.post("/volunteer/skills", {"grid_ids": str(world.grid.id)})
    assert none.status_code == 422
    saved = browser.client.post(
        "/volunteer/skills",
        data={
            "csrf_token": browser.token,
            "category_ids": [str(plumbing.id), str(haircut.id)],
            "grid_ids": [str(world.grid.id), str(world.other_grid.id)],
        },
    )
    assert saved.status_code == 303
    # He is approved: what he added waits for the office (review B #3), the rest is his.
    me = api.as_(world.plumber.account_user).get("/me/volunteer").json
    assert set(me["category_ids"]) == {plumbing.id}
    assert set(me["pending_category_ids"]) == {haircut.id}
    assert set(me["grid_ids"]) == {world.grid.id}
    assert set(me["pending_grid_ids"]) == {world.other_grid.id}
    # 我的服务 shows what waits for the office, marked 待审核 (review finding f).
    shown = text_of(browser.get("/volunteer"))
    assert "理发 待审核" in shown
    assert f"{world.other_grid.name} 待审核" in shown
    approved = api.as_(world.office).post(f"/volunteers/{world.plumber.id}/approve", json={})
    assert approved.status_code == 200, approved.json
    assert set(approved.json["category_ids"]) == {plumbing.id, haircut.id}
    assert set(approved.json["grid_ids"]) == {world.grid.id, world.other_grid.id}
    # The office's audit log names what was approved, in words, and no empty reason.
    audit = text_of(browser_for(world.office).get("/office/audit"))
    entry = audit.split("批准新增技能或网格", 1)[1][:120]
    assert "技能：理发" in entry and f"网格：{world.other_grid.name}" in entry
    assert "category_ids" not in audit and "原因：" not in entry
    assert entry.startswith(f" (志愿者 {world.plumber.name})")  # by name, not his number


def test_a_volunteer_fills_in_his_record_and_sees_the_id_masked(browser_for, world, api):
    browser = browser_for(world.plumber.account_user)
    assert "/volunteer/record" in browser.get("/volunteer").get_data(as_text=True)
    browser.get("/volunteer/record")
    saved = browser.post(
        "/volunteer/record",
        {"gender": "male", "id_number": "320602195803151236", "area": "虹桥东村", "contact": ""},
    )
    assert saved.status_code == 303
    page = browser.get("/volunteer/record").get_data(as_text=True)
    assert "3206**********1236" in page and "320602195803151236" not in page
    kept = browser.post("/volunteer/record", {"gender": "male", "area": "虹桥东村"})
    assert kept.status_code == 303
    me = api.as_(world.plumber.account_user).get("/me/volunteer/record").json
    assert me["id_number"] == "3206**********1236"


def test_the_audit_log_names_a_volunteer_s_standing_in_words(browser_for, make, world, api):
    applicant = make.volunteer([world.grid], name="申请人", status="pending")
    approved = api.as_(world.office).post(f"/volunteers/{applicant.id}/approve", json={})
    assert approved.status_code == 200, approved.json
    audit = text_of(browser_for(world.office).get("/office/audit"))
    assert "原状态：等待社区办公室审核" in audit and "新状态：已通过" in audit
    assert "pending" not in audit and "approved" not in audit
