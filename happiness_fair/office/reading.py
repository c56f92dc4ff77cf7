"""What the office's pages read beside what their services return: names and places to show."""

from __future__ import annotations

from ..catalogue.models import Volunteer
from ..extensions import db
from ..places.models import Community


def volunteer_names(volunteer_ids) -> dict[int, str]:
    """Volunteer id -> name, for a list of certificate requests, in one statement."""
    ids = set(volunteer_ids)
    if not ids:
        return {}
    rows = db.session.execute(db.select(Volunteer.id, Volunteer.name).where(Volunteer.id.in_(ids)))
    return {volunteer_id: name for volunteer_id, name in rows}


def certificate_people(certificate) -> tuple[Volunteer | None, Community | None]:
    """The volunteer a certificate is for and the community that issues it."""
    return (
        db.session.get(Volunteer, certificate.volunteer_id),
        db.session.get(Community, certificate.community_id),
    )
