"""The 问题清单 / 成果清单: per grid and month, how many concerns were raised, handed over,
done and reported back, how many residents were satisfied, the median days from raised to done,
and how many went past their due date; per handler, the same for what was handed to it (which
handlers are slow). Months and days are reckoned in Asia/Shanghai."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..accounts.models import User
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from ..hours.rules import period_range
from ..places.clock import service_date_of
from ..places.models import Grid
from . import reading
from .categories import categories
from .handlers import handler_names
from .models import Concern, Handler
from .rules import ConcernStatus, Outcome

MAX_DAYS = 366 * 2


def _day(ts: datetime | None) -> date | None:
    return service_date_of(ts) if ts is not None else None


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _months(start: date, end: date) -> list[str]:
    out, day = [], date(start.year, start.month, 1)
    while day <= end:
        out.append(_month(day))
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return out


def _days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def was_late(concern: Concern, today: date) -> bool:
    """It had a due date and was not done by it: still handed over after it, or done later."""
    if concern.due_on is None:
        return False
    done = _day(concern.done_at)
    if done is not None and (
        concern.handed_over_at is None or concern.done_at >= concern.handed_over_at
    ):
        return done > concern.due_on
    return concern.status is ConcernStatus.handed_over and today > concern.due_on


def bounds(period: str, start: date | None, end: date | None, today: date) -> tuple[date, date]:
    default_start, default_end = period_range(period, today)
    start, end = start or default_start, end or default_end
    if start > end:
        raise ValidationFailed(fields={"from": [_l("The start must not be after the end.")]})
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed(fields={"from": [_l("Choose at most two years.")]})
    return start, end


def _grids_listed(user: User, grid_id: int | None) -> sa.Select:
    """The grids the lists are for: the caller's (the office: the community's), or the one of
    them asked for."""
    if not user.is_staff:
        raise Forbidden(_l("Only grid workers and the office see the lists."))
    stmt = sa.select(Grid).where(Grid.community_id == user.community_id)
    if not user.is_office:
        stmt = stmt.where(Grid.id.in_(user.grid_ids or [0]))
    if grid_id is not None:
        stmt = stmt.where(Grid.id == grid_id)
    return stmt


def summary(user: User, *, start: date, end: date, today: date, grid_id: int | None = None) -> dict:
    """The lists for the caller's grids (the office: the whole community)."""
    grids_stmt = _grids_listed(user, grid_id)
    grids = db.session.scalars(grids_stmt.order_by(Grid.number)).all()
    return _lists(grids, start=start, end=end, today=today)


def community_totals(community_id: int, start: date, end: date, today: date) -> dict:
    """The dashboard's concern figures: the lists of every grid, added up; the median days to
    done over every concern done in the range."""
    grids = db.session.scalars(
        sa.select(Grid).where(Grid.community_id == community_id).order_by(Grid.number)
    ).all()
    result = _lists(grids, start=start, end=end, today=today, keep_days=True)
    keys = ("raised", "handed_over", "done", "reported_back", "satisfied", "overdue")
    totals = {k: sum(r[k] for r in result["items"]) for k in keys}
    totals["median_days_to_done"] = _median(result["days"])
    return totals


