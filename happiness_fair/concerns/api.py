"""Concerns (民情) over JSON (API.md "Concerns"): raise, list, see, move through 提、交、落、回,
photos, "me too", handlers, micro-grid helpers, the grid's board and the office's lists."""

from __future__ import annotations

from flask import current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..accounts.limits import photo_uploads
from ..accounts.security import me
from ..api import examples
from ..api.base import ApiBlueprint, PageArgs, list_schema, login_required, page_schema, paged
from ..bookings.schemas import PhotoSchema, PhotoUploadSchema
from ..errors import NotFound, ValidationFailed
from ..extensions import db
from ..photo_uploads import PHOTO_RESPONSES, one_upload, serve
from ..places import clock
from ..places.models import Community
from ..validation import MAX_ID
from . import access, categories, desk, micro_grid, moving, photos, raising, reading
from . import handlers as concern_handlers
from . import summary as lists
from .models import Concern, ConcernCategory, Handler, default_categories
from .rules import Action
from .schemas import (
    ConcernBoardSchema,
    ConcernCategoryArgs,
    ConcernCategoryPatchSchema,
    ConcernCategorySchema,
    ConcernListArgs,
    ConcernNoteSchema,
    ConcernSchema,
    ConcernSummaryArgs,
    ConcernSummarySchema,
    DoneSchema,
    HandlerPatchSchema,
    HandlerSchema,
    HandOverSchema,
    MeTooSchema,
    MicroGridAnswerSchema,
    MicroGridSchema,
    NewConcernCategorySchema,
    NewConcernSchema,
    NewHandlerSchema,
    ReportBackSchema,
    RequiredNoteSchema,
    ToBookingSchema,
)

blp = ApiBlueprint("concerns_api", __name__, description="Concerns (民情): 提、交、落、回")

ACTION_ERRORS = (400, 401, 403, 404, 409, 422)
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "A retry with the same key returns the first concern instead of a second.",
    "schema": {"type": "string", "maxLength": 100},
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_formats_doc(component: str) -> dict:
    """The lists' answer: JSON (the schema component), or with format=xlsx the same lists as a
    spreadsheet (as hours/api.py documents its tables)."""
    return {
        "responses": {
            "200": {
                "description": "JSON, or with format=xlsx the same lists as a spreadsheet",
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}},
                    XLSX: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    }


def _viewer() -> access.Viewer:
    if "concern_viewer" not in g:
        g.concern_viewer = access.viewer_of(me())
    return g.concern_viewer


def _locale() -> str:
    return str(get_locale() or "zh_CN")


def _categories() -> dict[int, ConcernCategory]:
    if "concern_categories" not in g:
        user = me()
        community_id = user.community_id if user is not None else None
        g.concern_categories = {
            c.id: c for c in categories.categories(community_id, active_only=False)
        }
    return g.concern_categories


def concern_view(concern: Concern, viewer: access.Viewer, handlers: dict | None = None) -> dict:
    """The concern as this person may see it: on a public concern, who raised it, for whom and
    the flat are only for her people and staff."""
    people = access.sees_people(viewer, concern)
    category = _categories().get(concern.category_id)
    if handlers is None:
        handlers = concern_handlers.handler_names([concern.handler_id])
    return {
        "id": concern.id,
        "status": concern.status.value,
        "category": category.code if category else "",
        "category_name": category.name_in(_locale()) if category else "",
        "description": concern.description,
        "community_id": concern.community_id,
        "grid_id": concern.grid_id,
        "building_id": concern.building_id,
        "compound_id": concern.compound_id,
        "place": reading.place_of(concern, people),
        "unit": concern.unit if people else None,
        "room": concern.room if people else None,
        "location_note": concern.location_note,
        "public_area": concern.public_area,
        "private": concern.private,
        "source": concern.source if people else None,
        "photos": [{"id": p.id, "url": photo_url(concern.id, p.id)} for p in concern.photos],
        "raised_by": concern.raised_by_id if people else None,
        "resident_id": concern.resident_id if people else None,
        "me_too_count": concern.me_too_count,
        "me_too": moving.said_me_too(concern.id, viewer.id) if not concern.private else False,
        "handler_id": concern.handler_id,
        "handler_name": handlers.get(concern.handler_id),
        "due_on": concern.due_on,
        "booking_id": concern.booking_id if people else None,
        "escalated": concern.escalated,
        "overdue": desk.is_overdue(concern),
        "done_note": concern.done_note,
        "done_by": concern.done_by,
        "outcome": concern.outcome.value if concern.outcome and people else None,
        "report_note": concern.report_note if people else None,
        "created_at": concern.created_at,
        "accepted_at": concern.accepted_at,
        "handed_over_at": concern.handed_over_at,
        "done_at": concern.done_at,
        "reported_back_at": concern.reported_back_at,
        "events": [
            {
                "at": e.at,
                "actor_id": e.actor_id if people else None,
                "from_status": e.from_status.value if e.from_status else None,
                "to_status": e.to_status.value,
                "action": e.action,
                "note": e.note if people else "",
            }
            for e in concern.events
        ],
        "actions": access.allowed_actions(viewer, concern),
    }


