"""Concerns in a person's data rights (privacy.py): what the export shows of her
concerns and the buildings she serves as micro-grid helper, and what erasure removes (her
descriptions, photos, flat and report-back notes, her micro-grid buildings; the counts stay for
the community's lists)."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Concern, ConcernEvent, ConcernMeToo, ConcernPhoto, MicroGridBuilding


def _iso(value):
    return value.isoformat() if value is not None else None


def _about(user_id: int, resident_ids: list[int]):
    return sa.or_(Concern.raised_by_id == user_id, Concern.resident_id.in_(resident_ids or [0]))


def export(user_id: int, resident_ids: list[int]) -> dict:
    concerns = db.session.execute(
        sa.select(Concern).where(_about(user_id, resident_ids)).order_by(Concern.id)
    ).scalars()
    out = []
    for c in concerns:
        events = db.session.execute(
            sa.select(ConcernEvent).where(ConcernEvent.concern_id == c.id).order_by(ConcernEvent.id)
        ).scalars()
        photos = db.session.execute(
            sa.select(ConcernPhoto.id, ConcernPhoto.created_at).where(
                ConcernPhoto.concern_id == c.id
            )
        ).all()
        out.append(
            {
                "id": c.id,
                "status": c.status.value,
                "raised_by_me": c.raised_by_id == user_id,
                "resident_id": c.resident_id,
                "description": c.description,
                "building_id": c.building_id,
                "unit": c.unit,
                "room": c.room,
                "location_note": c.location_note,
                "private": c.private,
                "photos": [{"id": p.id, "created_at": _iso(p.created_at)} for p in photos],
                "done_note": c.done_note,
                "outcome": c.outcome.value if c.outcome else None,
                "report_note": c.report_note,
                "created_at": _iso(c.created_at),
                "events": [
                    {
                        "at": _iso(e.at),
                        "action": e.action,
                        "to_status": e.to_status.value,
                        "note": e.note,
                    }
                    for e in events
                ],
            }
        )
    me_too = db.session.execute(
        sa.select(ConcernMeToo.concern_id, ConcernMeToo.created_at).where(
            ConcernMeToo.user_id == user_id
        )
    ).all()
    served = db.session.execute(
        sa.select(MicroGridBuilding.building_id)
        .where(MicroGridBuilding.user_id == user_id)
        .order_by(MicroGridBuilding.building_id)
    ).scalars()
    return {
        "concerns": out,
        "concern_me_too": [{"concern_id": m[0], "at": _iso(m[1])} for m in me_too],
        "micro_grid_building_ids": list(served),  # the buildings he serves as 微网格员
    }


def erase(user_id: int, own_resident_id: int | None) -> None:
    """Concerns she raised or that are about her keep their category, place (building), dates
    and states for the lists, and lose what she said and showed."""
    about = _about(user_id, [own_resident_id] if own_resident_id else [])
    ids = sa.select(Concern.id).where(about)
    db.session.execute(
        sa.delete(ConcernPhoto)
        .where(ConcernPhoto.concern_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(ConcernEvent)
        .where(ConcernEvent.concern_id.in_(ids))
        .values(note="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Concern)
        .where(about)
        .values(
            description="",
            unit="",
            room="",
            location_note="",
            done_note="",
            report_note="",
            photo_count=0,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(sa.delete(ConcernMeToo).where(ConcernMeToo.user_id == user_id))
    db.session.execute(sa.delete(MicroGridBuilding).where(MicroGridBuilding.user_id == user_id))
