"""Imports every part's models so that the metadata (and Alembic) sees all tables."""

from .accounts.models import (
    AuthSession,
    RecoveryCode,
    ResetCode,
    Resident,
    ResidentManager,
    User,
    UserRole,
)
from .audit import AuditEvent
from .bookings.models import Booking, BookingEvent, BookingPhoto  # noqa: F401
from .catalogue.models import Category, Listing, Volunteer, VolunteerRecord, VolunteerTag
from .concerns.models import (
    Concern,
    ConcernCategory,
    ConcernEvent,
    ConcernMeToo,
    ConcernPhoto,
    Handler,
    MicroGridBuilding,
)
from .fairs.models import Attendance, FairDay, SlotBooking, Stall, StallSlot, WalkIn
from .followups.models import FollowUp
from .hours.models import HoursCorrection, HoursDayTotal, HoursMonthTotal, HoursRecord
from .notifications.models import Notification  # noqa: F401
from .office.models import CalendarDay, Certificate
from .places.models import Building, Community, Compound, Grid
from .teams.models import Team, TeamMember  # noqa: F401
from .versions import CacheVersion
from .waivers.models import WaiverRuleSetting

__all__ = [
    "Attendance",
    "AuditEvent",
    "AuthSession",
    "Building",
    "CacheVersion",
    "CalendarDay",
    "Category",
    "Certificate",
    "Community",
    "Compound",
    "Concern",
    "ConcernCategory",
    "ConcernEvent",
    "ConcernMeToo",
    "ConcernPhoto",
    "FairDay",
    "FollowUp",
    "Grid",
    "Handler",
    "HoursCorrection",
    "HoursDayTotal",
    "HoursMonthTotal",
    "HoursRecord",
    "Listing",
    "MicroGridBuilding",
    "RecoveryCode",
    "ResetCode",
    "Resident",
    "ResidentManager",
    "SlotBooking",
    "Stall",
    "StallSlot",
    "User",
    "UserRole",
    "Volunteer",
    "VolunteerRecord",
    "VolunteerTag",
    "WaiverRuleSetting",
    "WalkIn",
]
