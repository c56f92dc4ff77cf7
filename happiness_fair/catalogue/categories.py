"""Keeping the shared category table filled (init-db, seed-demo and tests call this)."""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .events import categories_ensured
from .models import Category
from .rules import CATEGORIES


def ensure_categories() -> None:
    existing = set(db.session.execute(sa.select(Category.code)).scalars())
    for position, (code, name_zh, name_en) in enumerate(CATEGORIES):
        if code not in existing:
            db.session.add(Category(code=code, name_zh=name_zh, name_en=name_en, position=position))
    db.session.flush()
    categories_ensured.send()


def category_by_code(code: str) -> Category | None:
    return db.session.execute(sa.select(Category).where(Category.code == code)).scalar_one_or_none()
