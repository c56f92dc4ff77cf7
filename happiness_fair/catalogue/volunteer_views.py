"""A volunteer on his phone: applying, his listings, the job board, his jobs and their moves.

The same services as the API: apply()/update_own()/create_listing()/update_listing()/
withdraw_listing() for his record and services, jobs_for() for the board, and every move on a job
through transition(), its buttons asked of can(). Who sees the address and photos is access.py's.
"""

from __future__ import annotations

import re

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..bookings import access as booking_access
from ..bookings import moving, reading
from ..bookings.models import Booking
from ..bookings.rules import Action, BookingStatus
from ..bookings.schemas import STATUSES, AcceptSchema, CompleteSchema, EmptySchema, ReasonSchema
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed, translate_fields
from ..extensions import db
from ..forms import kept_input, load_form, refusal_messages
from ..places import service as places
from ..web import me, page_number, shell_facts, signed_in
from . import record, service
from . import rules as catalogue_rules
from .models import VolunteerStatus
from .schemas import (
    ListingPatchSchema,
    NewListingSchema,
    VolunteerApplicationSchema,
    VolunteerRecordSchema,
)

bp = Blueprint("volunteer_web", __name__)

PER_PAGE = 20

VOLUNTEER_STATUS_NAMES = {
    VolunteerStatus.pending: _l("waiting for the community office"),
    VolunteerStatus.approved: _l("approved"),
    VolunteerStatus.refused: _l("not accepted"),
    VolunteerStatus.suspended: _l("suspended"),
}

# What the volunteer may do to a job, one page each; the same schemas as the API.
JOB_ACTIONS = {
    "accept": (Action.accept, AcceptSchema),
    "start": (Action.start, EmptySchema),
    "complete": (Action.complete, CompleteSchema),
    "decline": (Action.decline, ReasonSchema),
    "paid": (Action.paid, EmptySchema),
}
JOB_TITLES = {
    "accept": _l("Take this job"),
    "start": _l("I have started the work"),
    "complete": _l("The work is done"),
    "decline": _l("I cannot do this job"),
    "paid": _l("The money is paid"),
}
JOB_DONE = {
    "accept": _l("The job is yours. The address and phone number are below."),
    "start": _l("Marked as started. The resident has been told."),
    "complete": _l("Thank you. The resident is asked to confirm; then your hours count."),
    "decline": _l("You have given the job back. It is open to other volunteers again."),
    "paid": _l("Marked as paid."),
}
TAKEN = _l("Already taken by another volunteer.")

_YUAN = re.compile(r"^\d{1,7}(\.\d{1,2})?$")


@bp.app_context_processor
def volunteer_nav():
    """The volunteer's entries in the menu show to anyone with a volunteer record."""
    return {"volunteer_status": shell_facts()[1]}


@bp.app_template_global()
def volunteer_status_name(status) -> str:
    return str(VOLUNTEER_STATUS_NAMES[VolunteerStatus(status)])


@bp.app_template_global()
def masked_name(name: str) -> str:
    return catalogue_rules.mask_name(name)


def _load(schema_cls, raw: dict) -> tuple[dict, dict]:
    """A dict already typed (lists of ids, fen) through the API's own schema."""
    try:
        return schema_cls(unknown=ma.EXCLUDE).load(raw), {}
    except ma.ValidationError as err:
        return {}, translate_fields(err.messages)


def _ids(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isascii() and v.isdigit()][:50]


def _fen(name: str, errors: dict, *, required: bool = False) -> int | None:
    """Money typed in yuan (20 or 12.50) as integer fen; a message on the field if it is not."""
    text = request.form.get(name, "").strip().replace("¥", "")
    if not text:
        if required:
            errors.setdefault(name, []).append(_("Enter an amount, 0 if free."))
        return None
    if not _YUAN.match(text):
        errors.setdefault(name, []).append(_("Enter an amount in yuan, like 20 or 12.50."))
        return None
    whole, _dot, cents = text.partition(".")
    return int(whole) * 100 + int((cents + "00")[:2])


def _own_or_apply():
    volunteer = service.volunteer_of(me())
    if volunteer is None:
        return None, redirect(url_for(".apply"), code=303)
    return volunteer, None


# --- applying --------------------------------------------------------------------------------


def _apply_page(form: dict, errors: dict, status: int = 200):
    user = me()
    return (
        render_template(
            "volunteer/apply.html",
            form=form,
            errors=errors,
            categories=service.categories(),
            grids=places.grids_of(user.community_id),
        ),
        status,
    )