def _lists(grids: list, *, start: date, end: date, today: date, keep_days: bool = False) -> dict:
    grid_ids = [g.id for g in grids]
    # A day's events fall between its midnights in Shanghai: widen by a day each side in UTC
    # and keep exactness with _day() below.
    lo = datetime.combine(start - timedelta(days=1), time.min, tzinfo=UTC)
    hi = datetime.combine(end + timedelta(days=2), time.min, tzinfo=UTC)
    concerns = db.session.scalars(
        sa.select(Concern).where(
            Concern.grid_id.in_(grid_ids or [0]),
            sa.or_(
                Concern.created_at.between(lo, hi),
                Concern.handed_over_at.between(lo, hi),
                Concern.done_at.between(lo, hi),
                Concern.reported_back_at.between(lo, hi),
                Concern.due_on.between(start, end),
            ),
        )
    ).all()

    def inside(day: date | None) -> bool:
        return day is not None and start <= day <= end

    rows: dict[tuple[int, str], dict] = {}
    for grid in grids:
        for month in _months(start, end):
            rows[(grid.id, month)] = {
                "grid_id": grid.id,
                "grid": grid.name,
                "month": month,
                "raised": 0,
                "handed_over": 0,
                "done": 0,
                "reported_back": 0,
                "satisfied": 0,
                "overdue": 0,
                "_days": [],
            }
    handlers: dict[int, dict] = {}

    def handler_row(handler_id: int) -> dict:
        return handlers.setdefault(
            handler_id,
            {"handler_id": handler_id, "handed_over": 0, "done": 0, "overdue": 0, "_days": []},
        )

    for c in concerns:
        created, handed = _day(c.created_at), _day(c.handed_over_at)
        done, reported = _day(c.done_at), _day(c.reported_back_at)
        if inside(created):
            rows[(c.grid_id, _month(created))]["raised"] += 1
        if inside(handed):
            rows[(c.grid_id, _month(handed))]["handed_over"] += 1
            if c.handler_id is not None:
                handler_row(c.handler_id)["handed_over"] += 1
        if inside(done):
            row = rows[(c.grid_id, _month(done))]
            row["done"] += 1
            row["_days"].append(_days_between(c.created_at, c.done_at))
            if c.handler_id is not None and c.handed_over_at is not None:
                h = handler_row(c.handler_id)
                h["done"] += 1
                h["_days"].append(_days_between(c.handed_over_at, c.done_at))
        if inside(reported):
            row = rows[(c.grid_id, _month(reported))]
            row["reported_back"] += 1
            if c.outcome is Outcome.satisfied:
                row["satisfied"] += 1
        if inside(c.due_on) and was_late(c, today):
            rows[(c.grid_id, _month(c.due_on))]["overdue"] += 1
            if c.handler_id is not None:
                handler_row(c.handler_id)["overdue"] += 1

    names = dict(
        db.session.execute(
            sa.select(Handler.id, Handler.name).where(Handler.id.in_(list(handlers) or [0]))
        ).all()
    )
    items, all_days = [], []
    for row in rows.values():
        all_days += row["_days"]
        row["median_days_to_done"] = _median(row.pop("_days"))
        items.append(row)
    order = {g.id: i for i, g in enumerate(grids)}
    items.sort(key=lambda r: (r["month"], order[r["grid_id"]]))
    by_handler = []
    for handler_id, row in handlers.items():
        row["median_days_to_done"] = _median(row.pop("_days"))
        row["name"] = names.get(handler_id, "")
        by_handler.append(row)
    # The slowest first: most overdue, then the longest median.
    by_handler.sort(key=lambda r: (-r["overdue"], -(r["median_days_to_done"] or 0), r["name"]))
    result = {"from": start, "to": end, "items": items, "handlers": by_handler}
    if keep_days:
        result["days"] = all_days
    return result


OUTCOME_WORDS = {
    Outcome.satisfied: _l("Satisfied"),
    Outcome.partly: _l("Partly solved"),
    Outcome.not_satisfied: _l("Not satisfied"),
    Outcome.unreachable: _l("Could not reach"),
}
PROBLEM_HEADERS = (
    _l("No."),
    _l("Raised on"),
    _l("Grid"),
    _l("Place"),
    _l("About"),
    _l("The problem"),
    _l("Handled by"),
    _l("Due"),
    _l("What was done"),
    _l("Report-back call"),
)
MAX_PROBLEMS = 2000