def views(items) -> list[dict]:
    viewer = _viewer()
    handlers = concern_handlers.handler_names({c.handler_id for c in items})
    return [concern_view(c, viewer, handlers) for c in items]


def photo_url(concern_id: int, photo_id: int) -> str:
    return url_for("concerns_api.get_concern_photo", concern_id=concern_id, photo_id=photo_id)


def _present(concern_id: int) -> dict:
    return concern_view(reading.load_concern(concern_id), _viewer())


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 100:
        raise ValidationFailed(fields={"Idempotency-Key": [_("Use a key of 1 to 100 characters.")]})
    return key


def _concern(concern_id: int) -> Concern:
    concern = reading.load_concern(concern_id)
    if concern is None:
        raise NotFound()
    return concern


# --- raising and reading ---------------------------------------------------------------------


@blp.post("/concerns")
@blp.arguments(NewConcernSchema, example=examples.NEW_CONCERN)
@blp.response(201, ConcernSchema, example=examples.CONCERN_RAISED)
@blp.errors(400, 401, 409, 422)
@blp.doc(operationId="raiseConcern", parameters=[IDEMPOTENCY_HEADER])
@login_required
def raise_concern(data):
    """Raise a concern (提) about a home or a shared place.

    Who: any signed-in caller of the community. A resident: about her own flat, a shared place of
    her compound, or (with `on_behalf_of_resident_id`) the home of a person she manages. A
    micro-grid helper: for the buildings he serves, by address. A grid worker or the office: on
    behalf of a resident of their grids, or a patrol finding with no resident. A shared place
    (`public_area`) is public, never `private`. Send an `Idempotency-Key` so a retry returns the
    first concern.

    - 409: `conflict`: a request with the same `Idempotency-Key` is still being saved (two sends
      of one form at the same moment); retrying with that key a moment later answers 201 with
      the concern the first one made, never a second concern.
    - 422: a field is invalid: an unknown or retired `category`, a place or person that is not the
      caller's to raise for, a public area without a building lacking `compound_id` and
      `location_note`, a private concern about a shared place, a bad `Idempotency-Key`."""
    concern = raising.raise_concern(me(), data, _idempotency_key())
    return _present(concern.id)


@blp.get("/concerns")
@blp.arguments(ConcernListArgs, location="query")
@blp.response(200, page_schema(ConcernSchema, "ConcernPage"))
@blp.errors(401, 403, 422)
@blp.doc(operationId="listConcerns")
@login_required
def list_concerns(args):
    """The concerns the caller may see, newest first (paged).

    Who: any signed-in caller. `scope=mine`: those she raised and those about her and the people
    she manages; `scope=grid`: her grids' (grid workers; the office: the whole community);
    `scope=public`: the public concerns of her compound and (a micro-grid helper) of his
    buildings. Without `scope`, all of these. On a public concern who raised it, for whom and
    the flat go only to her people and staff.

    - 403: `scope=grid` from a caller who is neither a grid worker nor the office.
    - 422: a query argument is invalid (an unknown `status` or `scope`)."""
    items, total = reading.concerns_for(
        _viewer(),
        scope=args.get("scope"),
        status=args.get("status"),
        grid_id=args.get("grid_id"),
        category=args.get("category"),
        page=args["page"],
        per_page=args["per_page"],
    )
    return paged(views(items), total, args)


