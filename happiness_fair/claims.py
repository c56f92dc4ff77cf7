"""Scheduled work that must act once on each thing it finds (escalate a request nobody took, a
hand-over past its due date): each row still due is claimed with a conditional UPDATE, so two
runs at once never both tell anyone (who hears: accounts/staffing.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from .extensions import db


def claim_each(model, due: sa.ColumnElement, **values: Any) -> Iterator:
    """The rows of `model` for which `due` holds, oldest id first, each yielded only once this
    run has written `values` to it while `due` still held (another run, or a person acting
    meanwhile, makes it skip the row)."""
    found = db.session.execute(sa.select(model).where(due).order_by(model.id)).scalars().all()
    for row in found:
        claimed = db.session.execute(
            sa.update(model)
            .where(model.id == row.id, due)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:
            yield row
