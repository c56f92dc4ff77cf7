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