def problems(user: User, *, start: date, end: date, grid_id: int | None = None) -> list[dict]:
    """The 问题清单 / 成果清单 itself: one row per concern raised in the range (the caller's grids;
    the office: the community), with its handler, due date, what was done and the call back.
    The place is the compound and building, never the flat: the list is printed."""
    grids_stmt = _grids_listed(user, grid_id)
    grids = {g.id: g.name for g in db.session.execute(grids_stmt).scalars()}
    lo = datetime.combine(start - timedelta(days=1), time.min, tzinfo=UTC)
    hi = datetime.combine(end + timedelta(days=2), time.min, tzinfo=UTC)
    found = [
        c
        for c in db.session.execute(
            sa.select(Concern)
            .where(Concern.grid_id.in_(list(grids) or [0]), Concern.created_at.between(lo, hi))
            .order_by(Concern.id)
            .limit(MAX_PROBLEMS + 50)
        ).scalars()
        if start <= _day(c.created_at) <= end
    ][:MAX_PROBLEMS]
    handlers = handler_names({c.handler_id for c in found if c.handler_id})
    kinds = {c.id: c for c in categories(user.community_id, active_only=False)}
    from flask_babel import get_locale

    locale = str(get_locale() or "zh_CN")
    rows = []
    for c in found:
        if c.handler_id:
            handled = handlers.get(c.handler_id, "")
        elif c.booking_id:
            handled = str(_l("A volunteer (booking no. %(id)s)", id=c.booking_id))
        elif c.status in (ConcernStatus.raised,):
            handled = ""
        else:
            handled = str(_l("The grid itself"))
        category = kinds.get(c.category_id)
        rows.append(
            {
                "id": c.id,
                "raised_on": _day(c.created_at),
                "grid": grids.get(c.grid_id, ""),
                "place": reading.place_of(c, False),
                "category": category.name_in(locale) if category else "",
                "description": c.description,
                "handled_by": handled,
                "due_on": c.due_on,
                "result": c.done_note + (f" ({c.done_by})" if c.done_by and c.done_note else ""),
                "report_back": str(OUTCOME_WORDS[c.outcome]) if c.outcome else "",
            }
        )
    return rows


def problem_rows(items: list[dict]) -> list[list]:
    return [
        [
            r["id"],
            r["raised_on"].isoformat(),
            r["grid"],
            r["place"],
            r["category"],
            r["description"],
            r["handled_by"],
            r["due_on"].isoformat() if r["due_on"] else "",
            r["result"],
            r["report_back"],
        ]
        for r in items
    ]


HEADERS = (
    _l("Grid"),
    _l("Month"),
    _l("Raised"),
    _l("Handed over"),
    _l("Done"),
    _l("Reported back"),
    _l("Satisfied"),
    _l("Median days to done"),
    _l("Overdue"),
)
HANDLER_HEADERS = (
    _l("Handler"),
    _l("Handed over"),
    _l("Done"),
    _l("Overdue"),
    _l("Median days to done"),
)


def table_rows(result: dict) -> list[list]:
    return [
        [
            r["grid"],
            r["month"],
            r["raised"],
            r["handed_over"],
            r["done"],
            r["reported_back"],
            r["satisfied"],
            r["median_days_to_done"],
            r["overdue"],
        ]
        for r in result["items"]
    ]


def handler_rows(result: dict) -> list[list]:
    return [
        [r["name"], r["handed_over"], r["done"], r["overdue"], r["median_days_to_done"]]
        for r in result["handlers"]
    ]


def to_xlsx(result: dict, problem_list: list[dict] | None = None, community: str = "") -> bytes:
    """The problem list (a title, the community and the range above it), then the counts per
    grid and month, and the handlers."""
    import io

    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from ..hours.exports import harmless
    from ..hours.exports import to_xlsx as one_sheet

    book = load_workbook(
        io.BytesIO(one_sheet(str(_l("Concerns")), [str(h) for h in HEADERS], table_rows(result)))
    )
    sheet = book.create_sheet(str(_l("Handlers")))
    sheet.append([str(h) for h in HANDLER_HEADERS])
    for row in handler_rows(result):
        sheet.append([harmless(v) for v in row])
    if problem_list is not None:
        listed = book.create_sheet(str(_l("Problems and results"))[:31], 0)
        listed.append([str(_l("Concerns: problems and results"))])
        listed["A1"].font = Font(bold=True, size=14)
        listed.append([harmless(community)])
        listed.append(
            [
                str(
                    _l(
                        "From %(start)s to %(end)s",
                        start=result["from"].isoformat(),
                        end=result["to"].isoformat(),
                    )
                )
            ]
        )
        listed.append([])
        listed.append([str(h) for h in PROBLEM_HEADERS])
        for row in problem_rows(problem_list):
            listed.append([harmless(v) for v in row])
        listed.freeze_panes = "A6"
        widths = (6, 12, 12, 24, 14, 40, 20, 12, 30, 12)
        for column, width in zip("ABCDEFGHIJ", widths, strict=True):
            listed.column_dimensions[column].width = width
        book.active = 0
    for ws in book.worksheets:
        for line in ws.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
