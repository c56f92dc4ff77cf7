"""A thing's timeline (a booking's, a concern's): every move is one event row with who (None:
the system), when, from which state to which, the action and a note. One function writes them,
so the scheduled job, the demo and the moves write the same rows."""

from __future__ import annotations

from datetime import datetime

from .database import utcnow
from .extensions import db


def record(
    event_model,
    owner: str,
    owner_id: int,
    action: str,
    to_status,
    *,
    from_status=None,
    actor_id: int | None = None,
    note: str = "",
    at: datetime | None = None,
    **columns,
):
    """Add the event to the session (it commits with the move it records). `owner` is the
    event's column naming its thing, e.g. "concern_id"; `columns`, what only its kind keeps."""
    event = event_model(
        **columns,
        **{owner: owner_id},
        at=at or utcnow(),
        actor_id=actor_id,
        from_status=from_status,
        to_status=to_status,
        action=str(action),
        note=note,
    )
    db.session.add(event)
    return event
