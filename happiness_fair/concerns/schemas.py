"""The concerns part of the API contract (API.md "Concerns"): request schemas that validate,
answers that serialise."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from ..api.base import PageArgs
from ..bookings.schemas import PERIODS, EventSchema, PhotoSchema, id_field, note_field
from ..validation import BaseSchema, TrimmedString, length, one_of
from ..validation import id_field as query_id_field
from .models import HandlerKind
from .rules import ConcernStatus, Outcome, place_is_valid

STATUSES = [s.value for s in ConcernStatus]
KINDS = [k.value for k in HandlerKind]
OUTCOMES = [o.value for o in Outcome]


def place_field(max_length: int) -> TrimmedString:
    return TrimmedString(allow_none=True, validate=length(max=max_length))


class NewConcernSchema(BaseSchema):
    category = fields.String(required=True, validate=length(1, 30))
    description = TrimmedString(required=True, validate=length(1, 1000))
    building_id = id_field(allow_none=True)
    compound_id = id_field(allow_none=True)
    location_note = place_field(200)
    unit = place_field(10)
    room = place_field(10)
    public_area = fields.Boolean(load_default=False)
    private = fields.Boolean(load_default=True)
    on_behalf_of_resident_id = id_field(allow_none=True)

    @ma.validates_schema
    def a_place(self, data, **kwargs):
        if data.get("compound_id") is not None and not place_is_valid(
            building_id=data.get("building_id"),
            compound_id=data["compound_id"],
            location_note=data.get("location_note") or "",
            public_area=data.get("public_area", False),
        ):
            raise ma.ValidationError(
                _l("A public area without a building needs the compound and the place."),
                "location_note",
            )


class ConcernListArgs(PageArgs):
    status = fields.String(validate=one_of(STATUSES), allow_none=True)
    grid_id = id_field(allow_none=True)
    category = fields.String(validate=length(1, 30), allow_none=True)
    scope = fields.String(validate=one_of(["mine", "grid", "public"]), allow_none=True)


class ConcernNoteSchema(BaseSchema):
    note = note_field(allow_none=True)


class RequiredNoteSchema(BaseSchema):
    note = TrimmedString(required=True, validate=length(1, 500))


class HandOverSchema(BaseSchema):
    handler_id = id_field(required=True)
    due_on = fields.Date(required=True)
    note = note_field(allow_none=True)


class ToBookingSchema(BaseSchema):
    listing_id = id_field(allow_none=True)
    category_id = id_field(allow_none=True)
    date = fields.Date(required=True)
    period = fields.String(required=True, validate=one_of(PERIODS))
    # What the volunteers read: the grid worker writes it; the concern's own text stays private.
    description = TrimmedString(required=True, validate=length(1, 1000))

    @ma.validates_schema
    def listing_or_category(self, data, **kwargs):
        if (data.get("listing_id") is None) == (data.get("category_id") is None):
            raise ma.ValidationError(
                _l("Choose a volunteer's service or only a kind of service."), "listing_id"
            )


class DoneSchema(BaseSchema):
    note = TrimmedString(required=True, validate=length(1, 1000))
    done_by = TrimmedString(allow_none=True, validate=length(max=80))
    photo_ids = fields.List(id_field(), allow_none=True, validate=length(max=3))


class ReportBackSchema(BaseSchema):
    outcome = fields.String(required=True, validate=one_of(OUTCOMES))
    note = note_field(allow_none=True)


class MeTooSchema(BaseSchema):
    pass


class ConcernSchema(ma.Schema):
    """A concern as API.md shows it. On a public concern `raised_by`, `resident_id`, `unit`
    and `room` are null except to her people and staff."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": STATUSES})
    category = fields.String()
    category_name = fields.String()
    description = fields.String()
    community_id = fields.Integer()
    grid_id = fields.Integer()
    building_id = fields.Integer(allow_none=True)
    compound_id = fields.Integer()
    place = fields.String()
    unit = fields.String(allow_none=True)
    room = fields.String(allow_none=True)
    location_note = fields.String()
    public_area = fields.Boolean()
    private = fields.Boolean()
    source = fields.String(allow_none=True)
    photos = fields.List(fields.Nested(PhotoSchema))
    raised_by = fields.Integer(allow_none=True)
    resident_id = fields.Integer(allow_none=True)
    me_too_count = fields.Integer()
    me_too = fields.Boolean(metadata={"description": "The caller said 'me too'."})
    handler_id = fields.Integer(allow_none=True)
    handler_name = fields.String(allow_none=True)
    due_on = fields.Date(allow_none=True)
    booking_id = fields.Integer(allow_none=True)
    escalated = fields.Boolean()
    overdue = fields.Boolean()
    done_note = fields.String()
    done_by = fields.String()
    # None until the report-back call: the enum names null too, so a concern without one is valid
    # against the document (OpenAPI 3.0 enums list every allowed value, null included).
    outcome = fields.String(
        allow_none=True,
        metadata={
            "enum": [*OUTCOMES, None],
            "description": "The report-back call's result; null before the call.",
        },
    )
    report_note = fields.String(allow_none=True)
    created_at = fields.DateTime()
    accepted_at = fields.DateTime(allow_none=True)
    handed_over_at = fields.DateTime(allow_none=True)
    done_at = fields.DateTime(allow_none=True)
    reported_back_at = fields.DateTime(allow_none=True)
    events = fields.List(fields.Nested(EventSchema))
    actions = fields.List(
        fields.String(),
        metadata={"description": "What the caller may do now: each is POST /concerns/{id}/<it>."},
    )


