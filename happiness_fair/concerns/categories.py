"""Concern categories (what a concern is about): each community's defaults, ensured with the
shared categories, and the office's own, added or renamed on its categories page."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit
from ..accounts.models import User
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..places.models import Community
from .models import (
    Concern,
    ConcernCategory,
    default_categories,
)


def ensure_concern_categories() -> None:
    """Give every community that has none the default categories (init-db, seed-demo and tests
    call this; a community created later gets them as it is inserted, models.py)."""
    have = set(db.session.execute(sa.select(ConcernCategory.community_id).distinct()).scalars())
    for community_id in db.session.execute(sa.select(Community.id)).scalars().all():
        if community_id not in have:
            db.session.execute(sa.insert(ConcernCategory), default_categories(community_id))
    db.session.flush()


def categories(community_id: int | None, *, active_only: bool = True) -> list[ConcernCategory]:
    """A community's categories in the office's order (none without a community)."""
    stmt = (
        sa.select(ConcernCategory)
        .where(ConcernCategory.community_id == (community_id or 0))
        .order_by(ConcernCategory.position, ConcernCategory.id)
    )
    if active_only:
        stmt = stmt.where(ConcernCategory.active.is_(True))
    return db.session.scalars(stmt).all()


def category_by_code(community_id: int, code: str) -> ConcernCategory | None:
    return db.session.execute(
        sa.select(ConcernCategory).where(
            ConcernCategory.community_id == community_id, ConcernCategory.code == code
        )
    ).scalar_one_or_none()


def _office_category(user: User, code: str) -> ConcernCategory:
    category = category_by_code(user.community_id, code) if len(code) <= 30 else None
    if category is None:
        raise NotFound()
    if not user.is_office:
        raise Forbidden(_l("Only the office keeps the kinds of concern."))
    return category


def _category_name_taken(user: User, data: dict, except_id: int | None = None) -> dict:
    """The fields whose name another of the community's categories already has."""
    taken = {}
    for field in ("name_zh", "name_en"):
        if field not in data:
            continue
        column = getattr(ConcernCategory, field)
        stmt = sa.select(ConcernCategory.id).where(
            ConcernCategory.community_id == user.community_id,
            sa.func.lower(column) == data[field].lower(),
        )
        if except_id is not None:
            stmt = stmt.where(ConcernCategory.id != except_id)
        if db.session.execute(stmt).first() is not None:
            taken[field] = [_l("Another kind of concern has this name.")]
    return taken


def create_category(user: User, data: dict) -> ConcernCategory:
    """(Office) a new kind of concern for the community, named in both languages. Without a
    `code` one is made (`c` and a number)."""
    if not user.is_office:
        raise Forbidden(_l("Only the office keeps the kinds of concern."))
    taken = _category_name_taken(user, data)
    if taken:
        raise Conflict(_l("Another kind of concern has this name."), fields=taken)
    code = data.get("code")
    if code is None:
        count = db.session.execute(
            sa.select(sa.func.count()).where(ConcernCategory.community_id == user.community_id)
        ).scalar_one()
        code = f"c{count + 1}"
        while category_by_code(user.community_id, code) is not None:
            count += 1
            code = f"c{count + 1}"
    elif category_by_code(user.community_id, code) is not None:
        raise Conflict(_l("There is already a kind of concern with this code."))
    last = db.session.execute(
        sa.select(sa.func.max(ConcernCategory.position)).where(
            ConcernCategory.community_id == user.community_id
        )
    ).scalar_one()
    category = ConcernCategory(
        community_id=user.community_id,
        code=code,
        name_zh=data["name_zh"],
        name_en=data["name_en"],
        position=(last or 0) + 1,
        active=True,
    )
    db.session.add(category)
    db.session.flush()
    audit.record_by(user, "concern_category.create", "concern_category", category.id, code=code)
    return category


def update_category(user: User, code: str, data: dict) -> ConcernCategory:
    """(Office) rename a kind of concern (either language) or retire it (`active` false) or use
    it again. Never deleted: its concerns keep it, and a retired one is only not offered."""
    category = _office_category(user, code)
    taken = _category_name_taken(user, data, category.id)
    if taken:
        raise Conflict(_l("Another kind of concern has this name."), fields=taken)
    changed = {k: v for k, v in data.items() if getattr(category, k) != v}
    if changed.get("active") is False:
        others = db.session.execute(
            sa.select(sa.func.count()).where(
                ConcernCategory.community_id == user.community_id,
                ConcernCategory.active.is_(True),
                ConcernCategory.id != category.id,
            )
        ).scalar_one()
        if not others:
            raise Conflict(_l("Keep at least one kind of concern in use."))
    for key, value in changed.items():
        setattr(category, key, value)
    db.session.flush()
    if changed:
        action = "concern_category.update"
        if set(changed) == {"active"}:
            action = "concern_category." + ("reactivate" if changed["active"] else "retire")
        audit.record_by(user, action, "concern_category", category.id, fields=sorted(changed))
    return category


def category_counts(community_id: int) -> dict[int, int]:
    """How many concerns each category of the community has (the office sees what is in use)."""
    return dict(
        db.session.execute(
            sa.select(Concern.category_id, sa.func.count())
            .where(Concern.community_id == community_id)
            .group_by(Concern.category_id)
        ).all()
    )


def on_categories_ensured(sender) -> None:
    ensure_concern_categories()
