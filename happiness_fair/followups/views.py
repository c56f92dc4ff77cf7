"""The grid worker's pages (网格工作台): the grid's board, finding and adding residents, booking
and acting for them, handing requests over, settling disputes and follow-up calls.

Every act calls the service the API calls — create_resident(), verify_age(), update_resident(),
issue_reset_code(), transition(), record_call() — so the pages refuse what the API refuses.
Everything is scoped to the grid worker's grids (the office: its community).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from ..accounts import directory
from ..accounts import service as accounts
from ..accounts.events import resident_closing
from ..accounts.models import Resident
from ..accounts.schemas import NewResidentSchema, VerifyAgeSchema
from ..bookings import access as booking_access
from ..bookings import move_pages, reading, staff_moves
from ..errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from ..forms import kept_input, load_form
from ..validation import BaseSchema, one_of, whole_number
from ..web import attempt, done, me, page_number, pages_for, signed_in
from . import desk, service
from .api import FollowUpSchema
from .models import Outcome

bp = Blueprint("grid_web", __name__, url_prefix="/grid")

PER_PAGE = 20

SECTIONS = {
    "new": _l("New requests"),
    "escalated": _l("Escalated (nobody took it, or the volunteer did not come)"),
    "today": _l("Today's jobs"),
    "disputed": _l("Disputed"),
    "follow_up": _l("Waiting for a follow-up call"),
}
FLAG_NAMES = {
    "dibao": _l("Minimum living allowance (低保)"),
    "disabled": _l("Disability"),
    "living_alone": _l("Elderly living alone"),
}
OUTCOME_NAMES = {
    Outcome.solved: _l("Solved"),
    Outcome.partly: _l("Partly solved (opens a new request)"),
    Outcome.not_solved: _l("Not solved (opens a new request)"),
    Outcome.unreachable: _l("Could not reach them"),
}


@bp.app_template_global()
def staff_action_title(slug: str) -> str:
    return staff_moves.staff_title(slug)


# --- the board -----------------------------------------------------------------------------


@bp.get("/")
@signed_in
def board():
    user = me()
    sections = service.board(user)
    everything = [b for items, _total in sections.values() for b in items]
    return render_template(
        "grid/board.html",
        sections=sections,
        titles={k: str(v) for k, v in SECTIONS.items()},
        names=reading.names_for(everything),
    )


@bp.get("/follow-ups")
@signed_in
def follow_ups():
    page = page_number()
    items, total = service.awaiting(me(), page, PER_PAGE)
    return render_template(
        "grid/follow_ups.html",
        items=items,
        names=reading.names_for(items),
        page=page,
        pages=pages_for(total, PER_PAGE),
    )


# --- residents -----------------------------------------------------------------------------


@bp.get("/residents")
@signed_in
def residents():
    user = me()
    desk.require_staff(user)
    q = request.args.get("q", "").strip()[:40]
    room = request.args.get("room", "").strip()[:10]
    building = request.args.get("building_id", "").strip()
    building_id = whole_number(building)
    searched = bool(q or room or building_id)
    items, total = [], 0
    page = page_number()
    if searched:
        items, total = directory.find_residents(
            user,
            q=q or None,
            building_id=building_id,
            room=room or None,
            page=page,
            per_page=PER_PAGE,
        )
    return render_template(
        "grid/residents.html",
        items=items,
        total=total,
        searched=searched,
        form={"q": q, "room": room, "building_id": building},
        buildings=desk.buildings_for(user),
        page=page,
        pages=pages_for(total, PER_PAGE),
    )


@bp.route("/residents/new", methods=["GET", "POST"])
@signed_in
def new_resident():
    user = me()
    buildings = desk.buildings_for(user)

    def page(form: dict, errors: dict, status: int = 200):
        html = render_template(
            "grid/new_resident.html", form=form, errors=errors, buildings=buildings
        )
        return html, status

    if request.method == "GET":
        return page({}, {})
    data, errors = load_form(NewResidentSchema)
    return attempt(
        lambda: accounts.create_resident(user, data),
        errors=errors,
        refusals=(DomainError,),
        status=422,
        again=lambda errors, status: page(kept_input(), errors, status),
        then=lambda resident: done(
            _("%(name)s is added.", name=resident.name),
            url_for(".resident", resident_id=resident.id),
        ),
    )


def _resident_page(resident: Resident, *, errors=None, form=None, code=None, status=200):
    return (
        render_template(
            "grid/resident.html",
            resident=resident,
            errors=errors or {},
            form=form
            or {"birth_date": resident.birth_date.isoformat() if resident.birth_date else ""},
            flag_names={k: str(v) for k, v in FLAG_NAMES.items()},
            code=code,
        ),
        status,
    )


@bp.get("/residents/<int:resident_id>")
@signed_in
def resident(resident_id: int):
    return _resident_page(desk.resident_for(me(), resident_id))


@bp.post("/residents/<int:resident_id>/verify-age")
@signed_in
def verify_age(resident_id: int):
    user = me()
    resident = desk.resident_for(user, resident_id)
    data, errors = load_form(VerifyAgeSchema)
    return attempt(
        lambda: accounts.verify_age(user, resident, data["birth_date"]),
        errors=errors,
        refusals=(ValidationFailed,),
        status=422,
        again=_resident_again(resident_id),
        then=lambda _result: done(
            _("The age is verified."), url_for(".resident", resident_id=resident_id)
        ),
    )


def _resident_again(resident_id: int):
    """A form on the resident's page refused: the page again, read anew, with what was typed."""

    def again(errors: dict, status: int):
        resident = desk.resident_for(me(), resident_id)
        return _resident_page(resident, errors=errors, form=kept_input(), status=status)

    return again


