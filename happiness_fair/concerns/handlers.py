"""Handlers (承办方: a department, a property company, a contractor) a concern is handed to: the
office keeps the list, and a hand-over suggests one and a due date."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts.models import User
from ..errors import Conflict, Forbidden, NotFound, invalid
from ..extensions import db
from ..places.clock import today
from ..places.models import Compound
from ..validation import MAX_ID
from .models import (
    Concern,
    Handler,
    HandlerKind,
)


def handlers_of(user: User, *, include_inactive: bool = False) -> list[Handler]:
    if not user.is_staff:
        raise Forbidden(_l("Only grid workers and the office see the handlers."))
    stmt = sa.select(Handler).where(Handler.community_id == user.community_id)
    if not include_inactive:
        stmt = stmt.where(Handler.active.is_(True))
    return db.session.scalars(stmt.order_by(Handler.kind, Handler.name)).all()


def suggested_handler(concern: Concern, handlers: list[Handler]) -> Handler | None:
    """The handler a hand-over starts on: the active 物业 of the concern's own compound, when it
    has exactly one; otherwise none, so the grid worker must choose."""
    own = [
        h
        for h in handlers
        if h.active and h.kind is HandlerKind.property and h.compound_id == concern.compound_id
    ]
    return own[0] if len(own) == 1 else None


SUGGESTED_DUE_DAYS = 3


def suggested_due_on() -> date:
    """The due date a hand-over suggests (shown beside the date field, never pre-filled)."""
    return today() + timedelta(days=SUGGESTED_DUE_DAYS)


def _require_office(user: User) -> None:
    if not user.is_office:
        raise Forbidden(_l("Only the office keeps the handlers."))


def _check_compound(user: User, compound_id: int | None) -> None:
    if compound_id is None:
        return
    compound = db.session.get(Compound, compound_id) if compound_id <= MAX_ID else None
    if compound is None or compound.community_id != user.community_id:
        raise invalid("compound_id", _l("There is no such compound here."))


def _name_taken(user: User, name: str, except_id: int | None = None) -> bool:
    stmt = sa.select(Handler.id).where(
        Handler.community_id == user.community_id, Handler.name == name
    )
    if except_id is not None:
        stmt = stmt.where(Handler.id != except_id)
    return db.session.execute(stmt).first() is not None


def create_handler(user: User, data: dict) -> Handler:
    _require_office(user)
    _check_compound(user, data.get("compound_id"))
    if _name_taken(user, data["name"]):
        raise Conflict(_l("There is already a handler of this name."))
    handler = Handler(
        community_id=user.community_id,
        name=data["name"],
        kind=HandlerKind(data["kind"]),
        compound_id=data.get("compound_id"),
        contact_name=data.get("contact_name") or "",
        contact_phone=data.get("contact_phone") or "",
    )
    db.session.add(handler)
    db.session.flush()
    audit.record_by(user, "handler.create", "handler", handler.id)
    return handler


def update_handler(user: User, handler_id: int, data: dict) -> Handler:
    handler = db.session.get(Handler, handler_id) if handler_id <= MAX_ID else None
    if handler is None or handler.community_id != user.community_id:
        raise NotFound()
    _require_office(user)
    if "compound_id" in data:
        _check_compound(user, data["compound_id"])
    if "name" in data and _name_taken(user, data["name"], handler.id):
        raise Conflict(_l("There is already a handler of this name."))
    for key, value in data.items():
        if key == "kind":
            value = HandlerKind(value)
        setattr(handler, key, value)
    db.session.flush()
    audit.record_by(user, "handler.update", "handler", handler.id, fields=sorted(data))
    return handler


def handler_names(ids) -> dict[int, str]:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return dict(
        db.session.execute(sa.select(Handler.id, Handler.name).where(Handler.id.in_(ids))).all()
    )
