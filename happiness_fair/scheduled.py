"""What cron runs every few minutes (`flask run-scheduled`): each part's steps, in order, each
in its own transaction. It sits above the parts (it calls bookings, fairs and concerns), so no
part reaches up to another's jobs.

Every step claims each row with a conditional UPDATE and acts only if it won, so two runs at
once (two cron hosts, a slow run overlapping the next) tell nobody twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

import click
from flask.cli import with_appcontext

from .bookings import scheduled as bookings
from .concerns import scheduled as concerns
from .database import long_statements, utcnow
from .extensions import db
from .fairs import service as fairs

log = logging.getLogger(__name__)


def remind_day_before(now: datetime) -> int:
    """Tomorrow's jobs: each home visit's volunteer; a fair day's stalls and booked residents."""
    return bookings.remind_day_before(now) + fairs.remind_day_before(now)


STEPS = (
    ("escalated", bookings.escalate_stale_requests),
    ("auto_confirmed", bookings.auto_confirm),
    ("reminded", remind_day_before),
    ("concerns_escalated", concerns.escalate_unaccepted),
    ("concerns_overdue", concerns.report_overdue),
)


def run_scheduled(now: datetime | None = None) -> dict[str, int]:
    """Run every step, each in its own transaction; how many rows each step handled."""
    now = now or utcnow()
    done = {}
    for name, step in STEPS:
        try:
            long_statements()  # a big backlog may take longer than a request may
            done[name] = step(now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return done


@click.command("run-scheduled")
@with_appcontext
def run_scheduled_command() -> None:
    """Escalate stale requests and concerns, auto-confirm old completions, send day-before
    reminders, report concerns past their due date."""
    done = run_scheduled()
    log.info("scheduled run: %s", done)
    click.echo(", ".join(f"{name}: {count}" for name, count in done.items()))
