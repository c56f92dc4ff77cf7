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
from .catalogue.models import Category, Listing, Volunteer, VolunteerTag
from .notifications.models import Notification  # noqa: F401
from .places.models import Building, Community, Compound, Grid

__all__ = [
    "AuditEvent",
    "AuthSession",
    "Building",
    "Category",
    "Community",
    "Compound",
    "Grid",
    "Listing",
    "RecoveryCode",
    "ResetCode",
    "Resident",
    "ResidentManager",
    "User",
    "UserRole",
    "Volunteer",
    "VolunteerTag",
]