@blp.get("/concerns/<int:concern_id>")
@blp.response(200, ConcernSchema)
@blp.errors(401, 404)
@blp.doc(operationId="getConcern")
@login_required
def get_concern(concern_id):
    """One concern with its timeline and the caller's `actions`.

    Who: its people (who raised it, the resident it is about, her managers), grid workers of its
    grid and the office; a public concern also the residents of its compound and the micro-grid
    helper of its building (without who raised it, for whom and the flat).

    - 404: no such concern, or the caller may not see it (a private concern, to anyone but its
      people and staff)."""
    viewer = _viewer()
    return concern_view(reading.visible_concern(viewer.user, concern_id, viewer), viewer)


def _category_view(category, locale: str, counts: dict[int, int] | None = None) -> dict:
    return {
        "code": category.code,
        "name": category.name_in(locale),
        "name_zh": category.name_zh,
        "name_en": category.name_en,
        "active": category.active,
        "concern_count": counts.get(category.id, 0) if counts is not None else None,
    }


@blp.get("/concern-categories")
@blp.arguments(ConcernCategoryArgs, location="query")
@blp.response(200, list_schema(ConcernCategorySchema, "ConcernCategoryList"))
@blp.errors(422)
@blp.doc(operationId="listConcernCategories")
def list_concern_categories(args):
    """The kinds of concern of a community, in its office's order.

    Who: anyone, signed in or not. A signed-in caller gets her own community's (`community_id` is
    then ignored); anyone else the community named by `community_id`, or without it the kinds
    every community starts with. Names are in the caller's language, and in both. The office
    also gets its retired kinds (`active` false) and how many concerns each has
    (`concern_count`).

    - 422: `community_id` is not a valid id."""
    locale = _locale()
    user = me()
    community_id = user.community_id if user is not None else args.get("community_id")
    if community_id is None:
        return {
            "items": [
                _category_view(ConcernCategory(**row), locale) for row in default_categories(0)
            ]
        }
    office = user is not None and user.is_office
    found = categories.categories(community_id, active_only=not office)
    counts = categories.category_counts(community_id) if office else None
    return {"items": [_category_view(c, locale, counts) for c in found]}


@blp.post("/concern-categories")
@blp.arguments(NewConcernCategorySchema, example={"name_zh": "加装电梯", "name_en": "New lifts"})
@blp.response(201, ConcernCategorySchema)
@blp.errors(400, 401, 403, 409, 422)
@blp.doc(operationId="createConcernCategory")
@login_required
def create_concern_category(data):
    """Add a kind of concern to the community, named in Chinese and English.

    Who: the office. Without `code` one is made (`c` and a number). It is offered at once to
    whoever raises a concern in the community; other communities' lists do not change. Audited.

    - 403: the caller is not the office.
    - 409: another kind of the community has this name (in either language) or this `code`.
    - 422: a name is missing or too long, or `code` is not small letters, digits and _."""
    category = categories.create_category(me(), data)
    return _category_view(category, _locale(), {})


@blp.patch("/concern-categories/<string(maxlength=30):code>")
@blp.arguments(ConcernCategoryPatchSchema, example={"name_en": "Lifts and stairs"})
@blp.response(200, ConcernCategorySchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="updateConcernCategory")
@login_required
def update_concern_category(data, code):
    """Rename a kind of concern (either language), retire it (`active` false) or use it again.

    Who: the office, for its own community. A kind is never deleted: its concerns keep it and
    show its name; a retired kind is only no longer offered for new concerns. Audited.

    - 403: the caller may see the kind but is not the office.
    - 404: no such kind in the caller's community.
    - 409: another kind has this name, or retiring it would leave none in use.
    - 422: a name is empty or too long."""
    user = me()
    category = categories.update_category(user, code, data)
    return _category_view(category, _locale(), categories.category_counts(user.community_id))


# --- moves -----------------------------------------------------------------------------------


def _act(concern_id: int, action: Action, **details) -> dict:
    moving.transition(_concern(concern_id), me(), action, **details)
    return _present(concern_id)


@blp.post("/concerns/<int:concern_id>/accept")
@blp.arguments(ConcernNoteSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="acceptConcern")
@login_required
def accept(data, concern_id):
    """The grid takes the concern up; the raiser is told.

    Who: grid workers of its grid and the office of its community.

    - 403: the caller may see it but is not staff (its people, a neighbour, the micro-grid helper).
    - 404: no such concern, or the caller may not see it.
    - 409: it is no longer raised (or another worker moved it at the same moment).
    - 422: `note` is too long."""
    return _act(concern_id, Action.accept, **data)


