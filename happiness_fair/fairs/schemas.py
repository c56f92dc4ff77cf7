"""The fair-days part of the API contract (API.md "Fee rules, fair days, notifications")."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from ..api.base import PageArgs
from ..validation import BaseSchema, TrimmedString, between, id_field, length
from . import rules


class TimeOfDay(fields.Field):
    """A time of day as "09:00" (24-hour clock) in and out."""

    default_error_messages = {"invalid": _l("Enter a time as HH:MM, for example 09:00.")}

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else rules.hhmm(value)

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = rules.parse_hhmm(value) if isinstance(value, str) else None
        if parsed is None:
            raise self.make_error("invalid")
        return parsed


TIME_META = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "09:00"}


class FairDayListArgs(PageArgs):
    community_id = id_field(
        strict=False,
        load_default=None,
        metadata={"description": "whose fair days; a signed-in caller's own by default"},
    )
    upcoming = fields.Boolean(
        load_default=False, metadata={"description": "only today's and later, soonest first"}
    )


class NewFairDaySchema(BaseSchema):
    date = fields.Date(required=True)
    starts_at = TimeOfDay(required=True, metadata=TIME_META)
    ends_at = TimeOfDay(required=True, metadata={**TIME_META, "example": "11:30"})
    venue = TrimmedString(required=True, validate=length(1, 100))
    grid_id = id_field(strict=True, required=True)
    slot_minutes = fields.Integer(
        strict=True,
        required=True,
        validate=between(rules.MIN_SLOT_MINUTES, rules.MAX_SLOT_MINUTES),
    )


class NewStallSchema(BaseSchema):
    listing_id = id_field(strict=True, required=True)
    capacity_per_slot = fields.Integer(
        strict=True, required=True, validate=between(1, rules.MAX_CAPACITY)
    )


class NewWalkInSchema(BaseSchema):
    stall_id = id_field(strict=True, required=True)
    name = TrimmedString(validate=length(max=40), allow_none=True, load_default=None)
    category_id = id_field(strict=True, allow_none=True, load_default=None)


class DutyCorrectionSchema(BaseSchema):
    volunteer_id = id_field(strict=True, required=True)
    minutes = fields.Integer(strict=True, required=True, validate=between(1, 720))


class AttendanceSchema(BaseSchema):
    volunteer_ids = fields.List(
        id_field(strict=True), required=True, validate=ma.validate.Length(min=1, max=200)
    )
    corrections = fields.List(
        fields.Nested(DutyCorrectionSchema),
        load_default=list,
        validate=ma.validate.Length(max=200),
        metadata={"description": "minutes other than the fair's time window, per volunteer"},
    )


class FairDaySchema(ma.Schema):
    id = fields.Integer()
    community_id = fields.Integer()
    date = fields.Date()
    starts_at = TimeOfDay(metadata=TIME_META)
    ends_at = TimeOfDay(metadata=TIME_META)
    venue = fields.String()
    grid_id = fields.Integer()
    slot_minutes = fields.Integer()
    window_minutes = fields.Integer(
        metadata={"description": "the duty minutes a stall volunteer is given by default"}
    )
    cancelled = fields.Boolean()
    cancel_reason = fields.String()


class StallSchema(ma.Schema):
    id = fields.Integer()
    fair_day_id = fields.Integer()
    volunteer_id = fields.Integer()
    listing_id = fields.Integer()
    capacity_per_slot = fields.Integer()
    withdrawn = fields.Boolean()
    withdraw_reason = fields.String()


class FairDayCancelSchema(BaseSchema):
    reason = TrimmedString(required=True, validate=length(1, 500))


class StallWithdrawSchema(BaseSchema):
    reason = TrimmedString(validate=length(max=500), load_default="")


class SlotSchema(ma.Schema):
    stall_id = fields.Integer()
    listing_id = fields.Integer()
    slot_start = fields.String(metadata={"example": "09:00"})
    capacity = fields.Integer()
    free = fields.Integer()


class SlotListSchema(ma.Schema):
    items = fields.List(fields.Nested(SlotSchema))


class WalkInSchema(ma.Schema):
    id = fields.Integer()
    fair_day_id = fields.Integer()
    stall_id = fields.Integer()
    volunteer_id = fields.Integer()
    category_id = fields.Integer()
    name = fields.String()
    created_at = fields.DateTime()


class WalkInListSchema(ma.Schema):
    items = fields.List(fields.Nested(WalkInSchema))


# --- the same fields read from the pages' forms (numbers arrive as text) ----------------------


class FairDayForm(NewFairDaySchema):
    grid_id = id_field(strict=False, required=True)
    slot_minutes = fields.Integer(
        required=True, validate=between(rules.MIN_SLOT_MINUTES, rules.MAX_SLOT_MINUTES)
    )


class StallForm(NewStallSchema):
    listing_id = id_field(strict=False, required=True)
    capacity_per_slot = fields.Integer(required=True, validate=between(1, rules.MAX_CAPACITY))


class WalkInForm(NewWalkInSchema):
    stall_id = id_field(strict=False, required=True)
    category_id = id_field(strict=False, allow_none=True, load_default=None)


class FairBookingForm(BaseSchema):
    listing_id = id_field(strict=False, required=True)
    slot_start = fields.String(required=True, validate=length(1, 5))
    beneficiary_id = id_field(strict=False, allow_none=True, load_default=None)
    description = TrimmedString(required=True, validate=length(1, 1000))
