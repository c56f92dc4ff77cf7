"""Hours and rankings over JSON, CSV and XLSX (API.md "Hours and rankings")."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user

from .. import versions
from ..api.base import ApiBlueprint, login_required, page_schema, paged
from ..database import long_statements
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..places.clock import today
from ..places.models import Community, Grid
from . import exports, rankings, service
from .schemas import (
    CorrectionDecisionSchema,
    CorrectionListArgs,
    CorrectionRequestSchema,
    CorrectionSchema,
    GridRankingArgs,
    GridTableSchema,
    HonourArgs,
    HonourBoardSchema,
    HoursListArgs,
    HoursRecordSchema,
    ManualHoursSchema,
    PersonInChargeSchema,
    SummarySchema,
    VolunteerRankingArgs,
    VolunteerRankingSchema,
)

blp = ApiBlueprint("hours_api", __name__, description="Volunteer hours, rankings and exports")

HONOUR_BOARD_SIZE = 20


def file_formats_doc(component: str) -> dict:
    """The table's answer: JSON (the schema component), or with format=csv / format=xlsx the
    same table as a file."""
    return {
        "responses": {
            "200": {
                "description": "JSON, or with format=csv / format=xlsx the same table as a file",
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}},
                    "text/csv": {"schema": {"type": "string"}},
                    exports.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    }


@blp.get("/hours")
@blp.doc(operationId="listHoursRecords")
@blp.arguments(HoursListArgs, location="query")
@blp.response(200, page_schema(HoursRecordSchema, "HoursRecordPage"))
@blp.errors(401, 403, 422)
@login_required
def list_hours(args):
    """Hours records, newest first (paged), filtered by volunteer, grid, dates, status.

    Who: a volunteer his own, grid workers their grids', the office its community's.

    - 403: the caller is neither a volunteer nor staff.
    - 422: a query argument is invalid."""
    filters = {**args, "from": args.get("from_")}
    rows, total = service.records_for(current_user, filters, args["page"], args["per_page"])
    return paged(rows, total, args)


@blp.post("/hours")
@blp.doc(operationId="addManualHours")
@blp.arguments(ManualHoursSchema)
@blp.response(201, HoursRecordSchema)
@blp.errors(400, 401, 403, 422)
@login_required
def add_hours(data):
    """Add a manual hours record with a reason: verified at once, audited.

    Who: the office; another member for his own hours.

    - 403: the caller is not the office, or they are his own hours.
    - 422: a field is invalid (no such volunteer or grid here, a date in the future, minutes out
      of range, no reason)."""
    return service.add_manual(current_user, data)


@blp.get("/hours/person-in-charge")
@blp.doc(operationId="getPersonInCharge")
@blp.response(200, PersonInChargeSchema)
@blp.errors(401, 403)
@login_required
def get_person_in_charge():
    """The 负责人 the office names for records no staff member or grid worker answers for.

    Who: the office.

    - 403: the caller is not the office."""
    service.require_office(current_user)
    return {"name": db.session.get(Community, current_user.community_id).person_in_charge}


@blp.put("/hours/person-in-charge")
@blp.doc(operationId="setPersonInCharge")
@blp.arguments(PersonInChargeSchema)
@blp.response(200, PersonInChargeSchema)
@blp.errors(400, 401, 403, 422)
@login_required
def set_person_in_charge(data):
    """Name the community's 负责人 for volunteer service; records verified later use it. Audited.

    Who: the office.

    - 403: the caller is not the office.
    - 422: the name is longer than 40 characters."""
    community = service.set_person_in_charge(current_user, data["name"])
    return {"name": community.person_in_charge}


@blp.get("/hours/summary")
@blp.doc(operationId="getMyHoursSummary")
@blp.response(200, SummarySchema)
@blp.errors(401, 403)
@login_required
def my_summary():
    """The calling volunteer's all-time verified minutes, services and star level.

    Who: a volunteer.

    - 403: the caller is not a volunteer."""
    return service.summary_of(current_user)


@blp.post("/hours/<int:record_id>/corrections")
@blp.doc(operationId="requestHoursCorrection")
@blp.arguments(CorrectionRequestSchema)
@blp.response(201, CorrectionSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def request_correction(data, record_id):
    """Ask the office to put a record's minutes right (order 67 art. 13).

    Who: the volunteer the record belongs to.

    - 403: the caller may see the record but is not its volunteer (staff).
    - 404: no such record, or the caller may not see it.
    - 409: a correction of this record is already waiting for the office.
    - 422: minutes out of range, the same minutes, or no reason."""
    return service.request_correction(current_user, record_id, data["minutes"], data["reason"])


@blp.get("/hours/corrections")
@blp.doc(operationId="listHoursCorrections")
@blp.arguments(CorrectionListArgs, location="query")
@blp.response(200, page_schema(CorrectionSchema, "CorrectionPage"))
@blp.errors(401, 403, 422)
@login_required
def list_corrections(args):
    """Correction requests, oldest first (paged).

    Who: the office its community's, a volunteer his own.

    - 403: the caller is neither (grid workers, residents).
    - 422: a query argument is invalid."""
    rows, total = service.corrections_for(
        current_user, args["status"], args["page"], args["per_page"]
    )
    return paged(rows, total, args)


def _decide(correction_id: int, data: dict, accept: bool):
    return service.decide_correction(current_user, correction_id, accept, data["note"])


@blp.post("/hours/corrections/<int:correction_id>/accept")
@blp.doc(operationId="acceptHoursCorrection")
@blp.arguments(CorrectionDecisionSchema)
@blp.response(200, CorrectionSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def accept_correction(data, correction_id):
    """Accept a correction: the record takes the minutes asked for; totals follow.

    Who: the office of the volunteer's community; another member for his own. Audited.

    - 403: the caller is staff but not the office, or it is his own correction.
    - 404: no such correction in the caller's community.
    - 409: it has already been decided.
    - 422: the note is too long."""
    return _decide(correction_id, data, accept=True)


@blp.post("/hours/corrections/<int:correction_id>/reject")
@blp.doc(operationId="rejectHoursCorrection")
@blp.arguments(CorrectionDecisionSchema)
@blp.response(200, CorrectionSchema)
@blp.errors(400, 401, 403, 404, 409, 422)
@login_required
def reject_correction(data, correction_id):
    """Reject a correction: the record stays; the note tells the volunteer why.

    Who: the office of the volunteer's community; another member for his own. Audited.

    - 403: the caller is staff but not the office, or it is his own correction.
    - 404: no such correction in the caller's community.
    - 409: it has already been decided.
    - 422: no note, or one too long."""
    return _decide(correction_id, data, accept=False)


# --- rankings ---------------------------------------------------------------------------------


def _staff_range(args: dict):
    """Rankings are for community staff; the range asked for, checked."""
    if not current_user.is_staff:
        raise Forbidden(_l("Rankings are for the community office and grid workers."))
    return rankings.date_range(args["period"], args["from_"], args["to"], today())


def _file(content: bytes, mimetype: str, stem: str, first, last, extension: str) -> Response:
    span = f"{first}_{last}" if first else "all"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{stem}-{span}.{extension}"'},
    )


def _as_file(args, stem: str, title: str, headers: list[str], rows: list[list], first, last):
    if args["format"] == "csv":
        return _file(exports.to_csv(headers, rows), exports.CSV_TYPE, stem, first, last, "csv")
    return _file(
        exports.to_xlsx(title, headers, rows), exports.XLSX_TYPE, stem, first, last, "xlsx"
    )


def _kept_json(table_key: tuple, schema: type, read: Callable[[], list], first, last) -> Response:
    """A kept table's JSON answer (what the view's response schema dumps), made once and kept
    beside the table for as long as the table itself: a kept ranking is not dumped and encoded
    again for each caller (docs/PERFORMANCE.md, round 8)."""
    body = rankings.keep(
        ("json", *table_key),
        lambda: current_app.json.response(
            schema().dump({"from_": first, "to": last, "items": read()})
        ).get_data(),
    )
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


@blp.get("/rankings/volunteers")
@blp.doc(operationId="rankVolunteers")
@blp.arguments(VolunteerRankingArgs, location="query")
@blp.response(200, VolunteerRankingSchema)
@blp.doc(**file_formats_doc("VolunteerRanking"))
@blp.errors(401, 403, 422)
@login_required
def volunteer_ranking(args):
    """Volunteers by verified minutes over a period or an inclusive from–to range.

    Who: grid workers and the office. For the community, one grid (`grid_id`), one tag or one
    team (`team_id`); ties by services, name, id. `format=csv` or `format=xlsx` answers the same
    table as a file.

    - 403: the caller is not staff.
    - 422: an invalid period or range, or a grid or team not in the caller's community."""
    first, last = _staff_range(args)
    if args["format"] != "json":
        long_statements()  # a file export reads more than a page does
    grid_id = args["grid_id"]
    if grid_id is not None:
        grid = db.session.get(Grid, grid_id)
        if grid is None or grid.community_id != current_user.community_id:
            raise ValidationFailed(fields={"grid_id": [_l("There is no such grid here.")]})
    if args["team_id"] is not None:
        community_id = rankings.team_community(args["team_id"])
        if community_id is None or community_id != current_user.community_id:
            raise ValidationFailed(fields={"team_id": [_l("There is no such team here.")]})
    community_id = current_user.community_id
    tag, team_id, limit = args["tag"], args["team_id"], args["limit"]
    if args["format"] == "json" and team_id is None:
        return _kept_json(
            rankings.volunteer_ranking_key(community_id, first, last, grid_id, tag, limit),
            VolunteerRankingSchema,
            lambda: rankings.volunteer_ranking(
                community_id, first, last, grid_id=grid_id, tag=tag, limit=limit
            ),
            first,
            last,
        )
    items = rankings.volunteer_ranking(
        community_id, first, last, grid_id=grid_id, tag=tag, team_id=team_id, limit=limit
    )
    if args["format"] != "json":
        headers = [
            _("Rank"),
            _("Volunteer no."),
            _("Name"),
            _("Minutes"),
            _("Hours"),
            pgettext("count", "Services"),
            _("Star level"),
        ]
        rows = [
            [i.rank, i.volunteer_id, i.name, i.minutes, _hours(i.minutes), i.services, i.star_level]
            for i in items
        ]
        title = _("Volunteer ranking")
        return _as_file(args, "volunteer-ranking", title, headers, rows, first, last)
    return {"from_": first, "to": last, "items": items}


