"""Concerns (民情) over JSON (API.md "Concerns"): raise, list, see, move through 提、交、落、回,
photos, "me too", handlers, micro-grid helpers, the grid's board and the office's lists."""

from __future__ import annotations

from flask import current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..api.base import ApiBlueprint, PageArgs, list_schema, login_required, page_schema, paged
from ..bookings.photos import MAX_BYTES
from ..bookings.schemas import PhotoSchema, PhotoUploadSchema
from ..errors import NotFound, ValidationFailed
from ..validation import MAX_ID
from . import access, service
from . import summary as lists
from .models import Concern, ConcernCategory, Handler
from .rules import Action
from .schemas import (
    ConcernBoardSchema,
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


def _user():
    return current_user._get_current_object()


def _viewer() -> access.Viewer:
    if "concern_viewer" not in g:
        g.concern_viewer = access.viewer_of(_user())
    return g.concern_viewer


def _locale() -> str:
    return str(get_locale() or "zh_CN")


def _categories() -> dict[int, ConcernCategory]:
    if "concern_categories" not in g:
        g.concern_categories = {c.id: c for c in service.categories(active_only=False)}
    return g.concern_categories


def place_of(concern: Concern, with_flat: bool) -> str:
    """Where it is, in words: compound, building, and the flat or the public place."""
    from ..extensions import db
    from ..places.models import Building, Compound

    parts = [db.session.get(Compound, concern.compound_id).name]
    if concern.building_id is not None:
        parts.append(db.session.get(Building, concern.building_id).name)
    if with_flat and concern.unit and concern.room:
        parts.append(_("unit %(unit)s, room %(room)s", unit=concern.unit, room=concern.room))
    if concern.location_note:
        parts.append(concern.location_note)
    elif concern.public_area:
        parts.append(_("public area"))
    return " ".join(parts)


def concern_view(concern: Concern, viewer: access.Viewer, handlers: dict | None = None) -> dict:
    """The concern as this person may see it: on a public concern, who raised it, for whom and
    the flat are only for her people and staff."""
    people = access.sees_people(viewer, concern)
    category = _categories().get(concern.category_id)
    if handlers is None:
        handlers = service.handler_names([concern.handler_id])
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
        "place": place_of(concern, people),
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
        "me_too": service.said_me_too(concern.id, viewer.id) if not concern.private else False,
        "handler_id": concern.handler_id,
        "handler_name": handlers.get(concern.handler_id),
        "due_on": concern.due_on,
        "booking_id": concern.booking_id if people else None,
        "escalated": concern.escalated,
        "overdue": service.is_overdue(concern),
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
    handlers = service.handler_names({c.handler_id for c in items})
    return [concern_view(c, viewer, handlers) for c in items]


def photo_url(concern_id: int, photo_id: int) -> str:
    return url_for("concerns_api.get_concern_photo", concern_id=concern_id, photo_id=photo_id)


def _present(concern_id: int) -> dict:
    return concern_view(service.load_concern(concern_id), _viewer())


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 100:
        raise ValidationFailed(fields={"Idempotency-Key": [_("Use a key of 1 to 100 characters.")]})
    return key


def _concern(concern_id: int) -> Concern:
    concern = service.load_concern(concern_id)
    if concern is None:
        raise NotFound()
    return concern


# --- raising and reading ---------------------------------------------------------------------


@blp.post("/concerns")
@blp.arguments(NewConcernSchema)
@blp.response(201, ConcernSchema)
@blp.errors(400, 401, 409, 422)
@blp.doc(operationId="raiseConcern", parameters=[IDEMPOTENCY_HEADER])
@login_required
def raise_concern(data):
    """Raise a concern (提). A resident: about her flat (or a family member's, with
    on_behalf_of_resident_id) or a shared place of her compound. A micro-grid helper: for the
    buildings he serves, by address. A grid worker or the office: on a resident's behalf, or a
    patrol finding with no resident. 422 when the place or the person is not the caller's to
    raise for, or a public area without a building lacks compound_id and location_note."""
    concern = service.raise_concern(_user(), data, _idempotency_key())
    return _present(concern.id)


@blp.get("/concerns")
@blp.arguments(ConcernListArgs, location="query")
@blp.response(200, page_schema(ConcernSchema, "ConcernPage"))
@blp.errors(401, 403, 422)
@blp.doc(operationId="listConcerns")
@login_required
def list_concerns(args):
    """The concerns the caller may see, newest first. scope=mine: hers and her family's;
    scope=grid: her grids' (grid workers, office; 403 to anyone else); scope=public: the
    public concerns of her compound and (a micro-grid helper) of his buildings."""
    items, total = service.concerns_for(
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
    """One concern with its timeline. 404 to anyone who may not see it (a private concern:
    only her people and the staff of its grid or community)."""
    viewer = _viewer()
    return concern_view(service.visible_concern(viewer.user, concern_id, viewer), viewer)


@blp.get("/concern-categories")
@blp.response(200, list_schema(ConcernCategorySchema, "ConcernCategoryList"))
@blp.doc(operationId="listConcernCategories")
def list_concern_categories():
    """The kinds of concern, shared by every community (public)."""
    locale = _locale()
    return {"items": [{"code": c.code, "name": c.name_in(locale)} for c in service.categories()]}


# --- moves -----------------------------------------------------------------------------------


def _act(concern_id: int, action: Action, **details) -> dict:
    service.transition(_concern(concern_id), _user(), action, **details)
    return _present(concern_id)


@blp.post("/concerns/<int:concern_id>/accept")
@blp.arguments(ConcernNoteSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="acceptConcern")
@login_required
def accept(data, concern_id):
    """(Grid worker of its grid, office) the grid takes it up; the raiser is told. 403 to a
    resident who may see it; 409 once it is no longer raised."""
    return _act(concern_id, Action.accept, **data)


@blp.post("/concerns/<int:concern_id>/hand-over")
@blp.arguments(HandOverSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="handOverConcern")
@login_required
def hand_over(data, concern_id):
    """(Grid worker, office) 交: hand it to a handler with a due date; the raiser is told to
    whom and by when. 422 for a due date in the past or a handler of another community; 409
    when it is not accepted (or in hand, or handed over) now."""
    return _act(concern_id, Action.hand_over, **data)


@blp.post("/concerns/<int:concern_id>/in-hand")
@blp.arguments(ConcernNoteSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="takeConcernInHand")
@login_required
def in_hand(data, concern_id):
    """(Grid worker, office) the grid does it itself. 409 unless accepted or handed over."""
    return _act(concern_id, Action.in_hand, **data)


@blp.post("/concerns/<int:concern_id>/to-booking")
@blp.arguments(ToBookingSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="turnConcernIntoBooking")
@login_required
def to_booking(data, concern_id):
    """(Grid worker, office) a handyman can do it: a volunteer booking for the concern's
    resident, linked both ways (booking_id here, concern_id on the booking); its confirmation
    marks the concern done, its cancellation puts it back in hand. 409 when the concern has no
    resident (a patrol finding) or already has a booking; 422 as POST /bookings."""
    service.to_booking(_concern(concern_id), _user(), data)
    return _present(concern_id)


@blp.post("/concerns/<int:concern_id>/handler-answer")
@blp.arguments(RequiredNoteSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="recordHandlerAnswer")
@login_required
def handler_answer(data, concern_id):
    """(Grid worker, office) record what the handler answered, and when (it has no account).
    409 unless handed over."""
    return _act(concern_id, Action.handler_answer, **data)


@blp.post("/concerns/<int:concern_id>/done")
@blp.arguments(DoneSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="markConcernDone")
@login_required
def done(data, concern_id):
    """(Grid worker, office) 落: what was done and by whom (default: the handler), with the
    ids of photos already added; the raiser is told. 409 unless handed over or in hand (or
    while a linked booking is open); 422 for photos of another concern."""
    return _act(concern_id, Action.done, **data)


@blp.post("/concerns/<int:concern_id>/report-back")
@blp.arguments(ReportBackSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="reportBackOnConcern")
@login_required
def report_back(data, concern_id):
    """(Grid worker, office) 回: the call to the resident. satisfied or partly →
    reported_back; not_satisfied → accepted again; unreachable → stays done. 409 unless done."""
    service.report_back(_concern(concern_id), _user(), data["outcome"], data.get("note"))
    return _present(concern_id)


@blp.post("/concerns/<int:concern_id>/close")
@blp.arguments(ConcernNoteSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="closeConcern")
@login_required
def close(data, concern_id):
    """(Grid worker, office) close it once reported back (or done, when nobody could be
    reached). 409 otherwise."""
    return _act(concern_id, Action.close, **data)


@blp.post("/concerns/<int:concern_id>/me-too")
@blp.arguments(MeTooSchema)
@blp.response(200, ConcernSchema)
@blp.errors(*ACTION_ERRORS)
@blp.doc(operationId="addMeToo")
@login_required
def add_me_too(data, concern_id):
    """(A resident of the compound, the micro-grid helper of the building) "me too" on a public
    concern instead of raising a duplicate; saying it again changes nothing (200). 403 to
    staff and to the concern's own people; 409 once it is done."""
    service.me_too(_concern(concern_id), _user())
    return _present(concern_id)


# --- photos ----------------------------------------------------------------------------------


@blp.post("/concerns/<int:concern_id>/photos")
@blp.arguments(PhotoUploadSchema, location="files")
@blp.response(201, PhotoSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="addConcernPhoto")
@login_required
def add_concern_photo(data, concern_id):
    """A photo (JPEG or PNG, at most 5 MB, at most 3 a concern; location data removed), by its
    people or staff. 403 to a neighbour who may only see it; 409 for a fourth or once closed."""
    upload = data["photo"]
    if not hasattr(upload, "stream"):
        raise ValidationFailed(fields={"photo": [_("Choose a JPEG or PNG photo.")]})
    try:
        raw = upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()
    photo = service.add_photo(_user(), concern_id, raw)
    return {"id": photo.id, "url": photo_url(concern_id, photo.id)}


@blp.get("/concerns/<int:concern_id>/photos/<int:photo_id>")
@blp.doc(
    operationId="getConcernPhoto",
    responses={
        "200": {
            "description": "The photo",
            "content": {
                "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                "image/png": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
@blp.errors(401, 404)
@login_required
def get_concern_photo(concern_id, photo_id):
    """A photo, to whoever may see the concern (404 to everyone else)."""
    if photo_id > MAX_ID:
        raise NotFound()
    photo = service.photo_for(_user(), concern_id, photo_id)
    response = current_app.response_class(photo.data, mimetype=photo.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response


# --- the grid's desk and the office's lists --------------------------------------------------


@blp.get("/concerns/board")
@blp.response(200, ConcernBoardSchema)
@blp.errors(401, 403)
@blp.doc(operationId="getConcernBoard")
@login_required
def concern_board():
    """(Grid worker, office) the board's concerns: new, due soon, overdue, to report back; the
    first ten of each and how many there are. 403 to anyone else."""
    return {
        name: {"total": total, "items": views(items)}
        for name, (items, total) in service.board(_user()).items()
    }


@blp.get("/concerns/overdue")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ConcernSchema, "OverdueConcernPage"))
@blp.errors(401, 403, 422)
@blp.doc(operationId="listOverdueConcerns")
@login_required
def overdue_concerns(args):
    """(Office) concerns handed over and past their due date, the oldest due first. 403 to
    anyone else."""
    items, total = service.overdue_for_office(_user(), args["page"], args["per_page"])
    return paged(views(items), total, args)


@blp.get("/concerns/summary")
@blp.arguments(ConcernSummaryArgs, location="query")
@blp.response(200, ConcernSummarySchema)
@blp.doc(
    operationId="getConcernSummary",
    responses={"200": {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
)
@blp.errors(401, 403, 422)
@login_required
def concern_summary(args):
    """(Grid worker: his grids; office: the community) the 问题清单 / 成果清单 per grid and
    month — raised, handed_over, done, reported_back, satisfied, median_days_to_done, overdue —
    and per handler (the slowest first). format=xlsx for the file. 403 to anyone else; 422 for
    a range over two years or backwards."""
    today = service.today()
    start, end = lists.bounds(args["period"], args.get("from_"), args.get("to"), today)
    result = lists.summary(_user(), start=start, end=end, today=today, grid_id=args.get("grid_id"))
    if args["format"] == "xlsx":
        response = current_app.response_class(lists.to_xlsx(result), mimetype=XLSX)
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
    """(Grid worker, office) the community's handlers (承办单位) with their contacts; the
    office also sees retired ones. 403 to anyone else."""
    user = _user()
    return {
        "items": [
            _handler_view(h) for h in service.handlers_of(user, include_inactive=user.is_office)
        ]
    }


@blp.post("/handlers")
@blp.arguments(NewHandlerSchema)
@blp.response(201, HandlerSchema)
@blp.errors(400, 401, 403, 409, 422)
@blp.doc(operationId="createHandler")
@login_required
def create_handler(data):
    """(Office) a new handler: the 物业 of a compound, a street department, a utility, the
    liaison station. 403 to anyone else; 409 when the name is taken; 422 for a compound of
    another community."""
    return _handler_view(service.create_handler(_user(), data))


@blp.patch("/handlers/<int:handler_id>")
@blp.arguments(HandlerPatchSchema)
@blp.response(200, HandlerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="updateHandler")
@login_required
def update_handler(data, handler_id):
    """(Office) change a handler's name, contact or kind, or retire it (active false). 404 for
    another community's; 403 to grid workers and residents; 409 when the name is taken."""
    return _handler_view(service.update_handler(_user(), handler_id, data))


@blp.put("/residents/<int:resident_id>/micro-grid")
@blp.arguments(MicroGridSchema)
@blp.response(200, MicroGridAnswerSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="appointMicroGridHelper")
@login_required
def appoint_micro_grid_helper(data, resident_id):
    """(Office) appoint a resident as micro-grid helper (微网格员) for these buildings; an empty
    list ends it. 404 for a resident the caller may not see; 403 to anyone but the office; 409
    when she has no account; 422 for a building of another community."""
    ids = service.appoint_micro_grid_helper(_user(), resident_id, data["building_ids"])
    return {"resident_id": resident_id, "building_ids": ids}