@blp.post("/concerns/<int:concern_id>/hand-over")
@blp.arguments(HandOverSchema, example=examples.HAND_OVER)
@blp.response(200, ConcernSchema, example=examples.CONCERN_HANDED_OVER)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="handOverConcern")
@login_required
def hand_over(data, concern_id):
    """Hand the concern to a handler (交) with a due date; the raiser is told.

    Who: grid workers of its grid and the office. The raiser hears to whom and by when; handing it
    over again (to another handler, with a new due date) is allowed.

    - 403: the caller may see it but is not staff.
    - 404: no such concern, or the caller may not see it.
    - 409: it is not accepted, in hand or handed over now.
    - 422: a due date in the past, or a handler that is retired or another community's."""
    return _act(concern_id, Action.hand_over, **data)


@blp.post("/concerns/<int:concern_id>/in-hand")
@blp.arguments(ConcernNoteSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="takeConcernInHand")
@login_required
def in_hand(data, concern_id):
    """The grid does the concern itself, without a handler.

    Who: grid workers of its grid and the office.

    - 403: the caller may see it but is not staff.
    - 404: no such concern, or the caller may not see it.
    - 409: it is not accepted or handed over now.
    - 422: `note` is too long."""
    return _act(concern_id, Action.in_hand, **data)


@blp.post("/concerns/<int:concern_id>/to-booking")
@blp.arguments(ToBookingSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="turnConcernIntoBooking")
@login_required
def to_booking(data, concern_id):
    """Turn the concern into a volunteer booking at its resident's home.

    Who: grid workers of its grid and the office, when a handyman can do it at her home. The
    booking (mode `home`) carries `description`, the text the caller writes for the volunteers,
    who read it before accepting (the concern's own words stay with her people and staff). It is
    linked both ways: `booking_id` here, `concern_id` on the booking; the resident is told. Its
    confirmation marks the concern done; its cancellation puts it back in hand.

    - 403: the caller may see it but is not staff.
    - 404: no such concern, or the caller may not see it.
    - 409: it is not accepted or in hand, it has no resident (a patrol finding or a helper's
      report), it is about a shared place (a booking goes to a home), or it already has one.
    - 422: `description` missing or too long; as `POST /bookings`: both or neither of
      `listing_id` and `category_id`, a date in the past, a service that is not available."""
    moving.to_booking(_concern(concern_id), me(), data)
    return _present(concern_id)


@blp.post("/concerns/<int:concern_id>/handler-answer")
@blp.arguments(RequiredNoteSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="recordHandlerAnswer")
@login_required
def handler_answer(data, concern_id):
    """Record what the handler answered.

    Who: grid workers of its grid and the office, on the handler's behalf (a handler has no
    account).

    - 403: the caller may see it but is not staff.
    - 404: no such concern, or the caller may not see it.
    - 409: it is not handed over now.
    - 422: `note` is missing or too long."""
    return _act(concern_id, Action.handler_answer, **data)


@blp.post("/concerns/<int:concern_id>/done")
@blp.arguments(DoneSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="markConcernDone")
@login_required
def done(data, concern_id):
    """Mark the concern done (落); the raiser is told.

    Who: grid workers of its grid and the office: what was done, by whom (`done_by`, by default the
    handler) and the ids of photos already added.

    - 403: the caller may see it but is not staff.
    - 404: no such concern, or the caller may not see it.
    - 409: it is not handed over or in hand, or a linked booking is open (its confirmation marks it
      done).
    - 422: `note` is missing, or `photo_ids` are not this concern's."""
    return _act(concern_id, Action.done, **data)


@blp.post("/concerns/<int:concern_id>/report-back")
@blp.arguments(ReportBackSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="reportBackOnConcern")
@login_required
def report_back(data, concern_id):
    """Record the report-back call to the resident (回).

    Who: grid workers of its grid and the office. `satisfied` or `partly`: reported back;
    `not_satisfied`: accepted again, without its handler or booking; `unreachable`: it stays done.

    - 403: the caller may see it but is not staff.
    - 404: no such concern, or the caller may not see it.
    - 409: it is not done now.
    - 422: an unknown `outcome`, or `note` too long."""
    moving.report_back(_concern(concern_id), me(), data["outcome"], data.get("note"))
    return _present(concern_id)


