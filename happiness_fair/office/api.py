"""The office's calendar, overdue jobs, certificates, audit log and dashboard over JSON."""

from __future__ import annotations

from datetime import date

import marshmallow as ma
from flask_babel import get_locale
from flask_login import current_user
from marshmallow import fields

from ..accounts.security import me
from ..api.base import ApiBlueprint, PageArgs, list_schema, login_required, page_schema, paged
from ..bookings import access
from ..bookings.api import list_view
from ..bookings.schemas import BookingSchema
from ..errors import Forbidden
from ..hours import rankings
from ..hours.schemas import RangeArgs, RankedVolunteerSchema
from ..places.clock import today
from ..teams.schemas import TeamLineSchema
from ..validation import BaseSchema, TrimmedString, between, length, one_of
from . import audit_labels, calendar, dashboard, service
from .models import DayKind

blp = ApiBlueprint("office_api", __name__, description="The community office")


class CalendarDaySchema(BaseSchema):
    day = fields.Date(required=True)
    kind = fields.String(required=True, validate=one_of(k.value for k in DayKind))
    name = TrimmedString(load_default="", validate=length(max=40))


class CalendarSchema(ma.Schema):
    year = fields.Integer()
    items = fields.List(fields.Nested(CalendarDaySchema))


class CalendarPutSchema(BaseSchema):
    items = fields.List(fields.Nested(CalendarDaySchema), required=True, validate=length(max=60))


class YearArgs(BaseSchema):
    class Meta:
        unknown = ma.EXCLUDE

    year = fields.Integer(load_default=None, validate=between(2000, 2100))


class CertificateRequestSchema(BaseSchema):
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    with_seal = fields.Boolean(load_default=False, truthy={True}, falsy={False})


class CertificateSchema(ma.Schema):
    id = fields.Integer()
    serial = fields.String()
    volunteer_id = fields.Integer()
    first_day = fields.Date(data_key="from", allow_none=True)
    last_day = fields.Date(data_key="to", allow_none=True)
    minutes = fields.Integer()
    services = fields.Integer()
    content = fields.String()
    with_seal = fields.Boolean()
    issued_at = fields.DateTime()
    url = fields.Function(lambda c: f"/office/certificates/{c.id}")


class CertificateRequestViewSchema(ma.Schema):
    id = fields.Integer()
    volunteer_id = fields.Integer()
    first_day = fields.Date(data_key="from", allow_none=True)
    last_day = fields.Date(data_key="to", allow_none=True)
    with_seal = fields.Boolean()
    status = fields.String(metadata={"enum": ["requested", "issued", "refused"]})
    reason = fields.String()
    certificate_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)


class CertificateRequestListArgs(BaseSchema):
    class Meta:
        unknown = ma.EXCLUDE

    status = fields.String(load_default=None, validate=one_of(["requested", "issued", "refused"]))


class RefuseSchema(BaseSchema):
    reason = TrimmedString(required=True, validate=length(1, 500))


class SerialArgs(BaseSchema):
    class Meta:
        unknown = ma.EXCLUDE

    serial = TrimmedString(required=True, validate=length(1, 30))


class AuditArgs(PageArgs):
    action = TrimmedString(load_default=None, validate=length(max=40))


class AuditEventSchema(ma.Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True)
    action = fields.String()
    action_name = fields.String(metadata={"description": "the action in the request's language"})
    subject_type = fields.String()
    subject_id = fields.Integer()
    detail = fields.Dict()


class HeadlineSchema(ma.Schema):
    residents_served = fields.Integer()
    services = fields.Integer()
    minutes = fields.Integer()
    volunteers = fields.Integer()
    active_volunteers = fields.Integer()


class LoopLineSchema(ma.Schema):
    grid_id = fields.Integer()
    grid = fields.String()
    month = fields.Date()
    raised = fields.Integer()
    taken = fields.Integer()
    done = fields.Integer()
    followed_up = fields.Integer()
    median_minutes_to_take = fields.Integer(allow_none=True)


class DemandLineSchema(ma.Schema):
    category_id = fields.Integer()
    category = fields.String()
    grid_id = fields.Integer()
    grid = fields.String()
    raised = fields.Integer()
    escalated = fields.Integer()
    untaken = fields.Integer()
    volunteers = fields.Integer()


class ConcernTotalsSchema(ma.Schema):
    raised = fields.Integer()
    handed_over = fields.Integer()
    done = fields.Integer()
    reported_back = fields.Integer()
    satisfied = fields.Integer()
    overdue = fields.Integer()
    median_days_to_done = fields.Float(allow_none=True)


