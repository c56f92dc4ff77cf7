"""What a booking costs: the one place a quote is made, and made again when its facts change.

A booking keeps the waiver rules in force when it was raised (the snapshot); its quote is those
rules applied to the person as she stands now on the service date (fees.py holds the pure rule).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from ..accounts.models import Resident
from ..catalogue.models import Listing
from ..extensions import db
from ..places.clock import service_date_of
from ..waivers import service as waivers
from . import fees
from .models import Booking


def waiver_rules_in_force(community_id: int) -> tuple[fees.WaiverRule, ...]:
    """The community's waiver rules now, as its office set them."""
    return waivers.rules_in_force(community_id)


def quote_booking(
    beneficiary: Resident,
    rules_snapshot: list,
    *,
    labour_fee_fen: int,
    materials_fen: int,
    service_date: date,
) -> dict[str, Any]:
    """The one place a booking's quote is made: the kept rules, applied to the person as she
    stands now (a later age verification counts) on the service date."""
    person = fees.Beneficiary(
        birth_date=beneficiary.birth_date,
        age_verified=beneficiary.age_verified,
        flags=frozenset(beneficiary.flags),
    )
    quote = fees.quote_for(
        labour_fee_fen,
        materials_fen,
        person,
        fees.rules_from_snapshot(rules_snapshot),
        service_date,
    )
    return quote.to_dict()


def _person_and_listing_volunteer(booking: Booking) -> tuple[Resident, int | None]:
    """The person served, as she stands now, and the volunteer of the booking's listing (None
    for an open request): one statement at most, none for what the session already holds."""
    listing_volunteer = (
        sa.select(Listing.volunteer_id).where(Listing.id == booking.listing_id).scalar_subquery()
    )
    person = db.session.identity_map.get(identity_key(Resident, booking.beneficiary_id))
    if person is None:
        return db.session.execute(
            sa.select(Resident, listing_volunteer).where(Resident.id == booking.beneficiary_id)
        ).one()
    if booking.listing_id is None:
        return person, None
    return person, db.session.execute(sa.select(listing_volunteer)).scalar_one()


def requote(booking: Booking, changes: dict[str, Any]) -> dict[str, Any]:
    """The quote the booking will have once `changes` are written.

    The labour fee is the listing's only while the listing's own volunteer has the booking (an
    open request has none); materials are the recorded cost, or until then the estimate.
    """

    def after(name):
        return changes.get(name, getattr(booking, name))

    volunteer_id = after("volunteer_id")
    person, listing_volunteer_id = _person_and_listing_volunteer(booking)
    labour = (
        booking.listing_fee_fen
        if volunteer_id is not None and volunteer_id == listing_volunteer_id
        else 0
    )
    materials = after("materials_fen")
    if materials is None:
        materials = after("materials_estimate_fen") or 0
    completed_at = after("completed_at")
    service_date = service_date_of(completed_at) if completed_at else after("date")
    return quote_booking(
        person,
        booking.waiver_rules_snapshot,
        labour_fee_fen=labour,
        materials_fen=materials,
        service_date=service_date,
    )
