"""Public place lists that registration needs (API.md "Accounts")."""

from __future__ import annotations

import marshmallow as ma
import sqlalchemy as sa
from marshmallow import fields

from ..api.base import ApiBlueprint, list_schema
from ..extensions import db
from ..validation import id_field
from . import service
from .models import Grid

blp = ApiBlueprint("places_api", __name__, description="Communities, grids and buildings")


class CommunitySchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()


class BuildingSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    compound = fields.Function(lambda b: b.compound.name)
    grid_id = fields.Integer()


class GridSchema(ma.Schema):
    id = fields.Integer()
    number = fields.Integer()
    name = fields.String()


class CommunityArgs(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    community_id = id_field(required=True)


@blp.get("/communities")
@blp.doc(operationId="listCommunities")
@blp.response(200, list_schema(CommunitySchema, "CommunityList"))
def communities():
    """Every community on this server (public: needed to register).

    Who: anyone."""
    return {"items": service.communities()}


@blp.get("/buildings")
@blp.doc(operationId="listBuildings")
@blp.arguments(CommunityArgs, location="query")
@blp.response(200, list_schema(BuildingSchema, "BuildingList"))
@blp.errors(422)
def buildings(args):
    """A community's buildings, with their compound and grid (public: needed to register).

    Who: anyone.

    - 422: `community_id` is missing or not an id."""
    return {"items": service.buildings_of(args["community_id"])}


@blp.get("/grids")
@blp.doc(operationId="listGrids")
@blp.arguments(CommunityArgs, location="query")
@blp.response(200, list_schema(GridSchema, "GridList"))
@blp.errors(422)
def grids(args):
    """A community's grids (public).

    Who: anyone.

    - 422: `community_id` is missing or not an id."""
    rows = db.session.execute(
        sa.select(Grid).where(Grid.community_id == args["community_id"]).order_by(Grid.number)
    ).scalars()
    return {"items": rows}
