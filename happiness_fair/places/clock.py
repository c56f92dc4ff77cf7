"""The clock every part reads: the service day is the calendar day in Asia/Shanghai.

The ground floor of the house (it imports nothing of ours but the UTC clock), so bookings,
hours, fairs and the office all agree on what "today" is.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..database import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")


def service_date_of(moment: datetime) -> date:
    """The calendar date in Asia/Shanghai of an aware moment; a naive one is refused because it
    could mean either clock, and a job done at 01:00 in Nantong is still that day's job."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("service_date_of needs an aware datetime (UTC), not a naive one")
    return moment.astimezone(SHANGHAI).date()


def today() -> date:
    """Today in Asia/Shanghai."""
    return service_date_of(utcnow())


def now_in_shanghai() -> datetime:
    """Now, on the Asia/Shanghai wall clock (a fair slot begins at its local time)."""
    return utcnow().astimezone(SHANGHAI)
