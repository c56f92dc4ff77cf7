"""The catalogue part of the API contract: request schemas that validate, answers that serialise."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from ..accounts.security import me
from ..api.base import PageArgs
from ..api.plain_dump import PlainDump
from ..validation import MAX_ID, BaseSchema, TrimmedString, between, length, one_of
from . import rules, service, stats

MAX_TAGS = 10


def id_field(**kwargs) -> fields.Integer:
    """An id in a JSON body: a whole number, not "3" or 3.5 (query strings pass strict=False)."""
    kwargs.setdefault("strict", True)
    return fields.Integer(validate=between(1, MAX_ID), **kwargs)


def id_list(**kwargs) -> fields.List:
    """A non-empty list of ids; repeats count once."""
    return fields.List(
        id_field(),
        validate=validate.Length(min=1, max=20, error=_l("Choose at least one and at most {max}.")),
        **kwargs,
    )


class VolunteerApplicationSchema(BaseSchema):
    bio = TrimmedString(validate=length(max=500), load_default="")
    category_ids = id_list(required=True, metadata={"description": "the skills offered"})
    grid_ids = id_list(required=True, metadata={"description": "grids of his community he serves"})


class VolunteerPatchSchema(BaseSchema):
    bio = TrimmedString(validate=length(max=500))
    category_ids = id_list()
    grid_ids = id_list()
    show_full_name = fields.Boolean(
        metadata={"description": "show the full name on the catalogue and the honour board"}
    )


class VettingNoteSchema(BaseSchema):
    reason = TrimmedString(validate=length(max=500), load_default="")


class VettingReasonSchema(BaseSchema):
    reason = TrimmedString(required=True, validate=length(1, 500))


class VolunteerTagsSchema(BaseSchema):
    tags = fields.List(
        TrimmedString(validate=length(1, 40)),
        required=True,
        validate=validate.Length(max=MAX_TAGS, error=_l("Give at most {max} tags.")),
        metadata={"example": ["在职党员"]},
    )


class VolunteerRecordSchema(BaseSchema):
    """GET|PATCH /me/volunteer/record (order 67 art. 5)."""

    gender = fields.String(allow_none=True, validate=one_of(["male", "female"]))
    birth_date = fields.Date(allow_none=True)
    id_number = TrimmedString(
        allow_none=True,
        validate=length(max=20),
        metadata={"description": "optional, with his consent; answered masked (3206****1234)"},
    )
    area = TrimmedString(validate=length(max=100))
    contact = TrimmedString(validate=length(max=100))


class ListingWithdrawSchema(BaseSchema):
    reason = TrimmedString(required=True, validate=length(1, 500))


class VolunteerListArgs(PageArgs):
    status = fields.String(validate=one_of(["pending", "approved", "refused", "suspended"]))
    grid_id = id_field(strict=False)
    q = TrimmedString(validate=length(max=40), metadata={"description": "part of the name"})
    category = TrimmedString(
        validate=length(1, 20), metadata={"description": "a skill: category code or id"}
    )


class NewListingSchema(BaseSchema):
    category_id = id_field(required=True)
    title = TrimmedString(required=True, validate=length(1, 60))
    description = TrimmedString(validate=length(max=2000), load_default="")
    fee_fen = fields.Integer(
        strict=True, required=True, validate=between(0, 100000), metadata={"example": 2000}
    )
    duration_minutes = fields.Integer(strict=True, required=True, validate=between(5, 720))
    modes = fields.List(
        fields.String(validate=one_of(rules.MODES)),
        required=True,
        validate=validate.Length(min=1, max=2, error=_l("Choose home visit, fair stall or both.")),
    )


class ListingPatchSchema(BaseSchema):
    category_id = id_field()
    title = TrimmedString(validate=length(1, 60))
    description = TrimmedString(validate=length(max=2000))
    fee_fen = fields.Integer(strict=True, validate=between(0, 100000))
    duration_minutes = fields.Integer(strict=True, validate=between(5, 720))
    modes = fields.List(
        fields.String(validate=one_of(rules.MODES)),
        validate=validate.Length(min=1, max=2, error=_l("Choose home visit, fair stall or both.")),
    )
    active = fields.Boolean()


class CatalogueArgs(PageArgs):
    community_id = id_field(strict=False)
    category = TrimmedString(
        validate=length(1, 20), metadata={"description": "a category code or id"}
    )
    mode = fields.String(validate=one_of(rules.MODES))
    grid_id = id_field(
        strict=False, metadata={"description": "listings of volunteers who serve this grid"}
    )
    q = TrimmedString(validate=length(max=50), metadata={"description": "words to find"})


def _stars(volunteer) -> int:
    return stats.stars_for(volunteer.verified_minutes)


def _shown_name(volunteer) -> str:
    """Full name for himself, his community's staff, or when he chose it; else 沈**."""
    return service.name_shown_to(me(), volunteer)


PUBLIC_CARD = ("id", "name", "bio", "category_ids", "star_level", "rating", "completed_count")


class VolunteerSchema(ma.Schema):
    """A volunteer as API.md shows him, to himself and his community's staff; anyone else gets
    the public card (PUBLIC_CARD) only. The office's decision only to him and his office."""

    id = fields.Integer()
    user_id = fields.Integer()
    name = fields.Function(_shown_name, metadata={"type": "string", "example": "沈**"})
    status = fields.String()
    bio = fields.String()
    category_ids = fields.List(fields.Integer())
    grid_ids = fields.List(fields.Integer())
    pending_category_ids = fields.List(
        fields.Integer(),
        metadata={"description": "Skills he asked to add, waiting for the office's approval."},
    )
    pending_grid_ids = fields.List(
        fields.Integer(),
        metadata={"description": "Grids he asked to add, waiting for the office's approval."},
    )
    tags = fields.Function(
        lambda volunteer: [t.tag for t in volunteer.tags],
        metadata={"type": "array", "items": {"type": "string"}},
    )
    team_ids = fields.Function(
        lambda volunteer: service.team_ids_of(volunteer.id),
        metadata={"type": "array", "items": {"type": "integer"}},
    )
    star_level = fields.Function(_stars, metadata={"type": "integer", "minimum": 0, "maximum": 5})
    verified_minutes = fields.Integer()
    rating = fields.Float(allow_none=True)
    completed_count = fields.Integer()
    show_full_name = fields.Boolean()
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.String(allow_none=True)

    @ma.post_dump(pass_original=True)
    def hide_decision(self, data, volunteer, **kwargs):
        viewer = me()
        if not service.sees_record(viewer, volunteer):
            # The public card: what the catalogue needs, never his tags (在职党员 is a political
            # affiliation), his grids or his account.
            return {key: data[key] for key in PUBLIC_CARD if key in data}
        if not service.sees_decision(viewer, volunteer):
            data["decided_by_id"] = data["decided_at"] = data["decision_reason"] = None
        return data


class ListingVolunteerSchema(PlainDump):
    id = fields.Integer()
    name = fields.Function(_shown_name, metadata={"type": "string", "example": "沈**"})
    star_level = fields.Function(_stars, metadata={"type": "integer", "minimum": 0, "maximum": 5})
    rating = fields.Float(allow_none=True)
    completed_count = fields.Integer()


class ListingSchema(PlainDump):
    id = fields.Integer()
    volunteer = fields.Nested(ListingVolunteerSchema)
    category_id = fields.Integer()
    title = fields.String()
    description = fields.String()
    fee_fen = fields.Integer()
    duration_minutes = fields.Integer()
    modes = fields.List(fields.String())
    active = fields.Boolean()


class CategorySchema(ma.Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