@blp.post("/concerns/<int:concern_id>/close")
@blp.arguments(ConcernNoteSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="closeConcern")
@login_required
def close(data, concern_id):
    """Close the concern.

    Who: grid workers of its grid and the office, once it is reported back (or done, when the
    resident could not be reached).

    - 403: the caller may see it but is not staff.
    - 404: no such concern, or the caller may not see it.
    - 409: it is not reported back or done now.
    - 422: `note` is too long."""
    return _act(concern_id, Action.close, **data)


@blp.post("/concerns/<int:concern_id>/me-too")
@blp.arguments(MeTooSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="addMeToo")
@login_required
def add_me_too(data, concern_id):
    """Say "me too" on a public concern instead of raising a duplicate.

    Who: a resident of the concern's compound, or the micro-grid helper of its building. Saying it
    again changes nothing (200); the raiser's own is already counted.

    - 403: the caller may see it only as staff or as one of its people.
    - 404: no such concern, or the caller may not see it (a private concern, to anyone but its
      people and staff).
    - 409: it is done, reported back or closed.
    - 422: the body is not empty."""
    moving.me_too(_concern(concern_id), me())
    return _present(concern_id)


# --- photos ----------------------------------------------------------------------------------


@blp.post("/concerns/<int:concern_id>/photos")
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
@blp.errors(400, 401, 403, 404, 409, 422, 429)
@blp.doc(operationId="addConcernPhoto")
@photo_uploads
@login_required
def add_concern_photo(data, concern_id):
    """Attach a photo of the problem or of the work done (multipart, field `photo`).

    Who: its people (who raised it, the resident it is about, her managers), grid workers of its
    grid and the office. JPEG or PNG, at most 10 MB, at most three a concern; location data is
    removed and the photo scaled to 2048 pixels at most. The answer's `url` serves it
    (`getConcernPhoto`).

    - 403: the caller may see it but may not add photos (a neighbour, the micro-grid helper).
    - 404: no such concern, or the caller may not see it.
    - 409: it already has three photos, or it is closed.
    - 422: not a JPEG or PNG, over 10 MB, too many pixels, or a JPEG in over 32 scans (checked
      before decoding).
    - 429: over 30 uploads in an hour by this account (booking and concern photos together)."""
    clean = one_upload(data["photo"])  # decoded before any write: no lock held meanwhile
    photo = photos.add_photo(me(), concern_id, clean)
    return {"id": photo.id, "url": photo_url(concern_id, photo.id)}


@blp.get("/concerns/<int:concern_id>/photos/<int:photo_id>")
@blp.doc(operationId="getConcernPhoto", responses=PHOTO_RESPONSES)
@blp.errors(401, 404)
@login_required
def get_concern_photo(concern_id, photo_id):
    """One photo of a concern.

    Who: whoever may see the concern.

    - 404: no such concern or photo, or the caller may not see the concern."""
    if photo_id > MAX_ID:
        raise NotFound()
    photo = photos.photo_for(me(), concern_id, photo_id)
    return serve(photo)


# --- the grid's desk and the office's lists --------------------------------------------------


@blp.get("/concerns/board")
@blp.response(200, ConcernBoardSchema)
@blp.errors(401, 403)
@blp.doc(operationId="getConcernBoard")
@login_required
def concern_board():
    """The grid's board: new, due soon, overdue and to report back.

    Who: grid workers (their grids' concerns) and the office (the community's). Each section has
    the first ten concerns, oldest first, and how many there are.

    - 403: the caller is neither a grid worker nor the office."""
    return {
        name: {"total": total, "items": views(items)}
        for name, (items, total) in desk.board(me()).items()
    }


@blp.get("/concerns/overdue")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ConcernSchema, "OverdueConcernPage"))
@blp.errors(401, 403, 422)
@blp.doc(operationId="listOverdueConcerns")
@login_required
def overdue_concerns(args):
    """Concerns handed over and past their due date, the oldest due first (paged).

    Who: the office.

    - 403: the caller is not the office.
    - 422: a query argument is invalid."""
    items, total = desk.overdue_for_office(me(), args["page"], args["per_page"])
    return paged(views(items), total, args)


