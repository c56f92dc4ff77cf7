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
from ..hours.rules import period_range, service_date_of
from ..places.models import Grid
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


def summary(user: User, *, start: date, end: date, today: date, grid_id: int | None = None) -> dict:
    """The lists for the caller's grids (the office: the whole community)."""
    if not user.is_staff:
        raise Forbidden(_l("Only grid workers and the office see the lists."))
    grids_stmt = sa.select(Grid).where(Grid.community_id == user.community_id)
    if not user.is_office:
        grids_stmt = grids_stmt.where(Grid.id.in_(user.grid_ids or [0]))
    if grid_id is not None:
        grids_stmt = grids_stmt.where(Grid.id == grid_id)
    grids = list(db.session.execute(grids_stmt.order_by(Grid.number)).scalars())
    return _lists(grids, start=start, end=end, today=today)


def community_totals(community_id: int, start: date, end: date, today: date) -> dict:
    """The dashboard's concern figures: the lists of every grid, added up; the median days to
    done over every concern done in the range."""
    grids = list(
        db.session.execute(
            sa.select(Grid).where(Grid.community_id == community_id).order_by(Grid.number)
        ).scalars()
    )
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
    concerns = list(
        db.session.execute(
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
        ).scalars()
    )

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


def to_xlsx(result: dict) -> bytes:
    """Two sheets: the lists per grid and month, and the handlers."""
    import io

    from openpyxl import load_workbook

    from ..hours.exports import harmless
    from ..hours.exports import to_xlsx as one_sheet

    book = load_workbook(
        io.BytesIO(one_sheet(str(_l("Concerns")), [str(h) for h in HEADERS], table_rows(result)))
    )
    sheet = book.create_sheet(str(_l("Handlers")))
    sheet.append([str(h) for h in HANDLER_HEADERS])
    for row in handler_rows(result):
        sheet.append([harmless(v) for v in row])
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
