"""Waiver rules in force in a community, and the office changing them (audited).

A booking copies the rules in force when it is made (bookings/raising.py), so a change here never
rewrites a booking already made.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from .. import audit, versions
from ..accounts.models import User
from ..bookings import fees
from ..database import utcnow
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from .models import WaiverRuleSetting


def rules_in_force(community_id: int) -> tuple[fees.WaiverRule, ...]:
    """Every rule code once, in fees.WAIVER_CODES order: the office's setting or the default.
    Read once per process while the waiver rules' version stays the same (versions.py)."""
    return versions.cached(versions.WAIVERS, community_id, lambda: _read_rules(community_id))


def _read_rules(community_id: int) -> tuple[fees.WaiverRule, ...]:
    settings = {
        row.code: row
        for row in db.session.execute(
            sa.select(WaiverRuleSetting).where(WaiverRuleSetting.community_id == community_id)
        ).scalars()
    }
    rules = []
    for default in fees.DEFAULT_WAIVER_RULES:
        row = settings.get(default.code)
        if row is None:
            rules.append(default)
        else:
            rules.append(
                fees.WaiverRule(
                    row.code,
                    active=row.active,
                    min_age=row.min_age if default.code == fees.AGE_80 else None,
                    waive_materials=row.waive_materials,
                )
            )
    return tuple(rules)


def update_rule(actor: User, code: str, changes: dict) -> fees.WaiverRule:
    """The office switches a rule on or off, sets the age (age_80 only) and whether materials
    are waived too. Fields left out keep their value."""
    if not actor.is_office:
        raise Forbidden(_l("Only the community office changes the fee rules."))
    if code not in fees.WAIVER_CODES:
        raise NotFound()
    if changes.get("min_age") is not None and code != fees.AGE_80:
        raise ValidationFailed(fields={"min_age": [_l("Only the age rule has an age.")]})
    current = next(r for r in rules_in_force(actor.community_id) if r.code == code)
    rule = fees.WaiverRule(
        code,
        active=changes.get("active", current.active),
        min_age=current.min_age if changes.get("min_age") is None else changes["min_age"],
        waive_materials=changes.get("waive_materials", current.waive_materials),
    )
    row = db.session.get(WaiverRuleSetting, (actor.community_id, code))
    if row is None:
        row = WaiverRuleSetting(community_id=actor.community_id, code=code)
        db.session.add(row)
    row.active, row.min_age, row.waive_materials = rule.active, rule.min_age, rule.waive_materials
    row.updated_by_id, row.updated_at = actor.id, utcnow()
    audit.record_by(
        actor,
        "waiver_rule_changed",
        "waiver_rule",
        fees.WAIVER_CODES.index(code) + 1,
        code=code,
        before=current.to_dict(),
        after=rule.to_dict(),
    )
    db.session.flush()
    return rule