@blp.get("/rankings/grids")
@blp.doc(operationId="rankGrids")
@blp.arguments(GridRankingArgs, location="query")
@blp.response(200, GridTableSchema)
@blp.doc(**file_formats_doc("GridTable"))
@blp.errors(401, 403, 422)
@login_required
def grid_table(args):
    """Every grid's verified minutes, services and volunteers over a period or range.

    Who: grid workers and the office. `format=csv` or `format=xlsx` answers the same table as a
    file.

    - 403: the caller is not staff.
    - 422: an invalid period or range."""
    first, last = _staff_range(args)
    if args["format"] != "json":
        long_statements()
    community_id = current_user.community_id
    if args["format"] == "json":
        return _kept_json(
            rankings.grid_table_key(community_id, first, last),
            GridTableSchema,
            lambda: rankings.grid_table(community_id, first, last),
            first,
            last,
        )
    items = rankings.grid_table(community_id, first, last)
    if args["format"] != "json":
        headers = [
            _("Grid no."),
            _("Grid"),
            _("Minutes"),
            _("Hours"),
            pgettext("count", "Services"),
            pgettext("count", "Volunteers"),
        ]
        rows = [
            [i.grid_id, i.name, i.minutes, _hours(i.minutes), i.services, i.volunteers]
            for i in items
        ]
        return _as_file(args, "grid-table", _("Grid table"), headers, rows, first, last)
    return {"from_": first, "to": last, "items": items}


@blp.get("/honour-board")
@blp.doc(operationId="getHonourBoard")
@versions.conditional_get(versions.CATALOGUE, versions.HOURS, extra=lambda: today().isoformat())
@blp.arguments(HonourArgs, location="query")
@blp.response(200, HonourBoardSchema)
@blp.errors(404, 422)
def honour_board(args):
    """This month's or this year's top volunteers (public).

    Who: anyone. Each name as the volunteer chose to show it (masked, 沈**, until he chooses).

    - 404: no such community.
    - 422: `community_id` missing, or an unknown period."""
    community = db.session.get(Community, args["community_id"])
    if community is None:
        raise NotFound()
    first, last = rankings.rules.period_range(args["period"], today())
    items = rankings.volunteer_ranking(community.id, first, last, limit=HONOUR_BOARD_SIZE)
    return {
        "community_id": community.id,
        "period": args["period"],
        "from_": first,
        "to": last,
        "items": [
            {
                "rank": i.rank,
                "name": i.public_name,
                "minutes": i.minutes,
                "services": i.services,
                "star_level": i.star_level,
            }
            for i in items
        ],
    }
