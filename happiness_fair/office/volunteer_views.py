"""A volunteer's own hours page: his records and corrections (the hours part's) beside the
certificates he asked the office for (this part's), so the page sits here, above both.

The same services as the API: hours.summary_of(), records_for(), corrections_for(),
request_certificate(), my_certificate_requests(), my_certificates().
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..bookings import reading as bookings
from ..catalogue import service as catalogue
from ..errors import Conflict, Forbidden, ValidationFailed
from ..forms import kept_input, load_form
from ..hours import service as hours
from ..hours import views as hours_views
from ..web import attempt, done, me, page_number, pages_for, signed_in
from . import service
from .views import CertificateForm

PER_PAGE = 20

bp = Blueprint("my_hours", __name__)

CERTIFICATE_REQUEST_STATUS = {
    "requested": _l("waiting for the office"),
    "issued": _l("issued"),
    "refused": _l("not granted"),
}


@bp.post("/my-hours/certificate-requests")
@signed_in
def ask_for_certificate():
    """He asks the office for a certificate for a range, with or without the seal (办法 art. 14,
    15); the same service as POST /me/certificate-requests."""
    data, errors = load_form(CertificateForm)
    return attempt(
        lambda: service.request_certificate(me(), data["from_"], data["to"], data["with_seal"]),
        errors=errors,
        refusals=(ValidationFailed, Conflict, Forbidden),
        again=lambda errors, status: _hours_page(
            cert_form=kept_input(), cert_errors=errors, status=status
        ),
        then=lambda _request: done(
            _("Your request is sent to the community office."), url_for(".page") + "#certificates"
        ),
    )


def _hours_page(status: int = 200, cert_form=None, cert_errors=None):
    user = me()
    volunteer = catalogue.volunteer_of(user)
    if volunteer is None:
        return redirect(url_for("volunteer_web.apply"), code=303)
    page = page_number()
    summary = dict(hours.summary_of(user))
    walk_ins = service.walk_in_lines(volunteer.id, None, None)  # counted in the summary
    records, total = hours.records_for(user, {"volunteer_id": volunteer.id}, page, PER_PAGE)
    corrections, _total = hours.corrections_for(user, None, 1, 100)
    corrections = [c for c in corrections if c.volunteer_id == volunteer.id]
    waiting = {c.record_id for c in corrections if c.status.value == "open"}
    return (
        render_template(
            "hours/mine.html",
            volunteer=volunteer,
            summary=summary,
            records=records,
            his_jobs=bookings.still_his(volunteer.id, (r.booking_id for r in records)),
            corrections=corrections,
            waiting=waiting,
            record_status=hours_views.RECORD_STATUS_NAMES,
            source_names=hours_views.SOURCE_NAMES,
            correction_status=hours_views.CORRECTION_STATUS_NAMES,
            walk_ins=walk_ins,
            cert_requests=service.my_certificate_requests(user),
            certificates=service.my_certificates(user),
            cert_status=CERTIFICATE_REQUEST_STATUS,
            cert_form=cert_form or {},
            cert_errors=cert_errors or {},
            page=page,
            pages=pages_for(total, PER_PAGE),
        ),
        status,
    )


@bp.get("/my-hours")
@signed_in
def page():
    """His verified and waiting hours, his corrections, and his certificates."""
    return _hours_page()