@blp.get("/concerns/summary")
@blp.arguments(ConcernSummaryArgs, location="query")
@blp.response(200, ConcernSummarySchema)
@blp.doc(operationId="getConcernSummary")
@blp.doc(**file_formats_doc("ConcernSummary"))
@blp.errors(401, 403, 422)
@login_required
def concern_summary(args):
    """The 问题清单 / 成果清单: per grid and month, and per handler.

    Who: grid workers (their grids) and the office (the community). Per grid and month: raised,
    handed_over, done, reported_back, satisfied, median_days_to_done, overdue; per handler the same
    for what was handed to it, the slowest first. `format=xlsx` answers a file whose first sheet
    lists each concern raised in the range (place, problem, handler, due date, result, call back)
    under a title, the community and the range, then the same tables.

    - 403: the caller is neither a grid worker nor the office.
    - 422: an invalid period or `format`, a range backwards or over two years."""
    today = clock.today()
    start, end = lists.bounds(args["period"], args.get("from_"), args.get("to"), today)
    result = lists.summary(me(), start=start, end=end, today=today, grid_id=args.get("grid_id"))
    if args["format"] == "xlsx":
        user = me()
        problem_list = lists.problems(user, start=start, end=end, grid_id=args.get("grid_id"))
        community = db.session.get(Community, user.community_id)
        response = current_app.response_class(
            lists.to_xlsx(result, problem_list, community.name if community else ""),
            mimetype=XLSX,
        )
        name = f"concerns-{start.isoformat()}-{end.isoformat()}.xlsx"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return result


# --- handlers and micro-grid helpers ---------------------------------------------------------


def _handler_view(handler: Handler) -> dict:
    return {
        "id": handler.id,
        "name": handler.name,
        "kind": handler.kind.value,
        "compound_id": handler.compound_id,
        "contact_name": handler.contact_name,
        "contact_phone": handler.contact_phone,
        "active": handler.active,
    }


@blp.get("/handlers")
@blp.response(200, list_schema(HandlerSchema, "HandlerList"))
@blp.errors(401, 403)
@blp.doc(operationId="listHandlers")
@login_required
def list_handlers():
    """The community's handlers (承办单位) with their contacts.

    Who: grid workers and the office; the office also sees retired handlers.

    - 403: the caller is neither a grid worker nor the office."""
    user = me()
    return {
        "items": [
            _handler_view(h)
            for h in concern_handlers.handlers_of(user, include_inactive=user.is_office)
        ]
    }


@blp.post("/handlers")
@blp.arguments(NewHandlerSchema)
@blp.response(201, HandlerSchema)
@blp.errors(400, 401, 403, 409, 422)
@blp.doc(operationId="createHandler")
@login_required
def create_handler(data):
    """Add a handler: a compound's 物业, a street department, a utility, a liaison station.

    Who: the office.

    - 403: the caller is not the office.
    - 409: the community already has a handler of this name.
    - 422: a field is invalid: an unknown `kind`, a compound of another community."""
    return _handler_view(concern_handlers.create_handler(me(), data))


@blp.patch("/handlers/<int:handler_id>")
@blp.arguments(HandlerPatchSchema)
@blp.response(200, HandlerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="updateHandler")
@login_required
def update_handler(data, handler_id):
    """Change a handler's name, kind, compound or contact, or retire it (`active` false).

    Who: the office.

    - 403: the caller is not the office.
    - 404: no such handler in the caller's community.
    - 409: the community already has another handler of this name.
    - 422: a field is invalid: an unknown `kind`, a compound of another community."""
    return _handler_view(concern_handlers.update_handler(me(), handler_id, data))


@blp.put("/residents/<int:resident_id>/micro-grid")
@blp.arguments(MicroGridSchema)
@blp.response(200, MicroGridAnswerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="appointMicroGridHelper")
@login_required
def appoint_micro_grid_helper(data, resident_id):
    """Appoint a resident as micro-grid helper (微网格员) for buildings.

    Who: the office. The helper raises concerns for these buildings by address and sees their public
    concerns; an empty `building_ids` ends the appointment.

    - 403: the caller may see the resident but is not the office.
    - 404: no such resident, or the caller may not see her.
    - 409: the resident has no account of her own.
    - 422: a building of another community, or more than 50."""
    ids = micro_grid.appoint_micro_grid_helper(me(), resident_id, data["building_ids"])
    return {"resident_id": resident_id, "building_ids": ids}