class ConcernCategorySchema(ma.Schema):
    code = fields.String()
    name = fields.String(metadata={"description": "In the caller's language."})
    name_zh = fields.String()
    name_en = fields.String()
    active = fields.Boolean(metadata={"description": "False: retired, no longer offered."})
    concern_count = fields.Integer(
        allow_none=True, metadata={"description": "To the office: how many concerns have it."}
    )


class ConcernCategoryArgs(BaseSchema):
    community_id = query_id_field(allow_none=True)


CATEGORY_CODE = ma.validate.Regexp(
    r"^[a-z][a-z0-9_]{0,29}$",
    error=_l("Use small letters, digits and _ (at most 30, starting with a letter)."),
)


class NewConcernCategorySchema(BaseSchema):
    code = fields.String(allow_none=True, load_default=None, validate=CATEGORY_CODE)
    name_zh = TrimmedString(required=True, validate=length(1, 40))
    name_en = TrimmedString(required=True, validate=length(1, 60))


class ConcernCategoryPatchSchema(BaseSchema):
    name_zh = TrimmedString(validate=length(1, 40))
    name_en = TrimmedString(validate=length(1, 60))
    active = fields.Boolean()


class HandlerSchema(ma.Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String(metadata={"enum": KINDS})
    compound_id = fields.Integer(allow_none=True)
    contact_name = fields.String()
    contact_phone = fields.String()
    active = fields.Boolean()


class NewHandlerSchema(BaseSchema):
    name = TrimmedString(required=True, validate=length(1, 80))
    kind = fields.String(required=True, validate=one_of(KINDS))
    compound_id = id_field(allow_none=True)
    contact_name = TrimmedString(load_default="", validate=length(max=40))
    contact_phone = TrimmedString(load_default="", validate=length(max=20))


class HandlerPatchSchema(BaseSchema):
    name = TrimmedString(validate=length(1, 80))
    kind = fields.String(validate=one_of(KINDS))
    compound_id = id_field(allow_none=True)
    contact_name = TrimmedString(validate=length(max=40))
    contact_phone = TrimmedString(validate=length(max=20))
    active = fields.Boolean()


class MicroGridSchema(BaseSchema):
    building_ids = fields.List(id_field(), required=True, validate=length(max=50))


class MicroGridAnswerSchema(ma.Schema):
    resident_id = fields.Integer()
    building_ids = fields.List(fields.Integer())


class ConcernSummaryArgs(BaseSchema):
    period = fields.String(load_default="month", validate=one_of(["month", "year"]))
    from_ = fields.Date(data_key="from", allow_none=True)
    to = fields.Date(allow_none=True)
    grid_id = id_field(allow_none=True)
    format = fields.String(load_default="json", validate=one_of(["json", "xlsx"]))


class ConcernSummaryRowSchema(ma.Schema):
    grid_id = fields.Integer()
    grid = fields.String()
    month = fields.String(metadata={"example": "2026-11"})
    raised = fields.Integer()
    handed_over = fields.Integer()
    done = fields.Integer()
    reported_back = fields.Integer()
    satisfied = fields.Integer()
    median_days_to_done = fields.Float(allow_none=True)
    overdue = fields.Integer()


class HandlerSummarySchema(ma.Schema):
    handler_id = fields.Integer()
    name = fields.String()
    handed_over = fields.Integer()
    done = fields.Integer()
    overdue = fields.Integer()
    median_days_to_done = fields.Float(allow_none=True)


class ConcernSummarySchema(ma.Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    items = fields.List(fields.Nested(ConcernSummaryRowSchema))
    handlers = fields.List(fields.Nested(HandlerSummarySchema))


class ConcernBoardSectionSchema(ma.Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(ConcernSchema))


class ConcernBoardSchema(ma.Schema):
    new = fields.Nested(ConcernBoardSectionSchema)
    due_soon = fields.Nested(ConcernBoardSectionSchema)
    overdue = fields.Nested(ConcernBoardSectionSchema)
    report_back = fields.Nested(ConcernBoardSectionSchema)
