# ruff: noqa: E501  (the matrix reads best one operation a line)
"""The permission matrix, completed: every operation of the OpenAPI document against every
kind of caller. Allowed calls succeed; every other answer is 401, 403, 404 (or 409/422 where
only the state or the data forbids it) and changes nothing in the database.

The cast stands round one resident, 'her', in grid A of one community, with bookings in every
state; each (operation, role) call runs in a savepoint that is rolled back afterwards, so every
role meets the same world.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from PIL import Image

from happiness_fair.extensions import db, limiter
from happiness_fair.hours.models import HoursRecord
from happiness_fair.places.clock import today
from tests.factories import PASSWORD

ROLES = [
    "anon",
    "her",
    "manager",
    "other",
    "vol",
    "vol2",
    "worker",
    "worker_b",
    "office",
    "office_x",
]
#         A      H      M          O        V      V2      W         WB          F         FX

TOMORROW = "{tomorrow}"
ROWS: list[tuple[str, str, object, list[int]]] = [
    # --- accounts ---------------------------------------------------------------------------
    ("post", "/auth/register", {"phone": "13811112222", "password": "long-enough-1", "name": "新人", "community_id": "{community}"}, [201] * 10),
    ("post", "/auth/tokens", {"phone": "{her_phone}", "password": PASSWORD}, [201] * 10),
    ("delete", "/auth/tokens/current", None, [401] + [204] * 9),
    ("post", "/auth/reset", {"phone": "{her_phone}", "code": "00000000", "new_password": "long-enough-1"}, [401] * 10),
    ("get", "/me", None, [401] + [200] * 9),
    ("get", "/me/household", None, [401] + [200] * 9),
    ("post", "/me/password", {"current_password": PASSWORD, "new_password": "another-long-1"}, [401] + [204] * 9),
    ("get", "/me/export", None, [401] + [200] * 9),
    ("delete", "/me", {"password": PASSWORD}, [401] + [204] * 9),
    ("get", "/me/totp", None, [401] + [200] * 9),
    ("post", "/me/totp", None, [401, 403, 403, 403, 403, 403, 201, 201, 201, 201]),
    ("post", "/me/totp/confirm", {"otp": "123456"}, [401, 403, 403, 403, 403, 403, 409, 409, 409, 409]),
    ("post", "/me/totp/disable", {"password": PASSWORD}, [401] + [200] * 9),  # off already: nothing to do
    ("put", "/me/address", {"building_id": "{building}", "unit": "2", "room": "301"}, [401, 200, 200, 200, 200, 200, 200, 200, 200, 422]),
    ("post", "/me/household", {"name": "王秀英", "birth_date": "1944-03-02", "relation": "母亲"}, [401, 201, 422, 201, 422, 422, 422, 422, 422, 422]),
    ("post", "/residents/{her}/managers", {"phone": "{other_phone}"}, [401, 202, 403, 404, 404, 404, 403, 404, 403, 404]),
    ("post", "/residents/{her}/managers", {"phone": "13900009999"}, [401, 202, 403, 404, 404, 404, 403, 404, 403, 404]),
    ("get", "/residents/{her}/managers", None, [401, 200, 200, 404, 404, 404, 200, 404, 200, 404]),
    ("delete", "/residents/{her}/managers/{manager_user}", None, [401, 204, 204, 404, 404, 404, 403, 404, 403, 404]),
    ("get", "/me/invitations", None, [401] + [200] * 9),
    ("post", "/invitations/{invitation}/accept", None, [401, 404, 404, 200, 404, 404, 404, 404, 404, 404]),
    ("post", "/invitations/{invitation}/decline", None, [401, 404, 404, 200, 404, 404, 404, 404, 404, 404]),
    ("delete", "/invitations/{invitation}", None, [401, 204, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("post", "/residents", {"name": "新居民", "building_id": "{building}", "unit": "1", "room": "2"}, [401, 403, 403, 403, 403, 403, 201, 403, 201, 422]),
    ("get", "/residents?q=张", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/residents/{her}", None, [401, 200, 200, 404, 404, 404, 200, 404, 200, 404]),
    ("patch", "/residents/{her}", {"name": "张桂英"}, [401, 200, 200, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/residents/{her}/verify-age", {"birth_date": "1941-01-15"}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/residents/{her}/reset-code", None, [401, 403, 403, 404, 404, 404, 201, 404, 201, 404]),
    ("get", "/staff", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("post", "/staff/{worker_user}/totp/reset", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),  # off already: nothing to do
    # --- places and the catalogue -------------------------------------------------------------
    ("get", "/communities", None, [200] * 10),
    ("get", "/buildings?community_id={community}", None, [200] * 10),
    ("get", "/grids?community_id={community}", None, [200] * 10),
    ("get", "/categories", None, [200] * 10),
    ("post", "/me/volunteer", {"category_ids": ["{plumbing}"], "grid_ids": ["{grid_a}"]}, [401, 201, 201, 201, 409, 409, 201, 201, 201, 422]),
    ("get", "/me/volunteer", None, [401, 404, 404, 404, 200, 200, 404, 404, 404, 404]),
    ("patch", "/me/volunteer", {"show_full_name": True}, [401, 404, 404, 404, 200, 200, 404, 404, 404, 404]),
    ("get", "/volunteers", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/volunteers/{vol}", None, [200] * 10),
    ("patch", "/volunteers/{vol}", {"tags": ["在职党员"]}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("post", "/volunteers/{applicant}/approve", {}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("post", "/volunteers/{applicant}/refuse", {"reason": "资料不全"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("post", "/volunteers/{vol2}/suspend", {"reason": "投诉"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("get", "/listings?community_id={community}", None, [200] * 10),
    ("post", "/listings", {"category_id": "{plumbing}", "title": "换水龙头", "fee_fen": 1000, "duration_minutes": 30, "modes": ["home"]}, [401, 403, 403, 403, 201, 201, 403, 403, 403, 403]),
    ("get", "/listings/{listing}", None, [200] * 10),
    ("patch", "/listings/{listing}", {"title": "修水龙头、换阀门"}, [401, 403, 403, 403, 200, 403, 403, 403, 403, 403]),
    ("post", "/listings/{listing}/withdraw", {"reason": "投诉"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 403]),
    ("delete", "/listings/{listing}", None, [401, 403, 403, 403, 204, 403, 403, 403, 204, 403]),
    # --- bookings -----------------------------------------------------------------------------
    ("post", "/bookings", {"category_id": "{plumbing}", "beneficiary_id": "{her}", "date": TOMORROW, "period": "morning", "description": "水管漏水"}, [401, 201, 201, 422, 422, 422, 201, 422, 201, 422]),
    ("get", "/bookings", None, [401] + [200] * 9),
    ("get", "/jobs", None, [401, 403, 403, 403, 200, 200, 403, 403, 403, 403]),
    ("get", "/bookings/{b_named}", None, [401, 200, 200, 404, 200, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_open}/accept", {}, [401, 403, 403, 404, 200, 200, 409, 404, 409, 404]),
    ("post", "/bookings/{b_accepted}/decline", {}, [401, 403, 403, 404, 200, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_accepted}/start", {}, [401, 403, 403, 404, 200, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_started}/complete", {"minutes": 30, "materials_fen": 0}, [401, 403, 403, 404, 200, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_done}/confirm", {"rating": 5}, [401, 200, 200, 404, 403, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_done}/dispute", {"reason": "还在漏"}, [401, 200, 200, 404, 403, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_disputed}/resolve", {"outcome": "confirm", "note": "已修好"}, [401, 403, 403, 404, 403, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_named}/cancel", {}, [401, 200, 200, 404, 403, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_named}/reschedule", {"date": TOMORROW, "period": "evening"}, [401, 200, 200, 404, 403, 404, 200, 404, 200, 404]),
    ("patch", "/bookings/{b_accepted}", {"door_note": "敲门三下"}, [401, 200, 200, 404, 403, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_due}/no-show", {}, [401, 200, 200, 404, 403, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_open}/assign", {"volunteer_id": "{vol2}"}, [401, 403, 403, 404, 403, 403, 200, 404, 200, 404]),
    ("post", "/bookings/{b_done}/paid", {}, [401, 200, 200, 404, 200, 404, 200, 404, 200, 404]),
    ("post", "/bookings/{b_open}/photos", "PHOTO", [401, 201, 201, 404, 403, 403, 201, 404, 201, 404]),
    ("get", "/bookings/{b_open}/photos/{photo}", None, [401, 200, 200, 404, 200, 200, 200, 404, 200, 404]),
    # --- notifications ------------------------------------------------------------------------
    ("get", "/notifications", None, [401] + [200] * 9),
    ("post", "/notifications/{her_notification}/read", {}, [401, 200, 404, 404, 404, 404, 404, 404, 404, 404]),
    ("post", "/notifications/read-all", {}, [401] + [200] * 9),
    # --- hours and rankings -------------------------------------------------------------------
    ("get", "/hours", None, [401, 403, 403, 403, 200, 200, 200, 200, 200, 200]),
    ("post", "/hours", {"volunteer_id": "{vol}", "minutes": 60, "date": "{today}", "grid_id": "{grid_a}", "reason": "社区活动"}, [401, 403, 403, 403, 403, 403, 403, 403, 201, 422]),
    ("get", "/hours/person-in-charge", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("put", "/hours/person-in-charge", {"name": "周主任"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("get", "/hours/summary", None, [401, 403, 403, 403, 200, 200, 403, 403, 403, 403]),
    ("post", "/hours/{pending_record}/corrections", {"minutes": 60, "reason": "多换了一个阀门"}, [401, 404, 404, 404, 201, 404, 403, 404, 403, 404]),
    ("get", "/hours/corrections", None, [401, 403, 403, 403, 200, 200, 403, 403, 200, 200]),
    ("post", "/hours/corrections/{correction}/accept", {}, [401, 404, 404, 404, 404, 404, 403, 403, 200, 404]),
    ("post", "/hours/corrections/{correction}/reject", {"note": "不计路途时间"}, [401, 404, 404, 404, 404, 404, 403, 403, 200, 404]),
    ("get", "/rankings/volunteers?period=year", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/rankings/grids?period=year", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/rankings/teams?period=year", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/rankings/volunteers?period=year&team_id={team}", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 422]),
    # --- volunteer teams (志愿服务队): 'team' is led by vol, with vol2 a member ----------------------
    ("get", "/teams", None, [401] + [200] * 9),
    ("post", "/teams", {"name": "虹西理发服务队", "leader_volunteer_id": "{vol2}"}, [401, 403, 403, 403, 403, 403, 403, 403, 201, 422]),
    ("post", "/teams", {"name": "虹西修缮服务队", "leader_volunteer_id": "{vol2}"}, [401, 403, 403, 403, 403, 403, 403, 403, 409, 422]),
    ("post", "/teams", {"name": "虹西理发服务队", "leader_volunteer_id": "{applicant}"}, [401, 403, 403, 403, 403, 403, 403, 403, 422, 422]),
    ("patch", "/teams/{team}", {"name": "虹西便民服务队"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("patch", "/teams/{team}", {"leader_volunteer_id": "{applicant}"}, [401, 403, 403, 403, 403, 403, 403, 403, 422, 404]),
    ("post", "/teams/{team}/members", {"volunteer_id": "{vol2}"}, [401, 403, 403, 403, 409, 403, 403, 403, 409, 404]),
    ("post", "/teams/{team}/members", {"volunteer_id": "{applicant}"}, [401, 403, 403, 403, 422, 403, 403, 403, 422, 404]),
    ("delete", "/teams/{team}/members/{vol2}", None, [401, 403, 403, 403, 204, 204, 403, 403, 204, 404]),
    ("delete", "/teams/{team}/members/{vol}", None, [401, 403, 403, 403, 409, 403, 403, 403, 409, 404]),
    ("delete", "/teams/{team}/members/{applicant}", None, [401, 403, 403, 403, 404, 403, 403, 403, 404, 404]),
    ("get", "/honour-board?community_id={community}", None, [200] * 10),
    ("get", "/waiver-rules", None, [401] + [200] * 9),
    ("patch", "/waiver-rules/dibao", {"active": True}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    # --- grid workers -------------------------------------------------------------------------
    ("post", "/bookings/{b_done}/follow-up", {"outcome": "solved"}, [401, 403, 403, 404, 403, 404, 200, 404, 200, 404]),
    ("get", "/follow-ups", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/board", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    # --- fair days -----------------------------------------------------------------------------
    ("get", "/fair-days?community_id={community}", None, [200] * 10),
    ("post", "/fair-days", {"date": TOMORROW, "starts_at": "09:00", "ends_at": "11:30", "venue": "社区广场", "grid_id": "{grid_a}", "slot_minutes": 30}, [401, 403, 403, 403, 403, 403, 403, 403, 201, 422]),
    ("get", "/fair-days/{fair}", None, [200] * 10),
    ("post", "/fair-days/{fair}/stalls", {"listing_id": "{fair_listing2}", "capacity_per_slot": 3}, [401, 403, 403, 403, 403, 201, 403, 403, 403, 404]),
    ("get", "/fair-days/{fair}/slots", None, [200] * 10),
    ("post", "/fair-days/{fair}/stalls/{stall}/withdraw", {"reason": "病了"}, [401, 403, 403, 403, 200, 403, 403, 403, 200, 404]),
    ("post", "/fair-days/{fair}/cancel", {"reason": "大雨"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("post", "/fair-days/{fair}/walk-ins", {"stall_id": "{stall}", "name": "王阿姨"}, [401, 403, 403, 403, 201, 403, 403, 403, 201, 404]),
    ("get", "/fair-days/{fair}/walk-ins", None, [401, 403, 403, 403, 200, 200, 403, 403, 200, 404]),
    ("post", "/fair-days/{fair}/attendance", {"volunteer_ids": ["{vol}"]}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    # --- the office ---------------------------------------------------------------------------
    ("get", "/calendar", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("put", "/calendar/2027", {"items": [{"day": "2027-10-01", "kind": "holiday"}]}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("get", "/overdue-jobs", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("post", "/volunteers/{vol}/certificates", {}, [401, 403, 403, 403, 403, 403, 403, 403, 201, 404]),
    ("get", "/volunteers/{vol}/certificates", None, [401, 404, 404, 404, 200, 404, 404, 404, 200, 404]),
    ("get", "/me/volunteer/record", None, [401, 403, 403, 403, 200, 200, 403, 403, 403, 403]),
    ("patch", "/me/volunteer/record", {"area": "虹西社区"}, [401, 403, 403, 403, 200, 200, 403, 403, 403, 403]),
    ("get", "/volunteers/{vol}/record", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("post", "/me/certificate-requests", {"with_seal": True}, [401, 403, 403, 403, 201, 201, 403, 403, 403, 403]),
    ("get", "/me/certificate-requests", None, [401, 403, 403, 403, 200, 200, 403, 403, 403, 403]),
    ("get", "/me/certificates", None, [401, 403, 403, 403, 200, 200, 403, 403, 403, 403]),
    ("get", "/certificate-requests", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("post", "/certificate-requests/{cert_req}/issue", None, [401, 403, 403, 403, 403, 403, 403, 403, 201, 404]),
    ("post", "/certificate-requests/{cert_req}/refuse", {"reason": "日期不对"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("get", "/certificates?serial=2026-001-00001", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("get", "/audit-events", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("get", "/dashboard", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    # --- concerns (民情) -------------------------------------------------------------------------
    ("post", "/concerns", {"category": "leaks_pipes", "description": "楼道顶上渗水", "building_id": "{her_building}", "public_area": True, "private": False}, [401, 201, 422, 422, 422, 422, 201, 422, 201, 422]),
    ("get", "/concerns", None, [401] + [200] * 9),
    ("get", "/concerns/{c_private}", None, [401, 200, 200, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_private}/accept", {}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_accepted}/hand-over", {"handler_id": "{handler}", "due_on": TOMORROW}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_accepted}/in-hand", {}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_accepted}/to-booking", {"category_id": "{plumbing}", "date": TOMORROW, "period": "morning", "description": "修水管"}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_handed}/handler-answer", {"note": "物业明天上门"}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_handed}/done", {"note": "已修好"}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_done}/report-back", {"outcome": "satisfied"}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_done}/close", {}, [401, 403, 403, 404, 404, 404, 200, 404, 200, 404]),
    ("post", "/concerns/{c_public}/me-too", {}, [401, 200, 200, 404, 404, 404, 403, 404, 403, 404]),
    ("post", "/concerns/{c_public}/photos", "PHOTO", [401, 201, 201, 404, 404, 404, 201, 404, 201, 404]),
    ("get", "/concerns/{c_public}/photos/{concern_photo}", None, [401, 200, 200, 404, 404, 404, 200, 404, 200, 404]),
    ("get", "/concern-categories", None, [200] * 10),
    ("post", "/concern-categories", {"name_zh": "加装电梯", "name_en": "New lifts"}, [401, 403, 403, 403, 403, 403, 403, 403, 201, 201]),
    ("patch", "/concern-categories/lifts", {"name_en": "Lifts and stairs"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),  # office_x renames her own community's
    ("get", "/concerns/board", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/concerns/overdue", None, [401, 403, 403, 403, 403, 403, 403, 403, 200, 200]),
    ("get", "/concerns/summary", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("get", "/handlers", None, [401, 403, 403, 403, 403, 403, 200, 200, 200, 200]),
    ("post", "/handlers", {"name": "街道城管科", "kind": "street"}, [401, 403, 403, 403, 403, 403, 403, 403, 201, 201]),
    ("patch", "/handlers/{handler}", {"contact_name": "刘经理"}, [401, 403, 403, 403, 403, 403, 403, 403, 200, 404]),
    ("put", "/residents/{her}/micro-grid", {"building_ids": ["{her_building}"]}, [401, 403, 403, 404, 404, 404, 403, 404, 200, 404]),  # a volunteer never sees her record
]  # fmt: skip

UNTRACKED = {"auth_sessions"}  # every authenticated call touches its session's last use


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def cast(app, make, api, in_app):
    """One community round 'her', with bookings in every state, and the people of ROLES."""
    limiter.enabled = False
    community, elsewhere = make.community(), make.community()
    grid_a, grid_b = make.grid(community), make.grid(community)
    her = make.resident(grid_a, name="张奶奶", birth_date=date(1941, 1, 15), verified=True)
    people = {
        "anon": None,
        "her": her.account_user,
        "manager": make.manager(her),
        "other": make.resident(grid_a).account_user,
        "worker": make.grid_worker(grid_a),
        "worker_b": make.grid_worker(grid_b),
        "office": make.office(community),
        "office_x": make.office(elsewhere),
    }
    plumbing = make.category("plumbing")
    vol = make.volunteer([grid_a], name="沈林益")
    vol2 = make.volunteer([grid_a], name="王师傅")
    applicant = make.volunteer([grid_a], name="孙立新", status="pending")
    people["vol"], people["vol2"] = vol.account_user, vol2.account_user
    listing = make.listing(vol, fee_fen=2000)
    as_her = api.as_(people["her"])

    def booking(named=True, steps=(), day=None):
        day = day or today() + timedelta(days=1)
        body = {"date": day.isoformat(), "period": "morning",
                "description": "厨房水龙头漏水"}  # fmt: skip
        body.update({"listing_id": listing.id} if named else {"category_id": plumbing.id})
        made = as_her.post("/bookings", json=body)
        assert made.status_code == 201, made.json
        for who, action, payload in steps:
            moved = api.as_(who).post(f"/bookings/{made.json['id']}/{action}", json=payload)
            assert moved.status_code == 200, (action, moved.json)
        return made.json["id"]

    v = people["vol"]
    accept, start = (v, "accept", {}), (v, "start", {})
    # Her labour is free (aged 80, verified); materials are due, so "paid" has a purpose.
    complete = (v, "complete", {"minutes": 45, "materials_fen": 300})
    ids = {
        "b_open": booking(named=False),
        "b_named": booking(),
        "b_accepted": booking(steps=[accept]),
        "b_due": booking(steps=[accept], day=today()),  # a no-show is said on the day or after
        "b_started": booking(steps=[accept, start]),
        "b_done": booking(steps=[accept, start, complete]),
        "b_disputed": booking(
            steps=[accept, start, complete, (people["her"], "dispute", {"reason": "还在漏"})]
        ),
        "b_confirmed": booking(
            steps=[accept, start, complete, (people["her"], "confirm", {"rating": 5})]
        ),
    }
    photo = as_her.post(
        f"/bookings/{ids['b_open']}/photos",
        data={"photo": (io.BytesIO(_png()), "leak.png")},
        content_type="multipart/form-data",
    )
    assert photo.status_code == 201, photo.json
    with in_app() as session:
        records = {r.booking_id: r.id for r in session.execute(sa.select(HoursRecord)).scalars()}
    correction = api.as_(v).post(
        f"/hours/{records[ids['b_confirmed']]}/corrections", json={"minutes": 50, "reason": "x"}
    )
    assert correction.status_code == 201, correction.json
    fair_listing = make.listing(vol, fee_fen=0, fair=True, home=False)
    fair_listing2 = make.listing(vol2, fee_fen=0, fair=True, home=False)
    fair = api.as_(people["office"]).post(
        "/fair-days",
        json={"date": today().isoformat(), "starts_at": "09:00", "ends_at": "11:30",
              "venue": "虹西社区广场", "grid_id": grid_a.id, "slot_minutes": 30},
    )  # fmt: skip
    assert fair.status_code == 201, fair.json
    stall = api.as_(v).post(
        f"/fair-days/{fair.json['id']}/stalls",
        json={"listing_id": fair_listing.id, "capacity_per_slot": 2},
    )
    assert stall.status_code == 201, stall.json
    invited = as_her.post(f"/residents/{her.id}/managers", json={"phone": people["other"].phone})
    assert invited.status_code == 202, invited.json
    invitation = api.as_(people["other"]).get("/me/invitations").json["items"][0]["id"]
    as_office, as_worker = api.as_(people["office"]), api.as_(people["worker"])
    handler = as_office.post("/handlers", json={"name": "虹桥东村物业", "kind": "property"})
    assert handler.status_code == 201, handler.json

    def concern(steps=(), **extra):
        body = {"category": "leaks_pipes", "description": "卫生间天花板滴水", **extra}
        made = as_her.post("/concerns", json=body)
        assert made.status_code == 201, made.json
        for action, payload in steps:
            moved = as_worker.post(f"/concerns/{made.json['id']}/{action}", json=payload)
            assert moved.status_code == 200, (action, moved.json)
        return made.json["id"]

    hand = ("hand-over", {"handler_id": handler.json["id"], "due_on": (today() + timedelta(days=3)).isoformat()})  # fmt: skip
    concerns = {
        "c_private": concern(),
        "c_public": concern(public_area=True, private=False),
        "c_accepted": concern([("accept", {})]),
        "c_handed": concern([("accept", {}), hand]),
        "c_done": concern([("accept", {}), hand, ("done", {"note": "修好了"})]),
    }
    concern_photo = as_her.post(
        f"/concerns/{concerns['c_public']}/photos",
        data={"photo": (io.BytesIO(_png()), "leak.png")},
        content_type="multipart/form-data",
    )
    assert concern_photo.status_code == 201, concern_photo.json
    cert_req = api.as_(v).post("/me/certificate-requests", json={})
    assert cert_req.status_code == 201, cert_req.json
    team = as_office.post("/teams", json={"name": "虹西修缮服务队", "leader_volunteer_id": vol.id})
    assert team.status_code == 201, team.json
    joined = api.as_(v).post(f"/teams/{team.json['id']}/members", json={"volunteer_id": vol2.id})
    assert joined.status_code == 201, joined.json
    her_notes = as_her.get("/notifications").json["items"]
    for user in people.values():
        api.as_(user)  # every token exists before the first savepoint
    names = {
        **ids,
        "community": community.id,
        "grid_a": grid_a.id,
        "building": make.building(grid_a).id,
        "her": her.id,
        "her_phone": her.account_user.phone,
        "other_phone": people["other"].phone,
        "manager_user": people["manager"].id,
        "invitation": invitation,
        "worker_user": people["worker"].id,
        "plumbing": plumbing.id,
        "vol": vol.id,
        "vol2": vol2.id,
        "applicant": applicant.id,
        "listing": listing.id,
        "photo": photo.json["id"],
        "her_notification": her_notes[0]["id"],
        "pending_record": records[ids["b_done"]],
        "correction": correction.json["id"],
        "fair": fair.json["id"],
        "stall": stall.json["id"],
        "cert_req": cert_req.json["id"],
        "team": team.json["id"],
        "fair_listing2": fair_listing2.id,
        **concerns,
        "handler": handler.json["id"],
        "concern_photo": concern_photo.json["id"],
        "her_building": her.building_id,
        "today": today().isoformat(),
        "tomorrow": (today() + timedelta(days=1)).isoformat(),
    }
    yield people, names
    limiter.enabled = True


def _fill(value, names):
    if isinstance(value, str):
        whole = re.fullmatch(r"\{(\w+)\}", value)
        if whole and isinstance(names.get(whole.group(1)), int):
            return names[whole.group(1)]
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    return value


def _fingerprint() -> str:
    """A digest of every row of every table (but the sessions' last-use times)."""
    digest = hashlib.sha256()
    for table in db.metadata.sorted_tables:
        if table.name in UNTRACKED:
            continue
        rows = db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()


@pytest.mark.minutes
def test_every_role_gets_exactly_its_rights_and_refusals_change_nothing(app, api, cast):
    """One world, every (operation, role) call in a savepoint rolled back after it: the calls
    cannot see each other, and the world is built once."""
    people, names = cast
    with app.app_context():
        connection = db.engine  # the test's connection (tests/conftest.py database)
        world = _fingerprint()
    wrong = []
    for method, path, body, expected in ROWS:
        for role, want in zip(ROLES, expected, strict=True):
            savepoint = connection.begin_nested()
            try:
                kwargs = {}
                if body == "PHOTO":
                    kwargs = {
                        "data": {"photo": (io.BytesIO(_png()), "p.png")},
                        "content_type": "multipart/form-data",
                    }
                elif body is not None:
                    kwargs = {"json": _fill(body, names)}
                client = api.as_(people[role])
                response = getattr(client, method)(_fill(path, names), **kwargs)
                where = f"{method.upper()} {path} as {role}"
                if response.status_code != want:
                    error = (response.get_json(silent=True) or {}).get("error")
                    wrong.append((where, want, response.status_code, error))
                elif want >= 400:
                    with app.app_context():
                        if _fingerprint() != world:
                            wrong.append((where, want, "a refused call changed the database"))
            finally:
                savepoint.rollback()
    assert wrong == []


def test_the_matrix_covers_every_operation_of_the_openapi_document(api):
    document = api.get("/openapi.json").json
    rows = [(m, p.split("?")[0]) for m, p, _b, _e in ROWS]
    missing = []
    for path, item in document["paths"].items():
        template = path.removeprefix("/api/v1")
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        for method in set(item) & {"get", "post", "put", "patch", "delete"}:
            if not any(m == method and re.fullmatch(pattern, p) for m, p in rows):
                missing.append(f"{method.upper()} {template}")
    assert sorted(missing) == []


PRIVATE_FIELDS = ("address", "contact_phone", "door_note")


def test_each_roles_export_shows_exactly_what_the_api_shows_it(api, cast):
    """The personal-data export goes through the same rule as GET /bookings/{id}: no role
    learns from its export a private field the API would not show it today."""
    people, names = cast
    her_address = api.as_(people["her"]).get(f"/bookings/{names['b_named']}").json["address"]
    for role, user in people.items():
        if user is None:
            assert api.get("/me/export").status_code == 401
            continue
        client = api.as_(user)
        export = client.get("/me/export")
        assert export.status_code == 200, role
        assert export.headers["Cache-Control"] == "no-store"
        body = export.json
        for part in ("bookings_made", "bookings_received", "jobs_done_as_volunteer"):
            for row in body[part]:
                seen = client.get(f"/bookings/{row['id']}")
                assert seen.status_code == 200, (role, part, row["id"])
                for field in (*PRIVATE_FIELDS, "quote"):
                    assert row[field] == seen.json[field], (role, part, row["id"], field)
        if role in ("other", "vol2", "worker_b", "office_x", "worker", "office"):
            assert her_address not in export.get_data(as_text=True), role


def test_a_resident_who_volunteers_is_a_resident_for_his_own_and_a_volunteer_for_hers(
    api, cast, make
):
    _people, names = cast
    grid_a = SimpleNamespace(id=names["grid_a"], community_id=names["community"])
    building = SimpleNamespace(id=names["building"], community_id=names["community"])
    neighbour = make.resident(building=building, name="邻居老周")
    vol_res = make.resident(building=building, name="热心的老李")
    make.volunteer([grid_a], user=vol_res.account_user)
    him = api.as_(vol_res.account_user)
    # Her open request: he is a candidate, sees the problem but not where she lives.
    hers = him.get(f"/bookings/{names['b_open']}")
    assert hers.status_code == 200
    assert [hers.json[f] for f in PRIVATE_FIELDS] == [None, None, None]
    assert hers.json["quote"]["labour_fee_fen"] is None
    assert him.get(f"/residents/{names['her']}").status_code == 404
    # His own request: he is its booker, sees all of it, and cannot take it himself.
    own = him.post(
        "/bookings",
        json={"category_id": names["plumbing"], "date": names["tomorrow"], "period": "morning",
              "description": "自己家的水龙头"},
    )  # fmt: skip
    assert own.status_code == 201, own.json
    assert own.json["address"] and own.json["contact_phone"]
    assert "accept" not in own.json["actions"]
    assert own.json["id"] not in [j["id"] for j in him.get("/jobs").json["items"]]
    assert him.get(f"/residents/{vol_res.id}").status_code == 200
    assert him.get(f"/residents/{neighbour.id}").status_code == 404
