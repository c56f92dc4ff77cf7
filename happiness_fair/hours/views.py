"""A volunteer's correction requests and the public honour board (his hours page, which shows
his certificates too, is the office's: office/volunteer_views.py).

The same services as the API: visible_record(), request_correction(); the honour board reads
volunteer_ranking() and shows each name as RankedVolunteer.public_name, as he chose.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from .. import versions
from ..catalogue import service as catalogue
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..forms import kept_input, load_form
from ..places import service as places
from ..places.clock import today
from ..places.models import Community
from ..web import attempt, done, me, signed_in
from . import rankings, service
from .api import HONOUR_BOARD_SIZE
from .models import HoursStatus
from .rules import RankingPeriod
from .schemas import CorrectionRequestSchema

bp = Blueprint("hours_web", __name__)

RECORD_STATUS_NAMES = {
    "pending": _l("waiting for confirmation"),
    "verified": _l("verified"),
    "rejected": _l("not counted"),
}
SOURCE_NAMES = {
    "booking": _l("home visit"),
    "fair": _l("fair-day stall"),
    "manual": _l("entered by the office"),
}
CORRECTION_STATUS_NAMES = {
    "open": _l("waiting for the office"),
    "accepted": _l("accepted by the office"),
    "rejected": _l("turned down by the office"),
}
# The honour board offers this month and this year (the office's pages also the quarter).
HONOUR_BOARD_PERIODS = {
    p: rankings.RANKING_PERIOD_NAMES[p] for p in (rankings.DEFAULT_PERIOD, RankingPeriod.year)
}


@bp.app_template_global()
def ranking_periods():
    """(value, name) of every period the office's period selector offers."""
    return rankings.RANKING_PERIOD_NAMES.items()


@bp.app_template_global()
def hours_text(minutes: int) -> str:
    """45 → "45 minutes"; 150 → "2 h 30 min": what a volunteer reads, not a decimal."""
    hours, rest = divmod(int(minutes or 0), 60)
    if not hours:
        return ngettext("%(num)d minute", "%(num)d minutes", rest)
    if not rest:
        return _("%(h)s h", h=hours)
    return _("%(h)s h %(m)s min", h=hours, m=rest)


@bp.route("/my-hours/<int:record_id>/correction", methods=["GET", "POST"])
@signed_in
def correction(record_id: int):
    """Ask the office to put one of his records right: the minutes he says, and why."""
    user = me()
    volunteer = catalogue.volunteer_of(user)
    record = service.visible_record(user, record_id)
    if volunteer is None or record.volunteer_id != volunteer.id:
        raise NotFound()

    def page(form: dict, errors: dict, status: int = 200):
        return (
            render_template(
                "hours/correction.html",
                record=record,
                form=form,
                errors=errors,
                record_status=RECORD_STATUS_NAMES,
                verified=record.status is HoursStatus.verified,
            ),
            status,
        )

    if request.method == "GET":
        return page({"minutes": str(record.minutes), "reason": ""}, {})
    data, errors = load_form(CorrectionRequestSchema)
    return attempt(
        lambda: service.request_correction(user, record.id, data["minutes"], data["reason"]),
        errors=errors,
        refusals=(ValidationFailed, Conflict, Forbidden),
        again=lambda errors, status: page(kept_input(), errors, status),
        then=lambda _request: done(
            _("Your request is sent to the community office."), url_for("my_hours.page")
        ),
    )


@bp.app_template_global()
def community_person_in_charge() -> str:
    """The 负责人 the signed-in office named (the office's hours page shows and changes it)."""
    community = db.session.get(Community, current_user.community_id)
    return community.person_in_charge if community else ""


@bp.post("/office/hours/person-in-charge")
@signed_in
def set_person_in_charge():
    """The office names its 负责人 (the same service as PUT /hours/person-in-charge)."""
    name = request.form.get("name", "").strip()
    if len(name) > 40:
        flash(_("Keep the name to 40 characters."), "error")
    else:
        service.set_person_in_charge(me(), name)
        flash(_("The person in charge is saved."), "success")
    return redirect(url_for("office.hours_page") + "#person-in-charge", code=303)


@bp.get("/honour-board")
@versions.conditional_get(versions.CATALOGUE, versions.HOURS, extra=lambda: today().isoformat())
def honour_board():
    """Public: this month's or this year's top volunteers, names as each chose to show them."""
    text = request.args.get("community_id", "").strip()
    community = None
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**31:
        community = db.session.get(Community, int(text))
        if community is None:
            raise NotFound()
    elif text:
        raise NotFound()
    elif current_user.is_authenticated:
        community = db.session.get(Community, current_user.community_id)
    if community is None:
        return render_template(
            "hours/honour_board.html", community=None, communities=places.communities()
        )
    period = request.args.get("period", "month")
    period = period if period in HONOUR_BOARD_PERIODS else rankings.DEFAULT_PERIOD
    first, last = rankings.rules.period_range(period, today())
    items = rankings.volunteer_ranking(community.id, first, last, limit=HONOUR_BOARD_SIZE)
    return render_template(
        "hours/honour_board.html",
        community=community,
        communities=[],
        period=period,
        periods=HONOUR_BOARD_PERIODS,
        first=first,
        last=last,
        items=items,
    )