class DashboardSchema(ma.Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    headline = fields.Nested(HeadlineSchema)
    closed_loop = fields.List(fields.Nested(LoopLineSchema))
    demand = fields.List(fields.Nested(DemandLineSchema))
    top_volunteers = fields.List(fields.Nested(RankedVolunteerSchema))
    teams = fields.List(fields.Nested(TeamLineSchema))
    concerns = fields.Nested(ConcernTotalsSchema)


@blp.get("/calendar")
@blp.doc(operationId="getWorkingCalendar")
@blp.arguments(YearArgs, location="query")
@blp.response(200, CalendarSchema)
@blp.errors(401, 403, 422)
@login_required
def get_calendar(args):
    """The year's holidays and make-up working days.

    Who: grid workers and the office.

    - 403: the caller is not staff.
    - 422: a year outside 2000–2100."""
    if not current_user.is_staff:
        raise Forbidden()
    year = args["year"] or today().year
    days = calendar.days_of(current_user.community_id, date(year, 1, 1), date(year, 12, 31))
    return {"year": year, "items": days}


@blp.put("/calendar/<int:year>")
@blp.doc(operationId="replaceWorkingCalendar")
@blp.arguments(CalendarPutSchema)
@blp.response(200, CalendarSchema)
@blp.errors(400, 401, 403, 422)
@login_required
def put_calendar(data, year):
    """Replace the year's holidays and make-up working days; audited.

    Who: the office.

    - 403: the caller is not the office.
    - 422: a day outside the year, an unknown kind, more than 60 days."""
    days = calendar.set_year(current_user, year, data["items"])
    return {"year": year, "items": days}


@blp.get("/overdue-jobs")
@blp.doc(operationId="listOverdueJobs")
@blp.response(200, list_schema(BookingSchema, "OverdueJobs"))
@blp.errors(401, 403)
@login_required
def overdue_jobs():
    """Accepted jobs more than 10 working days past their date with no completion.

    Who: the office.

    - 403: the caller is not the office."""
    viewer = access.viewer_of(me())
    return {"items": [list_view(b, viewer) for b in service.overdue_jobs(current_user)]}


@blp.post("/volunteers/<int:volunteer_id>/certificates")
@blp.doc(operationId="issueCertificate")
@blp.arguments(CertificateRequestSchema)
@blp.response(201, CertificateSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def issue_certificate(data, volunteer_id):
    """Issue a 志愿服务记录证明 over a range (all time without one).

    Who: the office of the volunteer's community. A seal only if the volunteer asked; the answer's
    `url` is the print-ready page. Audited. Another member of the office issues his own.

    - 403: the caller is not the office, or it is his own certificate.
    - 404: no such volunteer in the caller's community.
    - 409: the volunteer is an applicant the office has not approved (or refused), or another
      certificate was issued at the same moment; try again.
    - 422: a range whose end comes before its start."""
    return service.issue_certificate(
        current_user, volunteer_id, data["from_"], data["to"], data["with_seal"]
    )


@blp.post("/me/certificate-requests")
@blp.arguments(CertificateRequestSchema)
@blp.response(201, CertificateRequestViewSchema)
@blp.errors(400, 401, 403, 409, 422)
@blp.doc(operationId="requestCertificate")
@login_required
def request_certificate(data):
    """Ask the office for a certificate over a range (all time without one).

    Who: a volunteer the office has approved (or since suspended: he still served), for himself,
    with or without the seal; the office finds it on its requests page.

    - 403: the caller is not a volunteer.
    - 409: he is an applicant not (yet) approved, or five of his requests are already waiting.
    - 422: a bad range: only one of `from` and `to`, or an end before the start."""
    return service.request_certificate(current_user, data["from_"], data["to"], data["with_seal"])


@blp.get("/me/certificate-requests")
@blp.response(200, list_schema(CertificateRequestViewSchema, "MyCertificateRequestList"))
@blp.errors(401, 403)
@blp.doc(operationId="listMyCertificateRequests")
@login_required
def my_certificate_requests():
    """My certificate requests and their answers, newest first.

    Who: a volunteer (of any status), for himself.

    - 403: the caller is not a volunteer."""
    return {"items": service.my_certificate_requests(current_user)}


@blp.get("/me/certificates")
@blp.response(200, list_schema(CertificateSchema, "MyCertificateList"))
@blp.errors(401, 403)
@blp.doc(operationId="listMyCertificates")
@login_required
def my_certificates():
    """Every certificate issued to me, each with its print `url`.

    Who: a volunteer (of any status), for himself.

    - 403: the caller is not a volunteer."""
    return {"items": service.my_certificates(current_user)}


@blp.get("/certificate-requests")
@blp.arguments(CertificateRequestListArgs, location="query")
@blp.response(200, list_schema(CertificateRequestViewSchema, "CertificateRequestList"))
@blp.errors(401, 403, 422)
@blp.doc(operationId="listCertificateRequests")
@login_required
def list_certificate_requests(args):
    """The community's certificate requests, waiting ones first (then oldest first).

    Who: the office, for its own community.

    - 403: the caller is not the office.
    - 422: an unknown `status` (not requested, issued or refused)."""
    return {"items": service.certificate_requests(current_user, args["status"])}


@blp.post("/certificate-requests/<int:request_id>/issue")
@blp.response(201, CertificateSchema)
@blp.errors(401, 403, 404, 409)
@blp.doc(operationId="issueRequestedCertificate")
@login_required
def issue_requested_certificate(request_id):
    """Issue the certificate a volunteer asked for.

    Who: the office of the request's community; another member for his own. The volunteer is
    told. Audited.

    - 403: the caller is not the office, or it is his own request.
    - 404: no such request, or another community's.
    - 409: the request is already answered, or another certificate was issued at the same
      moment (try again)."""
    return service.issue_requested(current_user, request_id)


@blp.post("/certificate-requests/<int:request_id>/refuse")
@blp.arguments(RefuseSchema)
@blp.response(200, CertificateRequestViewSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@blp.doc(operationId="refuseCertificateRequest")
@login_required
def refuse_certificate_request(data, request_id):
    """Refuse a certificate request, saying why.

    Who: the office of the request's community; another member for his own. The volunteer is
    told.

    - 403: the caller is not the office, or it is his own request.
    - 404: no such request, or another community's.
    - 409: the request is already answered.
    - 422: no reason given, or one over 500 characters."""
    return service.refuse_requested(current_user, request_id, data["reason"])


@blp.get("/certificates")
@blp.arguments(SerialArgs, location="query")
@blp.response(200, list_schema(CertificateSchema, "CertificateSearch"))
@blp.errors(401, 403, 422)
@blp.doc(operationId="findCertificateBySerial")
@login_required
def find_certificate(args):
    """Find a certificate again by its serial.

    Who: the office, for its own community's certificates (an empty list for any other serial).

    - 403: the caller is not the office.
    - 422: no `serial`, or one over 30 characters."""
    return {"items": service.certificate_by_serial(current_user, args["serial"])}


@blp.get("/volunteers/<int:volunteer_id>/certificates")
@blp.doc(operationId="listCertificates")
@blp.response(200, list_schema(CertificateSchema, "CertificateList"))
@blp.errors(401, 404)
@login_required
def list_certificates(volunteer_id):
    """The certificates issued to a volunteer.

    Who: the office of his community, or the volunteer himself.

    - 404: no such volunteer, or the caller is neither."""
    return {"items": service.certificates_of(current_user, volunteer_id)}


@blp.get("/audit-events")
@blp.doc(operationId="listAuditEvents")
@blp.arguments(AuditArgs, location="query")
@blp.response(200, page_schema(AuditEventSchema, "AuditEventPage"))
@blp.errors(401, 403, 422)
@login_required
def audit_events(args):
    """The community's audit log of sensitive acts, newest first (paged).

    Who: the office.

    - 403: the caller is not the office.
    - 422: a query argument is invalid."""
    rows, total = service.audit_events(current_user, args["action"], args["page"], args["per_page"])
    items = [
        {
            "id": e.id,
            "at": e.at,
            "actor_id": e.actor_id,
            "actor_name": name,
            "action": e.action,
            "action_name": audit_labels.action_name(e.action),
            "subject_type": e.subject_type,
            "subject_id": e.subject_id,
            "detail": e.detail,
        }
        for e, name in rows
    ]
    return paged(items, total, args)


class DashboardArgs(RangeArgs):
    period = fields.String(load_default="year", validate=one_of(("month", "quarter", "year")))


@blp.get("/dashboard")
@blp.doc(operationId="getDashboard")
@blp.arguments(DashboardArgs, location="query")
@blp.response(200, DashboardSchema)
@blp.errors(401, 403, 422)
@login_required
def get_dashboard(args):
    """The office's figures over this year, or a period or range.

    Who: the office. Headline totals, the closed loop per grid and month, demand against supply
    per category and grid, and the top five volunteers.

    - 403: the caller is not the office.
    - 422: an invalid period or range."""
    service.require_office(current_user)
    first, last = rankings.date_range(args["period"], args["from_"], args["to"], today())
    return dashboard.figures(current_user.community_id, first, last, str(get_locale()))
