"""The office's pages: dashboard, volunteers, fee rules, calendar, hours, rankings,
certificates and the audit log. Every page calls the same services as the API."""

from __future__ import annotations

import functools
import re
from datetime import date

import marshmallow as ma
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields

from ..accounts import totp
from ..bookings import access as booking_access
from ..bookings import fees
from ..catalogue import service as catalogue
from ..catalogue.schemas import VolunteerTagsSchema
from ..errors import DomainError, translate_fields
from ..extensions import db
from ..forms import kept_input, load_form, refusal_said
from ..hours import rankings
from ..hours import service as hours
from ..hours.models import Source
from ..hours.schemas import ManualHoursForm, VolunteerRankingArgs
from ..places import service as places
from ..places.clock import today
from ..teams import totals as team_totals
from ..validation import FormSchema, TrimmedString, length, whole_number
from ..waivers import service as waivers
from ..web import attempt, done, me, page_number, referring_page, said_and_gone, signed_in
from . import audit_labels, calendar, dashboard, reading, service

bp = Blueprint("office", __name__, url_prefix="/office")
bp.add_app_template_global(audit_labels.action_name, "audit_action_name")
bp.add_app_template_global(audit_labels.subject_name, "audit_subject_name")
bp.add_app_template_global(audit_labels.detail_name, "audit_detail_name")
bp.add_app_template_global(audit_labels.detail_value, "audit_detail_value")


@bp.context_processor
def _own_record() -> dict:
    """His own volunteer record, if he volunteers (read with the sign-in): the office's pages
    offer him nothing to decide about it (four eyes: catalogue.service.not_for_himself)."""
    if not current_user.is_authenticated:
        return {"own_volunteer_id": None}
    volunteer = booking_access.viewer_of(me()).volunteer
    return {"own_volunteer_id": volunteer.id if volunteer is not None else None}


def office_page(view):
    """Signed-in office staff only: others are sent to sign in, or told it is not for them."""

    @signed_in
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_office:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _range_from_query(schema=VolunteerRankingArgs):
    """The period or from–to range in the query string; bad values fall back to the default
    period with the message shown."""
    # The form sends its empty date boxes (可不填) as from=&to=: empty means not given.
    given = {key: value for key, value in request.args.items() if value.strip()}
    try:
        args = schema(unknown=ma.EXCLUDE).load(given)
        return args, rankings.date_range(args["period"], args["from_"], args["to"], today()), {}
    except ma.ValidationError as err:
        return {}, rankings.date_range(None, None, None, today()), err.messages
    except DomainError as err:
        return {}, rankings.date_range(None, None, None, today()), err.fields


@bp.app_template_global()
def default_period() -> str:
    """What a period selector shows when none is asked for: the period the figures are for."""
    return rankings.DEFAULT_PERIOD.value


def _grids():
    return places.grids_of(current_user.community_id)


@bp.get("/")
@office_page
def dashboard_page():
    _args, (first, last), errors = _range_from_query()
    f = dashboard.figures(current_user.community_id, first, last, str(get_locale()))
    loop = f["closed_loop"]
    charts = {
        "loop": [
            (_("Raised"), sum(line.raised for line in loop)),
            (_("Taken"), sum(line.taken for line in loop)),
            (_("Done"), sum(line.done for line in loop)),
            (_("Followed up"), sum(line.followed_up for line in loop)),
        ],
        "demand": [(f"{d.category} {d.grid}", d.raised) for d in f["demand"][:8] if d.raised],
        "top": [(v.name, round(v.minutes / 60, 1)) for v in f["top_volunteers"]],
    }
    return render_template("office/dashboard.html", f=f, charts=charts, errors=errors)


@bp.get("/rankings")
@office_page
def rankings_page():
    args, (first, last), errors = _range_from_query()
    items, lines, team_lines = [], [], []
    if not errors:
        items = rankings.volunteer_ranking(
            current_user.community_id,
            first,
            last,
            grid_id=args.get("grid_id"),
            tag=args.get("tag"),
            team_id=args.get("team_id"),
            limit=args.get("limit"),
        )
        lines = rankings.grid_table(current_user.community_id, first, last)
        team_lines = team_totals.team_table(current_user.community_id, first, last)
    query = {k: v for k, v in request.args.items() if k != "format" and v}
    return render_template(
        "office/rankings.html",
        items=items,
        lines=lines,
        team_lines=team_lines,
        first=first,
        last=last,
        grids=_grids(),
        teams=[(line.team_id, line.name) for line in team_lines],
        query=query,
        form=request.args,
        errors=errors,
    )


class _VetForm(FormSchema):
    reason = TrimmedString(load_default="", validate=length(max=500))


# The office's decisions on a volunteer, each the catalogue's service for it.
VETTING = {
    "approve": catalogue.approve,
    "refuse": catalogue.refuse,
    "suspend": catalogue.suspend,
}


