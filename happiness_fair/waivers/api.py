"""Fee rules over JSON (API.md "Fee rules, fair days, notifications")."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user
from marshmallow import fields

from ..accounts.security import me
from ..api.base import ApiBlueprint, list_schema, login_required
from ..bookings import fees
from ..validation import BaseSchema, between
from . import service

blp = ApiBlueprint("waivers_api", __name__, description="The community's fee waiver rules")


class WaiverRuleSchema(ma.Schema):
    code = fields.String(metadata={"enum": list(fees.WAIVER_CODES)})
    active = fields.Boolean()
    min_age = fields.Integer(allow_none=True)
    waive_materials = fields.Boolean()


class WaiverRulePatchSchema(BaseSchema):
    active = fields.Boolean(truthy={True}, falsy={False})
    min_age = fields.Integer(strict=True, allow_none=True, validate=between(0, 150))
    waive_materials = fields.Boolean(truthy={True}, falsy={False})


@blp.get("/waiver-rules")
@blp.doc(operationId="listWaiverRules")
@blp.response(200, list_schema(WaiverRuleSchema, "WaiverRuleList"))
@blp.errors(401)
@login_required
def list_rules():
    """The caller's community's fee waiver rules, every code once.

    Who: any signed-in caller. Codes: `age_80` (on by default), `dibao`, `disabled`,
    `living_alone`."""
    return {"items": [rule.to_dict() for rule in service.rules_in_force(current_user.community_id)]}


@blp.patch("/waiver-rules/<string:code>")
@blp.doc(operationId="updateWaiverRule")
@blp.arguments(WaiverRulePatchSchema)
@blp.response(200, WaiverRuleSchema)
@blp.errors(400, 401, 403, 404, 422)
@login_required
def update_rule(changes, code):
    """Switch a fee waiver rule on or off, set its age, waive materials too or not.

    Who: the office. Bookings already made keep the rules they were made with.

    - 403: the caller is not the office.
    - 404: no rule has that code.
    - 422: a field is invalid (an age outside 0–150)."""
    return service.update_rule(me(), code, changes).to_dict()
