"""The residents directory over JSON: staff find the person they act for."""

from __future__ import annotations

import marshmallow as ma
from flask_login import current_user

from ..api.base import ApiBlueprint, PageArgs, login_required, page_schema, paged
from ..validation import TrimmedString, id_field, length
from . import directory
from .schemas import ResidentSchema

blp = ApiBlueprint("directory_api", __name__, description="Finding residents (staff)")


class ResidentSearchArgs(PageArgs):
    q = TrimmedString(load_default=None, validate=length(max=40))
    building_id = id_field(load_default=None)
    room = TrimmedString(load_default=None, validate=length(max=10))
    closed = ma.fields.Boolean(
        load_default=False, metadata={"description": "the closed records (moved, passed away)"}
    )


@blp.get("/residents")
@blp.doc(operationId="searchResidents")
@blp.arguments(ResidentSearchArgs, location="query")
@blp.response(200, page_schema(ResidentSchema, "ResidentPage"))
@blp.errors(401, 403, 422)
@login_required
def find_residents(args):
    """Find active residents by part of the name, building and room (staff).

    Who: grid workers (their grids) and the office (its community). `closed=true` lists the
    records closed instead (moved away, passed away).

    - 403: the caller is not staff.
    - 422: a query argument is invalid."""
    items, total = directory.find_residents(
        current_user,
        q=args["q"],
        building_id=args["building_id"],
        room=args["room"],
        closed=args["closed"],
        page=args["page"],
        per_page=args["per_page"],
    )
    return paged(items, total, args)
