"""Imports every part's models so that the metadata (and Alembic) sees all tables."""

from .accounts.models import AuthSession, ResetCode, Resident, ResidentManager, User, UserRole
from .audit import AuditEvent
from .places.models import Building, Community, Compound, Grid

__all__ = [
    "AuditEvent",
    "AuthSession",
    "Building",
    "Community",
    "Compound",
    "Grid",
    "ResetCode",
    "Resident",
    "ResidentManager",
    "User",
    "UserRole",
]