@bp.get("/volunteer/apply")
@signed_in
def apply():
    if service.volunteer_of(me()) is not None:
        return redirect(url_for(".overview"), code=303)
    return _apply_page({"bio": "", "category_ids": [], "grid_ids": []}, {})


@bp.post("/volunteer/apply")
@signed_in
def send_application():
    form = {
        "bio": request.form.get("bio", ""),
        "category_ids": _ids("category_ids"),
        "grid_ids": _ids("grid_ids"),
    }
    data, errors = _load(VolunteerApplicationSchema, form)
    if not errors:
        try:
            service.apply(me(), data)
        except (ValidationFailed, Conflict) as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            flash(_("Thank you. The community office will look at your application."), "success")
            return redirect(url_for(".overview"), code=303)
    return _apply_page(form, errors, 422)


# --- his own page: status, listings, the public name -----------------------------------------


@bp.get("/volunteer")
@signed_in
def overview():
    volunteer, elsewhere = _own_or_apply()
    if elsewhere:
        return elsewhere
    return render_template(
        "volunteer/overview.html",
        volunteer=volunteer,
        listings=service.own_listings(me()),
        categories={c.id: c for c in service.categories()},
    )


def _skills_page(form: dict, errors: dict, status: int = 200):
    volunteer = service.volunteer_of(me())
    return (
        render_template(
            "volunteer/skills.html",
            form=form,
            errors=errors,
            volunteer=volunteer,
            categories=service.categories(),
            grids=places.grids_of(me().community_id),
        ),
        status,
    )


@bp.route("/volunteer/skills", methods=["GET", "POST"])
@signed_in
def skills():
    """我的服务: change what he can do and the grids he serves after applying (PATCH
    /me/volunteer). Listings in a skill he drops leave the catalogue."""
    volunteer, elsewhere = _own_or_apply()
    if elsewhere:
        return elsewhere
    if request.method == "GET":
        form = {
            "category_ids": volunteer.category_ids + volunteer.pending_category_ids,
            "grid_ids": volunteer.grid_ids + volunteer.pending_grid_ids,
        }
        return _skills_page(form, {})
    form = {"category_ids": _ids("category_ids"), "grid_ids": _ids("grid_ids")}
    data, errors = _load(VolunteerApplicationSchema, {**form, "bio": volunteer.bio})
    if not errors:
        try:
            service.update_own(
                me(), {"category_ids": data["category_ids"], "grid_ids": data["grid_ids"]}
            )
        except (ValidationFailed, Conflict) as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            if volunteer.has_pending_additions:
                flash(
                    _(
                        "Saved. What you added waits for the community office's approval; "
                        "until then you keep the skills and grids already approved."
                    ),
                    "success",
                )
            else:
                flash(_("Saved. Your skills and grids are changed."), "success")
            return redirect(url_for(".overview"), code=303)
    return _skills_page(form, errors, 422)


@bp.route("/volunteer/record", methods=["GET", "POST"])
@signed_in
def volunteer_record():
    """我的志愿者档案 (order 67 art. 5): the same service as PATCH /me/volunteer/record."""
    _volunteer, elsewhere = _own_or_apply()
    if elsewhere:
        return elsewhere
    shown = record.own_record(me())
    form = {k: ("" if v is None else str(v)) for k, v in shown.items()}
    form["id_number"] = ""
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = kept_input()
        data, errors = load_form(VolunteerRecordSchema)
        if not errors:
            if not request.form.get("id_number", "").strip():
                data.pop("id_number", None)  # left empty: keep the number he gave before
            if request.form.get("remove_id_number") == "1":
                data["id_number"] = ""
            try:
                record.update_own(me(), data)
            except (ValidationFailed, Forbidden) as err:
                db.session.rollback()
                errors = refusal_messages(err)
            else:
                flash(_("Your record is saved."), "success")
                return redirect(url_for(".overview"), code=303)
        status = 422
    return render_template(
        "volunteer/record.html", form=form, errors=errors, masked=shown["id_number"]
    ), status


@bp.post("/volunteer/name")
@signed_in
def choose_name():
    """Whether the public honour board and the catalogue show his full name or 沈**."""
    choice = request.form.get("show_full_name")
    if choice not in ("0", "1"):
        flash(_("Choose how your name is shown."), "error")
        return redirect(url_for(".overview"), code=303)
    service.update_own(me(), {"show_full_name": choice == "1"})
    flash(_("Saved. The honour board shows your name this way."), "success")
    return redirect(url_for(".overview"), code=303)


