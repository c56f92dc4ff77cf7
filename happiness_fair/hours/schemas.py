"""The hours part of the API contract (API.md "Hours and rankings")."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from ..api.base import PageArgs
from ..api.plain_dump import PlainDump
from ..validation import BaseSchema, TrimmedString, between, id_field, length, one_of
from .models import CorrectionStatus, HoursStatus, Source
from .rules import RankingPeriod

MAX_MINUTES = 1440
FORMATS = ("json", "csv", "xlsx")


def minutes_field(**kwargs) -> fields.Integer:
    return fields.Integer(strict=True, validate=between(1, MAX_MINUTES), **kwargs)


def reason_field(**kwargs) -> TrimmedString:
    return TrimmedString(validate=length(1, 500), **kwargs)


class RangeArgs(BaseSchema):
    class Meta:
        unknown = ma.EXCLUDE

    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)


class HoursListArgs(PageArgs, RangeArgs):
    volunteer_id = id_field(load_default=None)
    grid_id = id_field(load_default=None)
    status = fields.String(load_default=None, validate=one_of(s.value for s in HoursStatus))


class HoursRecordSchema(ma.Schema):
    id = fields.Integer()
    volunteer_id = fields.Integer()
    minutes = fields.Integer()
    date = fields.Date()
    grid_id = fields.Integer()
    source = fields.String(metadata={"enum": [s.value for s in Source]})
    booking_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"enum": [s.value for s in HoursStatus]})
    reason = fields.String()
    organising_unit = fields.String(
        metadata={"description": "order 67 art. 7; fixed when verified, empty before"}
    )
    person_in_charge = fields.String(
        metadata={"description": "order 67 art. 7; fixed when verified, empty before"}
    )


class PersonInChargeSchema(BaseSchema):
    """The community's 负责人 for volunteer service (the last fallback of a record's person in
    charge); empty when the office has named none."""

    name = TrimmedString(required=True, validate=length(max=40))


class ManualHoursSchema(BaseSchema):
    volunteer_id = id_field(required=True)
    minutes = minutes_field(required=True)
    date = fields.Date(required=True)
    grid_id = id_field(required=True)
    reason = reason_field(required=True)


class ManualHoursForm(ManualHoursSchema):
    """The same, typed into the office's form (numbers arrive as text; the choosers start on
    no one and no grid, so each is asked for by name)."""

    volunteer_id = id_field(required=True, error_messages={"required": _l("Choose a volunteer.")})
    minutes = fields.Integer(required=True, validate=between(1, MAX_MINUTES))
    grid_id = id_field(
        required=True, error_messages={"required": _l("Choose the grid where the time was given.")}
    )


class CorrectionRequestSchema(BaseSchema):
    minutes = minutes_field(required=True)
    reason = reason_field(required=True)


class CorrectionDecisionSchema(BaseSchema):
    note = TrimmedString(load_default="", validate=length(max=500))


class CorrectionListArgs(PageArgs):
    status = fields.String(load_default=None, validate=one_of(s.value for s in CorrectionStatus))


class CorrectionSchema(ma.Schema):
    id = fields.Integer()
    record_id = fields.Integer()
    volunteer_id = fields.Integer()
    minutes = fields.Integer()
    previous_minutes = fields.Integer()
    reason = fields.String()
    status = fields.String(metadata={"enum": [s.value for s in CorrectionStatus]})
    decision_note = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class SummarySchema(ma.Schema):
    volunteer_id = fields.Integer()
    verified_minutes = fields.Integer()
    services = fields.Integer()
    star_level = fields.Integer()
    next_star_minutes = fields.Integer(allow_none=True)
    show_full_name = fields.Boolean()


class GridRankingArgs(RangeArgs):
    period = fields.String(load_default=None, validate=one_of(p.value for p in RankingPeriod))
    format = fields.String(load_default="json", validate=one_of(FORMATS))


class VolunteerRankingArgs(GridRankingArgs):
    grid_id = id_field(load_default=None)
    tag = TrimmedString(load_default=None, validate=length(1, 40))
    team_id = id_field(load_default=None)
    limit = fields.Integer(load_default=None, validate=between(1, 1000))


class RankedVolunteerSchema(ma.Schema):
    rank = fields.Integer()
    volunteer_id = fields.Integer()
    name = fields.String()
    minutes = fields.Integer()
    services = fields.Integer()
    star_level = fields.Integer()


class VolunteerRankingSchema(PlainDump):
    from_ = fields.Date(data_key="from", allow_none=True)
    to = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(RankedVolunteerSchema))


class GridLineSchema(ma.Schema):
    grid_id = fields.Integer()
    name = fields.String()
    minutes = fields.Integer()
    services = fields.Integer()
    volunteers = fields.Integer()


class GridTableSchema(PlainDump):
    from_ = fields.Date(data_key="from", allow_none=True)
    to = fields.Date(allow_none=True)
    items = fields.List(fields.Nested(GridLineSchema))


class HonourArgs(BaseSchema):
    class Meta:
        unknown = ma.EXCLUDE

    community_id = id_field(required=True)
    period = fields.String(load_default="month", validate=one_of(("month", "year")))


class HonourLineSchema(ma.Schema):
    rank = fields.Integer()
    name = fields.String()
    minutes = fields.Integer()
    services = fields.Integer()
    star_level = fields.Integer()


class HonourBoardSchema(ma.Schema):
    community_id = fields.Integer()
    period = fields.String()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    items = fields.List(fields.Nested(HonourLineSchema))
