"""A volunteer's jobs on his phone: the job board, his jobs, one job and its moves.

The same services as the API: jobs_for() for the board, jobs_of() for his list, and every move on
a job through transition(), its buttons the moves can() allows (move_pages). Who sees the address
and photos is access.py's.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..errors import Conflict, Forbidden
from ..forms import kept_input
from ..web import attempt, done, me, page_number, pages_for, signed_in
from . import access, jobs, move_pages, reading
from .move_pages import MovePage
from .rules import Action
from .schemas import STATUSES, AcceptSchema, CompleteSchema, EmptySchema, ReasonSchema

bp = Blueprint("jobs_web", __name__)

PER_PAGE = 20

# What the volunteer may do to a job, one page each; the same schemas as the API.
JOB_MOVES = {
    "accept": MovePage(
        Action.accept,
        AcceptSchema,
        _l("Take this job"),
        _l("The job is yours. The address and phone number are below."),
        yuan=move_pages.ESTIMATE_IN_YUAN,
    ),
    "start": MovePage(
        Action.start,
        EmptySchema,
        _l("I have started the work"),
        _l("Marked as started. The resident has been told."),
    ),
    "complete": MovePage(
        Action.complete,
        CompleteSchema,
        _l("The work is done"),
        _l("Thank you. The resident is asked to confirm; then your hours count."),
        yuan=move_pages.MATERIALS_IN_YUAN,
    ),
    "decline": MovePage(
        Action.decline,
        ReasonSchema,
        _l("I cannot do this job"),
        _l("You have given the job back. It is open to other volunteers again."),
    ),
    "paid": MovePage(Action.paid, EmptySchema, _l("The money is paid"), _l("Marked as paid.")),
}
TAKEN = _l("Already taken by another volunteer.")


def volunteer_moves(viewer: access.Viewer, booking) -> list[str]:
    """His moves on a job, the job page's buttons, for any page that shows him the booking: as
    its volunteer, or one who could take the open request; never what staff do for one."""
    volunteer = viewer.volunteer
    if volunteer is None:
        return []
    if booking.volunteer_id != volunteer.id and not booking.is_open_request:
        return []
    return move_pages.offered(JOB_MOVES, viewer, booking)


def _volunteer_viewer():
    """Who he is to the bookings; None (and off to apply) without a volunteer record."""
    viewer = access.viewer_of(me())
    return viewer if viewer.volunteer is not None else None


def _to_apply():
    return redirect(url_for("volunteer_web.apply"), code=303)


def _jobs_page(template: str, read, answer_status: int = 200, **context):
    """A page of jobs for a volunteer (without a record, off to apply): read(viewer, page) gives
    the page's jobs, their total and what else the page says."""
    viewer = _volunteer_viewer()
    if viewer is None:
        return _to_apply()
    page = page_number()
    items, total, said = read(viewer, page)
    html = render_template(
        template,
        items=items,
        names=reading.names_for(items, viewer=viewer),
        page=page,
        pages=pages_for(total, PER_PAGE),
        total=total,
        **said,
        **context,
    )
    return html, answer_status


def _board(error: str | None = None, status: int = 200):
    def read(viewer, page):
        try:
            items, total = reading.jobs_for(viewer, page=page, per_page=PER_PAGE)
        except Forbidden as err:
            return [], 0, {"refused": err.text()}
        return items, total, {"refused": None}

    return _jobs_page("jobs/board.html", read, status, error=error)


@bp.get("/jobs")
@signed_in
def job_board():
    return _board()


@bp.get("/jobs/mine")
@signed_in
def my_jobs():
    status = request.args.get("status") or None
    status = status if status in STATUSES else None

    def read(viewer, page):
        items, total = reading.jobs_of(viewer, status=status, page=page, per_page=PER_PAGE)
        return items, total, {}

    return _jobs_page("jobs/mine.html", read, status=status, statuses=STATUSES)


def _job_context(booking_id: int) -> dict:
    user = me()
    viewer = access.viewer_of(user)
    booking = reading.visible_booking(user, booking_id, viewer)
    return {
        "booking": booking,
        "names": reading.names_for([booking], viewer=viewer),
        "actions": move_pages.offered(JOB_MOVES, viewer, booking),
        "private": access.sees_private(viewer, booking),
        "address": access.sees_address(viewer, booking),
        "photos": booking.photos if access.sees_photos(viewer, booking) else [],
        "mine": viewer.volunteer is not None and booking.volunteer_id == viewer.volunteer.id,
        "job_titles": move_pages.titles(JOB_MOVES),
    }


@bp.get("/jobs/<int:booking_id>")
@signed_in
def job(booking_id: int):
    return render_template("jobs/job.html", **_job_context(booking_id))


def _job_act_page(slug: str, context: dict, form: dict, errors: dict, status: int = 200):
    html = render_template(
        "jobs/act.html",
        slug=slug,
        title=str(JOB_MOVES[slug].title),
        form=form,
        errors=errors,
        **context,
    )
    return html, status


@bp.route(
    "/jobs/<int:booking_id>/<any(accept, start, complete, decline, paid):slug>",
    methods=["GET", "POST"],
)
@signed_in
def job_act(booking_id: int, slug: str):
    """One move per page, no pop-ups. Accepting is first-come: the one who was slower is told
    so (409) on the board, where the request has gone."""
    move = JOB_MOVES[slug]
    if request.method == "GET":
        context = _job_context(booking_id)
        if slug not in context["actions"]:
            raise Conflict(_("This cannot be done now."))
        return _job_act_page(slug, context, {}, {})
    data, errors = move_pages.read_form(move)

    def again(errors: dict, status: int):
        if slug == "accept" and status == 409:
            said = " ".join(m for found in errors.values() for m in found)
            return _board(error=said if jobs.still_open(booking_id) else str(TAKEN), status=409)
        return _job_act_page(slug, _job_context(booking_id), kept_input(), errors, status)

    def then(_booking):
        if slug == "decline":
            return done(move.done, url_for(".my_jobs"))
        return done(move.done, url_for(".job", booking_id=booking_id))

    return attempt(
        lambda: move_pages.make(move, booking_id, me(), data),
        errors=errors,
        again=again,
        then=then,
    )