def _listing_form_data(errors: dict) -> dict:
    data = {
        "category_id": request.form.get("category_id", "").strip(),
        "title": request.form.get("title", ""),
        "description": request.form.get("description", ""),
        "duration_minutes": request.form.get("duration_minutes", "").strip(),
        "modes": [m for m in request.form.getlist("modes") if m in ("home", "fair")],
    }
    for key in ("category_id", "duration_minutes"):
        if data[key].isascii() and data[key].isdigit():
            data[key] = int(data[key])
        elif data[key] == "":
            data.pop(key)
    fee = _fen("fee_yuan", errors, required=True)
    if fee is not None:
        data["fee_fen"] = fee
    return data


def _listing_page(volunteer, form: dict, errors: dict, listing=None, status: int = 200):
    skills = volunteer.categories
    return (
        render_template(
            "volunteer/listing_form.html",
            form=form,
            errors=errors,
            skills=skills,
            listing=listing,
        ),
        status,
    )


@bp.route("/volunteer/listings/new", methods=["GET", "POST"])
@signed_in
def new_listing():
    volunteer, elsewhere = _own_or_apply()
    if elsewhere:
        return elsewhere
    if not volunteer.is_approved:
        raise Forbidden(_("Only approved volunteers can publish services."))
    if request.method == "GET":
        form = {"modes": ["home"], "duration_minutes": "30", "fee_yuan": "0"}
        if volunteer.categories:
            form["category_id"] = str(volunteer.categories[0].id)
        return _listing_page(volunteer, form, {})
    kept = {**kept_input(), "modes": request.form.getlist("modes")}
    errors: dict = {}
    raw = _listing_form_data(errors)
    data, schema_errors = _load(NewListingSchema, raw)
    errors.update(schema_errors)
    if not errors:
        try:
            service.create_listing(me(), data)
        except (ValidationFailed, Forbidden) as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            flash(_("Your service is in the catalogue."), "success")
            return redirect(url_for(".overview"), code=303)
    return _listing_page(volunteer, kept, errors, status=422)


def _own_listing(listing_id: int):
    listing = service.visible_listing(me(), listing_id)
    if not service.is_himself(me(), listing.volunteer):
        raise NotFound()
    return listing


@bp.route("/volunteer/listings/<int:listing_id>", methods=["GET", "POST"])
@signed_in
def edit_listing(listing_id: int):
    listing = _own_listing(listing_id)
    volunteer = listing.volunteer
    if request.method == "GET":
        form = {
            "category_id": str(listing.category_id),
            "title": listing.title,
            "description": listing.description,
            "fee_yuan": f"{listing.fee_fen // 100}.{listing.fee_fen % 100:02d}",
            "duration_minutes": str(listing.duration_minutes),
            "modes": listing.modes,
        }
        return _listing_page(volunteer, form, {}, listing)
    kept = {**kept_input(), "modes": request.form.getlist("modes")}
    errors: dict = {}
    raw = _listing_form_data(errors)
    data, schema_errors = _load(ListingPatchSchema, raw)
    errors.update(schema_errors)
    if not raw.get("modes") and "modes" not in errors:
        errors["modes"] = [_("Choose home visit, fair stall or both.")]
    if not errors:
        try:
            service.update_listing(me(), listing, data)
        except (ValidationFailed, Forbidden) as err:
            db.session.rollback()
            errors = refusal_messages(err)
        else:
            flash(_("Your service is changed."), "success")
            return redirect(url_for(".overview"), code=303)
    return _listing_page(volunteer, kept, errors, listing, 422)


@bp.post("/volunteer/listings/<int:listing_id>/pause")
@signed_in
def pause_listing(listing_id: int):
    listing = _own_listing(listing_id)
    service.withdraw_listing(me(), listing)
    flash(_("Paused: “%(title)s” is out of the catalogue.", title=listing.title), "success")
    return redirect(url_for(".overview"), code=303)


@bp.post("/volunteer/listings/<int:listing_id>/resume")
@signed_in
def resume_listing(listing_id: int):
    listing = _own_listing(listing_id)
    try:
        service.update_listing(me(), listing, {"active": True})
    except (ValidationFailed, Forbidden) as err:
        db.session.rollback()
        flash(
            err.text()
            if not err.fields
            else " ".join(refusal_messages(err).get("category_id", [])),
            "error",
        )
    else:
        flash(_("“%(title)s” is back in the catalogue.", title=listing.title), "success")
    return redirect(url_for(".overview"), code=303)


# --- the job board and his jobs -----------------------------------------------------------------


