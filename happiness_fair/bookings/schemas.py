"""The bookings part of the API contract: request schemas that validate, answers that serialise."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from ..api.base import PageArgs
from ..api.plain_dump import PlainDump
from ..validation import MAX_ID, BaseSchema, TrimmedString, between, length, one_of, phone_field
from .models import MODES
from .rules import Action, BookingStatus, Period, path_segments

MAX_FEN = 100_000_000  # ¥1,000,000: far above any repair, below any overflow
PERIODS = [p.value for p in Period]
STATUSES = [s.value for s in BookingStatus]
ACTION_SEGMENTS = path_segments(list(Action))


def id_field(**kwargs) -> fields.Integer:
    return fields.Integer(
        strict=True,
        validate=ma.validate.Range(min=1, max=MAX_ID, error=_l("There is no such record.")),
        **kwargs,
    )


def fen_field(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=between(0, MAX_FEN), **kwargs)


def note_field(max_length: int = 500, **kwargs) -> TrimmedString:
    return TrimmedString(validate=length(max=max_length), **kwargs)


class NewBookingSchema(BaseSchema):
    listing_id = id_field(allow_none=True)
    category_id = id_field(allow_none=True)
    beneficiary_id = id_field(allow_none=True)
    date = fields.Date(required=True)
    period = fields.String(required=True, validate=one_of(PERIODS))
    mode = fields.String(load_default="home", validate=one_of(MODES))
    description = TrimmedString(required=True, validate=length(1, 1000))
    contact_phone = phone_field(allow_none=True)
    door_note = note_field(200, allow_none=True)
    fair_day_id = id_field(allow_none=True)
    slot_start = fields.String(allow_none=True, validate=length(max=5))

    @ma.validates_schema
    def listing_or_category(self, data, **kwargs):
        has_listing = data.get("listing_id") is not None
        has_category = data.get("category_id") is not None
        if has_listing == has_category:
            raise ma.ValidationError(
                _l("Choose a volunteer's service or only a kind of service."), "listing_id"
            )


class BookingDetailsSchema(BaseSchema):
    """PATCH /bookings/{id}: what its people may fix after booking."""

    contact_phone = phone_field()
    door_note = note_field(200, allow_none=True)


class BookingListArgs(PageArgs):
    status = fields.String(validate=one_of(STATUSES), allow_none=True)


class AcceptSchema(BaseSchema):
    materials_estimate_fen = fen_field(allow_none=True)


class ReasonSchema(BaseSchema):
    reason = note_field(allow_none=True)


class NoteSchema(BaseSchema):
    note = note_field(allow_none=True)


class EmptySchema(BaseSchema):
    pass


class CompleteSchema(BaseSchema):
    minutes = fields.Integer(strict=True, required=True, validate=between(1, 720))
    materials_fen = fen_field(load_default=0)
    note = note_field(1000, allow_none=True)


class ConfirmSchema(BaseSchema):
    rating = fields.Integer(strict=True, allow_none=True, validate=between(1, 5))
    comment = note_field(allow_none=True)


class DisputeSchema(BaseSchema):
    reason = TrimmedString(required=True, validate=length(1, 500))


class ResolveSchema(BaseSchema):
    outcome = fields.String(required=True, validate=one_of(["confirm", "reopen"]))
    note = TrimmedString(required=True, validate=length(1, 500))


class RescheduleSchema(BaseSchema):
    date = fields.Date(required=True)
    period = fields.String(required=True, validate=one_of(PERIODS))


class AssignSchema(BaseSchema):
    volunteer_id = id_field(required=True)
    reason = note_field(
        allow_none=True,
        metadata={"description": "Required when he does not serve the request's grid."},
    )


class PhotoUploadSchema(BaseSchema):
    photo = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class QuoteSchema(ma.Schema):
    """A volunteer's view carries only amount_due_fen; its other fields are null."""

    labour_fee_fen = fields.Integer(allow_none=True)
    waived_fen = fields.Integer(allow_none=True)
    materials_fen = fields.Integer(allow_none=True)
    amount_due_fen = fields.Integer()
    waiver_rule = fields.String(allow_none=True)
    waiver_pending_verification = fields.Boolean(allow_none=True)


class EventSchema(ma.Schema):
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    action = fields.String()
    note = fields.String()


class PhotoSchema(ma.Schema):
    id = fields.Integer()
    url = fields.String()


class VolunteerContactSchema(ma.Schema):
    name = fields.String()
    phone = fields.String(allow_none=True)


class BookingSchema(PlainDump):
    """A booking as API.md shows it; the private fields are null for those who may not see
    them. `actions` lists what the caller may do now (the buttons to show). Dumped by the lean
    path: lists of bookings are the API's busiest answers."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": STATUSES})
    escalated = fields.Boolean()
    no_show = fields.Boolean()
    booker_id = fields.Integer()
    beneficiary_id = fields.Integer()
    listing_id = fields.Integer(allow_none=True)
    category_id = fields.Integer()
    volunteer_id = fields.Integer(allow_none=True)
    community_id = fields.Integer()
    grid_id = fields.Integer()
    date = fields.Date()
    period = fields.String(metadata={"enum": PERIODS})
    mode = fields.String()
    description = fields.String()
    address = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    door_note = fields.String(allow_none=True)
    photos = fields.List(fields.Nested(PhotoSchema), allow_none=True)
    quote = fields.Nested(QuoteSchema)
    materials_estimate_fen = fields.Integer(allow_none=True)
    minutes = fields.Integer(allow_none=True)
    materials_fen = fields.Integer(allow_none=True)
    completion_note = fields.String()
    rating = fields.Integer(allow_none=True)
    comment = fields.String()
    paid = fields.Boolean()
    linked_booking_id = fields.Integer(allow_none=True)
    concern_id = fields.Integer(allow_none=True)
    volunteer_contact = fields.Nested(
        VolunteerContactSchema,
        allow_none=True,
        metadata={
            "description": "Its volunteer's full name and phone, for the booking's people once "
            "he has accepted; phone null after confirmation or 7 days after completion."
        },
    )
    events = fields.List(fields.Nested(EventSchema))
    actions = fields.List(
        fields.String(metadata={"enum": ACTION_SEGMENTS}),
        metadata={
            "description": "The moves the caller may make now, each spelled as the last segment "
            "of its path, POST /bookings/{id}/<action> (`resolve` for both outcomes of a "
            "dispute, which its body chooses). Each one, tried with a valid body, succeeds."
        },
    )
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
