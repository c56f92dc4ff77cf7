"""Follow-up calls and the grid's board over JSON (API.md "Bookings")."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields

from ..accounts.security import me
from ..api import examples
from ..api.base import ApiBlueprint, PageArgs, login_required, page_schema, paged
from ..bookings import access, contact, reading
from ..bookings.api import booking_view, list_view
from ..bookings.schemas import BookingSchema, note_field
from ..validation import BaseSchema, between, one_of
from . import service
from .models import Outcome

blp = ApiBlueprint(
    "followups_api",
    __name__,
    description="Follow-up calls and the grid's board",
    tag="follow-ups",
)


class FollowUpSchema(BaseSchema):
    outcome = fields.String(required=True, validate=one_of(o.value for o in Outcome))
    satisfaction = fields.Integer(strict=True, allow_none=True, validate=between(1, 5))
    note = note_field(allow_none=True)


class BoardSectionSchema(ma.Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(BookingSchema))


class BoardSchema(ma.Schema):
    new = fields.Nested(BoardSectionSchema)
    escalated = fields.Nested(BoardSectionSchema)
    today = fields.Nested(BoardSectionSchema)
    disputed = fields.Nested(BoardSectionSchema)
    follow_up = fields.Nested(BoardSectionSchema)


def _views(items, viewer: access.Viewer | None = None) -> list[dict]:
    """Bookings in a list, their volunteers' names and phones read at once (not one a row)."""
    viewer = viewer or access.viewer_of(me())
    contact.load_volunteers(items, viewer)
    return [list_view(b, viewer) for b in items]


@blp.post("/bookings/<int:booking_id>/follow-up")
@blp.doc(operationId="recordFollowUp")
@blp.arguments(FollowUpSchema, example=examples.FOLLOW_UP)
@blp.response(200, BookingSchema, example=examples.BOOKING_FOLLOWED_UP)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def follow_up(data, booking_id):
    """Record the follow-up call: solved, partly, not solved or unreachable.

    Who: grid workers of the booking's grid and the office. "solved" confirms a completed booking;
    "partly" and "not_solved" open a new request for the same person, named by the answer's
    `linked_booking_id`.

    - 403: the caller may see the booking but is not staff.
    - 404: no such booking, or the caller may not see it.
    - 409: the booking is not completed or confirmed, or its call is already recorded.
    - 422: an unknown `outcome`, `satisfaction` outside 1–5."""
    user = me()
    booking = service.record_call(user, booking_id, data)
    return booking_view(reading.load_booking(booking.id), access.viewer_of(user))


@blp.get("/follow-ups")
@blp.doc(operationId="listFollowUps")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(BookingSchema, "FollowUpPage"))
@blp.errors(401, 403, 422)
@login_required
def list_follow_ups(args):
    """Bookings awaiting a follow-up call in the caller's grids (paged).

    Who: grid workers (their grids) and the office.

    - 403: the caller is not staff.
    - 422: a query argument is invalid."""
    items, total = service.awaiting(me(), args["page"], args["per_page"])
    return paged(_views(items), total, args)


@blp.get("/board")
@blp.doc(operationId="getGridBoard")
@blp.response(200, BoardSchema)
@blp.errors(401, 403)
@login_required
def grid_board():
    """The grid's board: new, escalated, today's, disputed, and calls to make.

    Who: grid workers (their grids) and the office. The first ten of each section and how many
    there are.

    - 403: the caller is not staff."""
    sections = service.board(me())
    viewer = access.viewer_of(me())
    contact.load_volunteers([b for items, _total in sections.values() for b in items], viewer)
    return {
        name: {"total": total, "items": _views(items, viewer)}
        for name, (items, total) in sections.items()
    }