def _board(error: str | None = None, status: int = 200):
    viewer = booking_access.viewer_of(me())
    page = page_number()
    if viewer.volunteer is None:
        return redirect(url_for(".apply"), code=303)
    items, total, refused = [], 0, None
    try:
        items, total = reading.jobs_for(viewer, page=page, per_page=PER_PAGE)
    except Forbidden as err:
        refused = err.text()
    return (
        render_template(
            "volunteer/jobs.html",
            items=items,
            names=reading.names_for(items),
            refused=refused,
            error=error,
            page=page,
            pages=max(1, -(-total // PER_PAGE)),
            total=total,
        ),
        status,
    )


@bp.get("/jobs")
@signed_in
def job_board():
    return _board()


@bp.get("/jobs/mine")
@signed_in
def my_jobs():
    viewer = booking_access.viewer_of(me())
    if viewer.volunteer is None:
        return redirect(url_for(".apply"), code=303)
    status = request.args.get("status") or None
    status = status if status in STATUSES else None
    page = page_number()
    items, total = reading.jobs_of(viewer, status=status, page=page, per_page=PER_PAGE)
    return render_template(
        "volunteer/my_jobs.html",
        items=items,
        names=reading.names_for(items),
        status=status,
        statuses=STATUSES,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
    )


def _job_context(booking_id: int) -> dict:
    user = me()
    viewer = booking_access.viewer_of(user)
    booking = reading.visible_booking(user, booking_id, viewer)
    actions = [
        slug
        for slug, (action, _s) in JOB_ACTIONS.items()
        if booking_access.can(action, user, booking, viewer)
    ]
    return {
        "booking": booking,
        "names": reading.names_for([booking], viewer=viewer),
        "actions": actions,
        "private": booking_access.sees_private(viewer, booking),
        "address": booking_access.sees_address(viewer, booking),
        "photos": booking.photos if booking_access.sees_photos(viewer, booking) else [],
        "mine": viewer.volunteer is not None and booking.volunteer_id == viewer.volunteer.id,
        "job_titles": {slug: str(title) for slug, title in JOB_TITLES.items()},
    }


@bp.get("/jobs/<int:booking_id>")
@signed_in
def job(booking_id: int):
    return render_template("volunteer/job.html", **_job_context(booking_id))


def _job_input(slug: str, errors: dict) -> dict:
    """The form as the API's schema reads it: money typed in yuan becomes fen."""
    if slug == "accept":
        fen = _fen("materials_estimate_yuan", errors)
        return {} if fen is None else {"materials_estimate_fen": str(fen)}
    if slug == "complete":
        form = {"minutes": request.form.get("minutes", ""), "note": request.form.get("note", "")}
        fen = _fen("materials_yuan", errors)
        if fen is not None:
            form["materials_fen"] = str(fen)
        return form
    if slug == "decline":
        return {"reason": request.form.get("reason", "")}
    return {}


def _still_open(booking_id: int) -> bool:
    status = db.session.execute(
        sa.select(Booking.status).where(Booking.id == booking_id)
    ).scalar_one_or_none()
    return status == BookingStatus.requested


@bp.route(
    "/jobs/<int:booking_id>/<any(accept, start, complete, decline, paid):slug>",
    methods=["GET", "POST"],
)
@signed_in
def job_act(booking_id: int, slug: str):
    """One move per page, no pop-ups. Accepting is first-come: the one who was slower is told
    so (409) on the board, where the request has gone."""
    action, schema = JOB_ACTIONS[slug]
    user = me()
    form: dict = {}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        form = kept_input()
        typed_errors: dict = {}
        raw = _job_input(slug, typed_errors)
        data, errors = load_form(schema, form=raw)
        errors = {**errors, **typed_errors}
        if not errors:
            try:
                moving.transition(reading.booking_for_action(booking_id), user, action, **data)
            except (ValidationFailed, Conflict) as err:
                db.session.rollback()
                if slug == "accept" and err.status == 409:
                    message = str(TAKEN) if not _still_open(booking_id) else err.text()
                    return _board(error=message, status=409)
                errors = refusal_messages(err)
                status = err.status
            else:
                flash(str(JOB_DONE[slug]), "success")
                if slug == "decline":
                    return redirect(url_for(".my_jobs"), code=303)
                return redirect(url_for(".job", booking_id=booking_id), code=303)
        else:
            status = 422
        context = _job_context(booking_id)
    else:
        context = _job_context(booking_id)
        if slug not in context["actions"]:
            raise Conflict(_("This cannot be done now."))
    return (
        render_template(
            "volunteer/job_act.html",
            slug=slug,
            title=str(JOB_TITLES[slug]),
            form=form,
            errors=errors,
            **context,
        ),
        status,
    )
