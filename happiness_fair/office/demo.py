"""The office's demo: 沈师傅's certificate request waiting on the office's certificates page."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from ..accounts.models import User
from ..catalogue.models import Volunteer
from ..extensions import db
from ..places.models import Community
from . import service
from .models import CertificateRequest


def seed(community: Community) -> bool:
    """Once: 沈林益 asks for this year's certificate, with the seal. True when created."""
    if community.name != "虹西社区":
        return False
    user = db.session.execute(
        sa.select(User).where(User.phone == "13900000003")
    ).scalar_one_or_none()
    if user is None:
        return False
    volunteer = db.session.execute(
        sa.select(Volunteer).where(Volunteer.user_id == user.id)
    ).scalar_one_or_none()
    if (
        volunteer is None
        or db.session.execute(
            sa.select(CertificateRequest.id).where(CertificateRequest.volunteer_id == volunteer.id)
        ).first()
    ):
        return False
    year = date.today().year
    service.request_certificate(user, date(year, 1, 1), date(year, 12, 31), True)
    return True
