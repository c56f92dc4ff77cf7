"""The grid worker's pages (网格工作台): the grid's board, finding and adding residents, booking
and acting for them, handing requests over, settling disputes and follow-up calls.

Every act calls the service the API calls — create_resident(), verify_age(), update_resident(),
issue_reset_code(), transition(), record_call() — so the pages refuse what the API refuses.
Everything is scoped to the grid worker's grids (the office: its community).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import fields

from ..accounts import directory
from ..accounts import service as accounts
from ..accounts.models import Resident
from ..accounts.schemas import NewResidentSchema, VerifyAgeSchema
from ..bookings import access, moving, reading
from ..bookings.rules import Action
from ..bookings.schemas import (
    AcceptSchema,
    AssignSchema,
    CompleteSchema,
    NoteSchema,
    ReasonSchema,
    ResolveSchema,
)
from ..errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..forms import kept_input, load_form, refusal_messages
from ..validation import BaseSchema, one_of
from ..web import me, signed_in
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
# What staff do on a booking from these pages: slug -> (action, schema, title, done message).
STAFF_ACTIONS = {
    "hand-over": (
        Action.assign,
        AssignSchema,
        _l("Hand to a volunteer"),
        _l("Handed over. The volunteer has been told and will accept or decline."),
    ),
    "resolve": (None, ResolveSchema, _l("Settle the dispute"), _l("The dispute is settled.")),
    "accept": (
        Action.accept,
        AcceptSchema,
        _l("Accept for the volunteer"),
        _l("Accepted for the volunteer."),
    ),
    "decline": (
        Action.decline,
        ReasonSchema,
        _l("Decline for the volunteer"),
        _l("Declined for the volunteer; the request is open again."),
    ),
    "start": (
        Action.start,
        NoteSchema,
        _l("Start the work for the volunteer"),
        _l("Marked as started."),
    ),
    "complete": (
        Action.complete,
        CompleteSchema,
        _l("Record the finished work for the volunteer"),
        _l("The work is recorded as done."),
    ),
}


@bp.app_template_global()
def staff_actions(booking) -> list[str]:
    """The grid worker's buttons on a booking page: what service.can() allows him now (the
    follow-up call included, once the job is done and until a call is answered)."""
    user = me()
    if not user.is_authenticated or not user.is_staff or not desk.booking_in_scope(user, booking):
        return []
    slugs = []
    if access.can(Action.assign, user, booking):
        slugs.append("hand-over")
    if access.can(Action.resolve_confirm, user, booking):
        slugs.append("resolve")
    if booking.volunteer_id is not None:
        slugs += [
            slug
            for slug in ("accept", "decline", "start", "complete")
            if access.can(STAFF_ACTIONS[slug][0], user, booking)
        ]
    if access.can(Action.follow_up, user, booking):
        slugs.append("follow-up")
    return slugs


@bp.app_template_global()
def staff_action_title(slug: str) -> str:
    if slug == "follow-up":
        return _("Record the follow-up call")
    return str(STAFF_ACTIONS[slug][2])


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
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    items, total = service.awaiting(me(), page, PER_PAGE)
    return render_template(
        "grid/follow_ups.html",
        items=items,
        names=reading.names_for(items),
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
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
    building_id = int(building) if building.isdigit() and len(building) < 10 else None
    searched = bool(q or room or building_id)
    items, total = [], 0
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
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
        pages=max(1, -(-total // PER_PAGE)),
    )


@bp.route("/residents/new", methods=["GET", "POST"])
@signed_in
def new_resident():
    user = me()
    buildings = desk.buildings_for(user)
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = kept_input()
        data, errors = load_form(NewResidentSchema)
        if not errors:
            try:
                resident = accounts.create_resident(user, data)
            except DomainError as err:
                db.session.rollback()
                errors = refusal_messages(err)
            else:
                flash(_("%(name)s is added.", name=resident.name), "success")
                return redirect(url_for(".resident", resident_id=resident.id), code=303)
        status = 422
    return (
        render_template("grid/new_resident.html", form=form, errors=errors, buildings=buildings),
        status,
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
    if not errors:
        try:
            accounts.verify_age(user, resident, data["birth_date"])
        except ValidationFailed as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            flash(_("The age is verified."), "success")
            return redirect(url_for(".resident", resident_id=resident_id), code=303)
    resident = desk.resident_for(user, resident_id)
    return _resident_page(resident, errors=errors, form=kept_input(), status=422)


@bp.post("/residents/<int:resident_id>/flags")
@signed_in
def set_flags(resident_id: int):
    user = me()
    resident = desk.resident_for(user, resident_id)
    chosen = [f for f in request.form.getlist("flags") if f in Resident.FLAG_CODES]
    accounts.update_resident(user, resident, {"flags": chosen})
    flash(_("The flags are saved."), "success")
    return redirect(url_for(".resident", resident_id=resident_id), code=303)


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
        )  # fmt: skip
    if not errors:
        try:
            accounts.update_resident(
                user, resident, {"active": False, "inactive_reason": data["inactive_reason"]}
            )
        except (ValidationFailed, Conflict, Forbidden) as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            flash(_("The record is closed. Her open bookings are cancelled."), "success")
            return redirect(url_for(".resident", resident_id=resident_id), code=303)
    resident = desk.resident_for(user, resident_id)
    return _resident_page(resident, errors=errors, form=kept_input(), status=422)


@bp.post("/residents/<int:resident_id>/reset-code")
@signed_in
def reset_code(resident_id: int):
    """The code is shown once, on this page, to be handed over in person."""
    user = me()
    resident = desk.resident_for(user, resident_id)
    try:
        code, row = accounts.issue_reset_code(user, resident)
    except Conflict as err:
        db.session.rollback()
        resident = desk.resident_for(user, resident_id)
        return _resident_page(resident, errors={"_schema": [err.text()]}, status=409)
    return _resident_page(resident, code={"code": code, "expires_at": row.expires_at})


# --- acting on a booking -------------------------------------------------------------------


def _booking_for_staff(booking_id: int):
    user = me()
    desk.require_staff(user)
    booking = reading.visible_booking(user, booking_id)
    if not desk.booking_in_scope(user, booking):
        raise NotFound()
    return booking


def _act_page(booking, slug, form, errors, status=200):
    context = {
        "booking": booking,
        "names": reading.names_for([booking]),
        "slug": slug,
        "title": staff_action_title(slug),
        "form": form,
        "errors": errors,
        "allowed": slug in staff_actions(booking),
    }
    if slug == "hand-over":
        context["q"] = request.args.get("q", "").strip()[:40]
        context["volunteers"] = desk.hand_over_choices(booking, context["q"])
        context["in_grid"] = {v.id for v in context["volunteers"] if booking.grid_id in v.grid_ids}
    if slug == "follow-up":
        context["outcomes"] = {o.value: str(n) for o, n in OUTCOME_NAMES.items()}
    return render_template("grid/act.html", **context), status


@bp.route(
    "/bookings/<int:booking_id>/<any('hand-over', resolve, accept, decline, start, complete):slug>",
    methods=["GET", "POST"],
)
@signed_in
def act(booking_id: int, slug: str):
    """One staff move per page, through transition() as the API makes it; recorded as the grid
    worker who did it."""
    user = me()
    booking = _booking_for_staff(booking_id)
    action, schema, _title, done = STAFF_ACTIONS[slug]
    if request.method == "GET":
        return _act_page(booking, slug, {}, {})
    form = kept_input()
    data, errors = load_form(schema)
    status = 422
    if not errors:
        if slug == "resolve":
            outcome = data.pop("outcome")
            action = Action.resolve_confirm if outcome == "confirm" else Action.resolve_reopen
        try:
            moving.transition(reading.booking_for_action(booking_id), user, action, **data)
        except DomainError as err:
            db.session.rollback()
            errors, status = refusal_messages(err), err.status
        else:
            flash(str(done), "success")
            return redirect(url_for("bookings_web.booking", booking_id=booking_id), code=303)
    return _act_page(_booking_for_staff(booking_id), slug, form, errors, status)


@bp.route("/bookings/<int:booking_id>/follow-up", methods=["GET", "POST"])
@signed_in
def follow_up(booking_id: int):
    user = me()
    booking = _booking_for_staff(booking_id)
    if request.method == "GET":
        return _act_page(booking, "follow-up", {}, {})
    form = kept_input()
    data, errors = load_form(FollowUpSchema)
    status = 422
    if not errors:
        try:
            service.record_call(user, booking_id, data)
        except DomainError as err:
            db.session.rollback()
            errors, status = refusal_messages(err), err.status
        else:
            new_id = service.linked_request_of(booking_id)
            if data["outcome"] in (Outcome.partly, Outcome.not_solved) and new_id:
                flash(
                    _("The call is recorded. New request no. %(id)s is open.", id=new_id), "success"
                )
                return redirect(url_for("bookings_web.booking", booking_id=new_id), code=303)
            flash(_("The call is recorded."), "success")
            return redirect(url_for("bookings_web.booking", booking_id=booking_id), code=303)
    return _act_page(_booking_for_staff(booking_id), "follow-up", form, errors, status)