@bp.get("/volunteers")
@office_page
def volunteers_page():
    status = request.args.get("status") or None
    volunteers, _total = catalogue.community_volunteers(
        me(), status=status, grid_id=None, page=1, per_page=100
    )
    if status == "pending":  # also approved volunteers who asked to add skills or grids
        approved, _total = catalogue.community_volunteers(
            me(), status="approved", grid_id=None, page=1, per_page=100
        )
        volunteers = list(volunteers) + [v for v in approved if v.has_pending_additions]
    zh = str(get_locale()).startswith("zh")
    return render_template("office/volunteers.html", volunteers=volunteers, zh=zh)


@bp.post("/volunteers/<int:volunteer_id>/<any(approve, refuse, suspend):action>")
@office_page
def vet_volunteer(volunteer_id, action):
    data, _errors = load_form(_VetForm)
    volunteer = catalogue.vettable_volunteer(me(), volunteer_id)
    reason = data.get("reason", "")
    if action != "approve" and not reason:
        flash(_("Please give a reason."), "error")
        return redirect(url_for(".volunteers_page"), code=303)
    return said_and_gone(
        lambda: VETTING[action](me(), volunteer, reason),
        said=_("Done: %(name)s.", name=volunteer.name),
        go=url_for(".volunteers_page"),
    )


@bp.get("/staff")
@office_page
def staff_page():
    """The community's staff accounts and their two-step sign-in; a lost phone is reset here."""
    return render_template("office/staff.html", staff=totp.community_staff(me()))


@bp.post("/staff/<int:user_id>/totp-reset")
@office_page
def reset_staff_totp(user_id):
    user = totp.colleague(me(), user_id)

    def said(was_on: bool) -> str:
        if was_on:
            return _(
                "Two-step sign-in of %(name)s is off. They sign in with their password and "
                "set it up again on the new phone.",
                name=user.name,
            )
        return _("%(name)s had no two-step sign-in to turn off.", name=user.name)

    return said_and_gone(
        lambda: totp.reset_by_office(me(), user), said=said, go=url_for(".staff_page")
    )


@bp.post("/volunteers/<int:volunteer_id>/tags")
@office_page
def tag_volunteer(volunteer_id):
    """Tags typed in one box, separated by commas or spaces (在职党员, 虹西志愿服务队)."""
    volunteer = catalogue.vettable_volunteer(me(), volunteer_id)
    typed = [t for t in re.split(r"[,，、\s]+", request.form.get("tags", "")) if t]
    try:
        tags = VolunteerTagsSchema().load({"tags": typed})["tags"]
    except ma.ValidationError as err:
        messages = translate_fields(err.messages).values()
        flash(" ".join(str(m) for found in messages for m in found), "error")
    else:
        return said_and_gone(
            lambda: catalogue.set_tags(me(), volunteer, tags),
            said=_("Done: %(name)s.", name=volunteer.name),
            go=url_for(".volunteers_page"),
        )
    return redirect(url_for(".volunteers_page"), code=303)


@bp.route("/rules", methods=["GET", "POST"])
@office_page
def rules_page():
    if request.method == "POST":
        code = request.form.get("code", "")
        changes = {
            "active": request.form.get("active") == "on",
            "waive_materials": request.form.get("waive_materials") == "on",
        }
        if code == fees.AGE_80:
            age = whole_number(request.form.get("min_age", "").strip())
            if age is None or not 0 <= age <= 150:
                flash(_("Enter an age from 0 to 150."), "error")
                return redirect(url_for(".rules_page"), code=303)
            changes["min_age"] = age
        return said_and_gone(
            lambda: waivers.update_rule(me(), code, changes),
            said=_("The rule is saved. Bookings already made keep their rules."),
            go=url_for(".rules_page"),
        )
    rules = waivers.rules_in_force(current_user.community_id)
    return render_template("office/rules.html", rules=rules)


@bp.route("/calendar", methods=["GET", "POST"])
@office_page
def calendar_page():
    year = request.values.get("year", type=int) or today().year
    if not 2000 <= year <= 2100:
        year = today().year

    def page(rows, errors: dict):
        days = calendar.days_of(current_user.community_id, date(year, 1, 1), date(year, 12, 31))
        rows = rows if rows is not None else calendar.rows_of(days)
        source = calendar.year_source(current_user.community_id, year)
        return render_template(
            "office/calendar.html", year=year, rows=rows, errors=errors, source=source,
            kinds=calendar.KIND_NAMES,
        ), 422 if errors else 200  # fmt: skip

    if request.method == "GET":
        return page(None, {})
    rows = calendar.rows_from_form(request.form)  # one row a day, its kind chosen from a list
    items, errors, where = calendar.days_from_rows(rows)
    if errors:
        return page(rows, errors)
    return attempt(
        lambda: calendar.set_year(me(), year, items),
        refusals=(DomainError,),
        roll_back=False,
        again=lambda errors, _status: page(rows, calendar.row_errors(errors, where)),
        then=lambda _days: done(
            _("The calendar for %(year)s is saved.", year=year),
            url_for(".calendar_page", year=year),
        ),
    )


