"""Family members and managers, and the profile page."""

from __future__ import annotations

import sqlalchemy as sa

from happiness_fair.accounts.models import ManagerInvitation, Resident, ResidentManager
from happiness_fair.places.models import Community

from .conftest import text_of


def test_a_daughter_adds_her_mother_at_her_own_address(browser_for, world, in_app):
    browser = browser_for(world.neighbour.account_user)
    assert "还没有" in text_of(browser.get("/family"))
    response = browser.post(
        "/family/members", {"name": "王秀英", "relation": "母亲", "birth_date": "1944-03-02"}
    )
    assert response.status_code == 303
    page = text_of(browser.get("/family"))
    assert "已添加王秀英" in page
    assert "王秀英" in page and "年龄未核实" in page
    with in_app() as session:
        mother = session.execute(sa.select(Resident).where(Resident.name == "王秀英")).scalar_one()
        assert mother.building_id == world.neighbour.building_id
    assert f"/book?for={mother.id}" in browser.get("/family").get_data(as_text=True)


def test_a_bad_member_form_keeps_the_input_and_says_what_is_wrong(browser_for, world, in_app):
    browser = browser_for(world.neighbour.account_user)
    response = browser.post(
        "/family/members", {"name": "王秀英", "relation": "母亲", "birth_date": "1800-01-01"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="王秀英"' in html and 'value="母亲"' in html
    assert "请填写真实的出生日期" in html or "出生日期" in text_of(response)
    with in_app() as session:
        assert (
            session.execute(
                sa.select(Resident).where(Resident.name == "王秀英")
            ).scalar_one_or_none()
            is None
        )


def test_member_form_needs_csrf(browser_for, world):
    browser = browser_for(world.neighbour.account_user)
    assert browser.post("/family/members", {"name": "王秀英"}, csrf=False).status_code == 403


def test_grandmother_lets_her_daughter_book_for_her_then_stops_it(browser_for, world, make, in_app):
    daughter = make.user(community=world.community)
    browser = browser_for(world.grandma_user)
    unknown = browser.post("/family/managers", {"phone": "13012345678"})
    assert unknown.status_code == 303  # the same answer whether or not the number has an account
    added = browser.post("/family/managers", {"phone": daughter.phone})
    assert added.status_code == 303
    invited = browser_for(daughter)
    with in_app() as session:
        invitation = session.execute(
            sa.select(ManagerInvitation.id).where(ManagerInvitation.phone == daughter.phone)
        ).scalar_one()
    assert invited.post(f"/family/invitations/{invitation}/accept").status_code == 303
    page = text_of(browser.get("/family"))
    assert daughter.name in page
    # One tap asks once more; nothing has changed until she says yes.
    asked = browser.get(f"/family/managers/{daughter.id}/remove")
    assert asked.status_code == 200 and f"不再让{daughter.name}为我预约？" in text_of(asked)
    with in_app() as session:
        assert session.get(ResidentManager, (world.grandma.id, daughter.id)) is not None
    assert browser.get(f"/family/managers/{world.grandma_user.id}/remove").status_code == 404
    removed = browser.post(f"/family/managers/{daughter.id}/remove")
    assert removed.status_code == 303
    with in_app() as session:
        rows = session.execute(
            sa.select(ResidentManager).where(ResidentManager.user_id == daughter.id)
        ).all()
        assert rows == []


def test_the_profile_shows_her_details_and_a_wrong_old_password_is_refused(browser_for, world):
    browser = browser_for(world.grandma_user)
    page = text_of(browser.get("/profile"))
    assert world.grandma_user.phone in page and "年龄核实 ✔ 是" in page
    refused = browser.post(
        "/account/password",
        {"current_password": "not-my-pass", "new_password": "a-new-pass-2024"},
    )
    assert refused.status_code == 422
    assert "a-new-pass-2024" not in refused.get_data(as_text=True)


def test_changing_the_password_keeps_this_phone_signed_in(browser_for, world, app):
    from tests.factories import PASSWORD

    browser = browser_for(world.grandma_user)
    other_phone = browser_for(world.grandma_user)
    changed = browser.post(
        "/account/password", {"current_password": PASSWORD, "new_password": "a-new-pass-2024"}
    )
    assert changed.status_code == 200
    assert "密码已修改" in text_of(changed)
    assert "我的账号" in text_of(browser.get("/profile"))
    assert other_phone.get("/profile").status_code == 303  # signed out there


def test_she_moves_house_and_a_bad_address_keeps_what_she_typed(browser_for, world, make, in_app):
    new_building = make.building(world.other_grid, name="152幢")
    browser = browser_for(world.grandma_user)
    assert "我搬家了" in text_of(browser.get("/profile"))
    refused = browser.post(
        "/profile/address", {"building_id": str(new_building.id), "unit": "2", "room": ""}
    )
    assert refused.status_code == 422
    assert 'value="2"' in refused.get_data(as_text=True)
    moved = browser.post(
        "/profile/address", {"building_id": str(new_building.id), "unit": "2", "room": "301"}
    )
    assert moved.status_code == 303
    assert "152幢2单元301室" in text_of(browser.get("/profile"))
    with in_app() as session:
        assert session.get(Resident, world.grandma.id).building_id == new_building.id


def test_stopping_booking_for_a_relative_is_asked_once_more(browser_for, make, in_app):
    mother = make.resident(account=False, name="李建国")
    son = make.manager(mother)
    browser = browser_for(son)
    family = browser.get("/family").get_data(as_text=True)
    assert f'href="/family/members/{mother.id}/leave"' in family  # a link to the question
    asked = browser.get(f"/family/members/{mother.id}/leave")
    assert asked.status_code == 200 and "不再帮李建国预约？" in text_of(asked)
    with in_app() as session:
        assert session.get(ResidentManager, (mother.id, son.id)) is not None
    assert browser.get(f"/family/members/{mother.id + 1000}/leave").status_code == 404
    office = browser_for(make.office(Community(id=mother.community_id)))
    assert office.get(f"/family/members/{mother.id}/leave").status_code == 404
    assert browser.post(f"/family/members/{mother.id}/leave").status_code == 303
    with in_app() as session:
        assert session.get(ResidentManager, (mother.id, son.id)) is None
