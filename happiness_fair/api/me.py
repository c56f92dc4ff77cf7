"""GET /me, who am I: gathered from several parts (accounts, catalogue, concerns), so it is
defined here, above them all, on the accounts' blueprint (API.md "Accounts")."""

from __future__ import annotations

from marshmallow import fields

from ..accounts import security, service
from ..accounts.api import blp, user_view
from ..accounts.schemas import ResidentSchema, UserSchema
from ..catalogue import service as catalogue_service
from ..catalogue.schemas import VolunteerSchema
from ..concerns.access import helper_buildings
from .base import login_required


class MeSchema(UserSchema):
    resident = fields.Nested(ResidentSchema, allow_none=True)
    volunteer = fields.Nested(VolunteerSchema, allow_none=True)
    grid_ids = fields.List(fields.Integer())
    building_ids = fields.List(
        fields.Integer(), metadata={"description": "Buildings served as a micro-grid helper."}
    )


@blp.get("/me")
@blp.doc(operationId="getMe")
@blp.response(200, MeSchema)
@blp.errors(401)
@login_required
def me():
    """Who am I: roles, community, my resident and volunteer records, my grids.

    Who: any signed-in caller.

    - 401: no or bad credentials."""
    user = security.me()
    return {
        **user_view(user),
        "resident": service.own_resident(user),
        "volunteer": catalogue_service.volunteer_of(user),
        "grid_ids": user.grid_ids,
        "building_ids": helper_buildings(user.id),
    }