@bp.get("/hours")
@office_page
def hours_page(form=None, errors=None, status=200):
    corrections, _total = hours.corrections_for(me(), "open", 1, 100)
    by_hand, _total = hours.records_for(me(), {"source": Source.manual}, 1, 10)
    volunteers = catalogue.approved_volunteers(current_user.community_id)
    return render_template(
        "office/hours.html",
        corrections=corrections,
        by_hand=by_hand,  # what was given lately, so a slip is seen (and corrected) at once
        # Whose correction or record each is (one who has left the approved list too).
        names=reading.volunteer_names(r.volunteer_id for r in [*corrections, *by_hand]),
        overdue=service.overdue_jobs(me()),
        unpublished=calendar.unpublished_years(
            current_user.community_id, date(today().year - 1, 1, 1), today()
        ),
        volunteers=volunteers,
        grids=_grids(),
        form=form or {"date": today().isoformat()},
        errors=errors or {},
    ), status


@bp.post("/hours")
@office_page
def add_hours():
    data, errors = load_form(ManualHoursForm)
    return attempt(
        lambda: hours.add_manual(me(), data),
        errors=errors,
        refusals=(DomainError,),
        status=422,
        again=lambda errors, status: hours_page(form=kept_input(), errors=errors, status=status),
        then=lambda _record: done(_("The hours are recorded."), url_for(".hours_page")),
    )


@bp.post("/corrections/<int:correction_id>/<any(accept, reject):decision>")
@office_page
def decide_correction(correction_id, decision):
    note = (request.form.get("note") or "").strip()[:500]
    return said_and_gone(
        lambda: hours.decide_correction(me(), correction_id, decision == "accept", note),
        said=_("The correction is decided."),
        go=url_for(".hours_page"),
    )


class CertificateForm(FormSchema):
    """A certificate's range and seal, as the office issues one and a volunteer asks for one."""

    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    with_seal = fields.Boolean(load_default=False)


@bp.post("/volunteers/<int:volunteer_id>/certificates")
@office_page
def issue_certificate(volunteer_id):
    data, errors = load_form(CertificateForm)
    back = referring_page(url_for(".rankings_page"))  # the page he asked from
    if errors:
        flash(_("Check the dates of the certificate."), "error")
        return redirect(back, code=303)
    try:
        certificate = service.issue_certificate(
            me(), volunteer_id, data["from_"], data["to"], data["with_seal"]
        )
    except DomainError as err:
        flash(refusal_said(err), "error")
        return redirect(back, code=303)
    return redirect(url_for(".certificate_page", certificate_id=certificate.id), code=303)


@bp.get("/certificate-requests")
@office_page
def certificate_requests_page():
    """Requests waiting first; find any certificate again by its serial."""
    serial = request.args.get("serial", "").strip()[:30]
    found = service.certificate_by_serial(me(), serial) if serial else None
    rows = service.certificate_requests(me(), None)
    names = reading.volunteer_names(r.volunteer_id for r in rows)
    return render_template(
        "office/certificate_requests.html", rows=rows, names=names, serial=serial, found=found
    )


@bp.post("/certificate-requests/<int:request_id>/issue")
@office_page
def issue_requested_certificate(request_id):
    try:
        certificate = service.issue_requested(me(), request_id)
    except DomainError as err:
        db.session.rollback()
        flash(refusal_said(err), "error")
        return redirect(url_for(".certificate_requests_page"), code=303)
    flash(_("The certificate is issued. The volunteer has been told."), "success")
    return redirect(url_for(".certificate_page", certificate_id=certificate.id), code=303)


@bp.post("/certificate-requests/<int:request_id>/refuse")
@office_page
def refuse_certificate_request(request_id):
    reason = request.form.get("reason", "").strip()[:500]
    if not reason:
        flash(_("Say why, so the volunteer knows."), "error")
        return redirect(url_for(".certificate_requests_page"), code=303)
    return said_and_gone(
        lambda: service.refuse_requested(me(), request_id, reason),
        said=_("The volunteer has been told."),
        go=url_for(".certificate_requests_page"),
    )


@bp.get("/certificates/<int:certificate_id>")
@signed_in
def certificate_page(certificate_id):
    """Print-ready on A4; the office, or the volunteer himself."""
    return render_template(
        "office/certificate.html", **service.certificate_to_print(me(), certificate_id)
    )


@bp.get("/audit")
@office_page
def audit_page():
    page = page_number(last=100_000)
    rows, total = service.audit_events(me(), request.args.get("action") or None, page, 50)
    subjects = service.audit_subject_names(me(), (event for event, _name in rows))
    return render_template(
        "office/audit.html", rows=rows, total=total, page=page, subjects=subjects
    )