@bp.post("/residents/<int:resident_id>/flags")
@signed_in
def set_flags(resident_id: int):
    user = me()
    resident = desk.resident_for(user, resident_id)
    chosen = [f for f in request.form.getlist("flags") if f in Resident.FLAG_CODES]
    accounts.update_resident(user, resident, {"flags": chosen})
    return done(_("The flags are saved."), url_for(".resident", resident_id=resident_id))


INACTIVE_REASON_NAMES = {
    "moved": _l("moved away"),
    "passed_away": _l("passed away"),
    "other": _l("other reason"),
}


@bp.app_template_global()
def inactive_reason_name(reason: str | None) -> str:
    return str(INACTIVE_REASON_NAMES.get(reason or "other", INACTIVE_REASON_NAMES["other"]))


class _CloseRecordForm(BaseSchema):
    inactive_reason = fields.String(required=True, validate=one_of(Resident.INACTIVE_REASONS))


@bp.post("/residents/<int:resident_id>/close")
@signed_in
def close_record(resident_id: int):
    """Staff close a record (moved away, passed away): through update_resident(), as PATCH
    /residents/{id} {active: false, inactive_reason} does."""
    user = me()
    resident = desk.resident_for(user, resident_id)
    data, errors = load_form(_CloseRecordForm)
    if not errors and request.form.get("confirmed") != "yes":  # a page asks first
        return render_template(
            "grid/close_confirm.html", resident=resident, reason=data["inactive_reason"],
            open_bookings=desk.open_bookings_of(resident),
            also_ends=[line for _part, line in resident_closing.send(resident) if line],
        )  # fmt: skip
    return attempt(
        lambda: accounts.update_resident(
            user, resident, {"active": False, "inactive_reason": data["inactive_reason"]}
        ),
        errors=errors,
        refusals=(ValidationFailed, Conflict, Forbidden),
        status=422,
        again=_resident_again(resident_id),
        then=lambda _result: done(
            _("The record is closed. Her open bookings are cancelled."),
            url_for(".resident", resident_id=resident_id),
        ),
    )


@bp.post("/residents/<int:resident_id>/reopen")
@signed_in
def reopen_record(resident_id: int):
    """Staff reopen a closed record (she came back, or it was closed by mistake): through
    update_resident(), as PATCH /residents/{id} {active: true} does. What closing ended (her
    bookings, a micro-grid appointment) stays ended."""
    user = me()
    resident = desk.resident_for(user, resident_id)
    return attempt(
        lambda: accounts.update_resident(user, resident, {"active": True}),
        refusals=(ValidationFailed, Conflict, Forbidden),
        again=_resident_again(resident_id),
        then=lambda _result: done(
            _("The record is open again."), url_for(".resident", resident_id=resident_id)
        ),
    )


