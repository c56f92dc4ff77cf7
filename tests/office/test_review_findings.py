"""Review findings on the office's and volunteers' pages: the audit log reads in words (both
languages) and closing a resident's record is its own entry; the certificate request sits near
the top of 我的时长."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from happiness_fair.audit import AuditEvent
from happiness_fair.places.clock import today
from tests.web.conftest import Browser, text_of


def _cancelled_fair_day(api, world) -> None:
    day = api.as_(world.office).post(
        "/fair-days",
        json={"date": (today() + timedelta(days=3)).isoformat(), "starts_at": "09:00",
              "ends_at": "11:30", "venue": "虹桥东村广场", "grid_id": world.grid.id,
              "slot_minutes": 30},
    ).json  # fmt: skip
    cancelled = api.as_(world.office).post(
        f"/fair-days/{day['id']}/cancel", json={"reason": "大雨，改期"}
    )
    assert cancelled.status_code == 200, cancelled.json


def test_the_audit_log_reads_in_words_in_chinese_and_in_english(app, api, world):
    _cancelled_fair_day(api, world)
    chinese_api = api.as_(world.office).get(
        "/audit-events?action=fair_day.cancel", headers={"Accept-Language": "zh-CN"}
    )
    [event] = chinese_api.json["items"]
    assert event["action"] == "fair_day.cancel"  # the stable code stays for clients
    assert event["action_name"] == "取消事集日"
    office = Browser(app).sign_in(world.office)
    chinese = text_of(office.get("/office/audit"))
    assert "取消事集日" in chinese and "fair_day.cancel" not in chinese
    office.client.set_cookie("lang", "en")
    english = text_of(office.get("/office/audit"))
    assert "Fair day cancelled" in english and "fair_day.cancel" not in english
    english_api = api.as_(world.office).get(
        "/audit-events?action=fair_day.cancel", headers={"Accept-Language": "en"}
    )
    assert english_api.json["items"][0]["action_name"] == "Fair day cancelled"


def test_closing_a_record_is_logged_as_closing_not_as_flags(app, api, world, in_app):
    staff = api.as_(world.grid_worker)
    flags = staff.patch(f"/residents/{world.neighbour.id}", json={"flags": ["living_alone"]})
    assert flags.status_code == 200, flags.json
    closed = staff.patch(
        f"/residents/{world.neighbour.id}", json={"active": False, "inactive_reason": "moved"}
    )
    assert closed.status_code == 200, closed.json
    with in_app() as session:
        events = session.execute(
            sa.select(AuditEvent.action, AuditEvent.detail)
            .where(
                AuditEvent.subject_type == "resident", AuditEvent.subject_id == world.neighbour.id
            )
            .order_by(AuditEvent.id)
        ).all()
    assert [(a, d) for a, d in events] == [
        ("resident.flags", {"changed": ["flags"]}),
        ("resident.close", {"reason": "moved"}),
    ]
    page = text_of(Browser(app).sign_in(world.office).get("/office/audit"))
    assert "注销居民档案" in page and "修改居民标记" in page


def test_the_certificate_request_comes_before_his_records_on_my_hours(app, world):
    html = Browser(app).sign_in(world.plumber.account_user).get("/my-hours").get_data(as_text=True)
    assert html.index('id="certificates"') < html.index('id="records"')
    assert html.index("/my-hours/certificate-requests") < html.index('id="records"')


def test_a_cancelled_fair_day_offers_no_poster_and_no_attendance(app, api, world):
    _cancelled_fair_day(api, world)
    [day] = api.as_(world.office).get(f"/fair-days?community_id={world.community.id}").json["items"]
    page = Browser(app).sign_in(world.office).get(f"/fairs/{day['id']}")
    html = page.get_data(as_text=True)
    assert "A4" not in text_of(page)  # the poster hint (the words, not a CSRF token's letters)
    assert f"/fairs/{day['id']}/attendance" not in html