@bp.post("/residents/<int:resident_id>/reset-code")
@signed_in
def reset_code(resident_id: int):
    """The code is shown once, on this page, to be handed over in person."""
    user = me()
    resident = desk.resident_for(user, resident_id)
    return attempt(
        lambda: accounts.issue_reset_code(user, resident),
        refusals=(Conflict,),
        again=lambda errors, status: _resident_page(
            desk.resident_for(user, resident_id), errors=errors, status=status
        ),
        then=lambda issued: _resident_page(
            resident, code={"code": issued[0], "expires_at": issued[1].expires_at}
        ),
    )


# --- acting on a booking -------------------------------------------------------------------


def _booking_for_staff(booking_id: int):
    user = me()
    desk.require_staff(user)
    booking = reading.visible_booking(user, booking_id)
    if not desk.booking_in_scope(user, booking):
        raise NotFound()
    return booking


def _act_page(booking, slug, form, errors, status=200):
    viewer = booking_access.viewer_of(me())
    context = {
        "booking": booking,
        "names": reading.names_for([booking]),
        "slug": slug,
        "title": staff_moves.staff_title(slug),
        "form": form,
        "errors": errors,
        "allowed": slug in staff_moves.offered_to_staff(viewer, booking),
        # Whom the job is for, and where: the grid's staff see it, as on the booking's page.
        "private": booking_access.sees_private(viewer, booking),
        "address": booking_access.sees_address(viewer, booking),
    }
    if slug == "hand-over":
        context["q"] = request.args.get("q", "").strip()[:40]
        context["volunteers"] = desk.hand_over_choices(booking, context["q"])
        context["in_grid"] = {v.id for v in context["volunteers"] if booking.grid_id in v.grid_ids}
    if slug == staff_moves.FOLLOW_UP:
        context["outcomes"] = {o.value: str(n) for o, n in OUTCOME_NAMES.items()}
    return render_template("grid/act.html", **context), status


def _staff_page_again(booking_id: int, slug: str):
    def again(errors: dict, status: int):
        return _act_page(_booking_for_staff(booking_id), slug, kept_input(), errors, status)

    return again


@bp.route(
    "/bookings/<int:booking_id>/<any('hand-over', resolve, accept, decline, start, complete):slug>",
    methods=["GET", "POST"],
)
@signed_in
def act(booking_id: int, slug: str):
    """One staff move per page, through transition() as the API makes it; recorded as the grid
    worker who did it."""
    booking = _booking_for_staff(booking_id)
    move = staff_moves.ALL_STAFF_MOVES[slug]
    if request.method == "GET":
        return _act_page(booking, slug, {}, {})
    data, errors = move_pages.read_form(move)
    return attempt(
        lambda: move_pages.make(move, booking_id, me(), data),
        errors=errors,
        refusals=(DomainError,),
        again=_staff_page_again(booking_id, slug),
        then=lambda _booking: done(
            move.done, url_for("bookings_web.booking", booking_id=booking_id)
        ),
    )


def _call_recorded(booking_id: int, outcome: Outcome):
    new_id = service.linked_request_of(booking_id)
    if outcome in (Outcome.partly, Outcome.not_solved) and new_id:
        return done(
            _("The call is recorded. New request no. %(id)s is open.", id=new_id),
            url_for("bookings_web.booking", booking_id=new_id),
        )
    return done(_("The call is recorded."), url_for("bookings_web.booking", booking_id=booking_id))


@bp.route("/bookings/<int:booking_id>/follow-up", methods=["GET", "POST"])
@signed_in
def follow_up(booking_id: int):
    booking = _booking_for_staff(booking_id)
    if request.method == "GET":
        return _act_page(booking, staff_moves.FOLLOW_UP, {}, {})
    data, errors = load_form(FollowUpSchema)
    return attempt(
        lambda: service.record_call(me(), booking_id, data),
        errors=errors,
        refusals=(DomainError,),
        again=_staff_page_again(booking_id, staff_moves.FOLLOW_UP),
        then=lambda _call: _call_recorded(booking_id, data["outcome"]),
    )
