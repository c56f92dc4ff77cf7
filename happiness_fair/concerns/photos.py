"""Photos on a concern: added by those who may see it, served only to them."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import undefer

from .. import photo_uploads
from ..accounts.models import User
from ..bookings import photos
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..photo_uploads import claim_photo_place
from . import access
from .models import (
    Concern,
    ConcernPhoto,
)
from .reading import visible_concern
from .rules import MAX_PHOTOS, ConcernStatus


def add_photo(user: User, concern_id: int, photo: photos.CleanPhoto) -> ConcernPhoto:
    """Up to three photos (the problem, or the work done), cleaned by photos.clean_uploads."""
    viewer = access.viewer_of(user)
    concern = visible_concern(user, concern_id, viewer)
    if not access.relations(viewer, concern) & access.PEOPLE:
        raise Forbidden(_l("Only the people of a concern and the staff add photos."))
    if concern.status is ConcernStatus.closed:
        raise access.state_conflict(concern)
    if concern.photo_count >= MAX_PHOTOS:
        raise Conflict(_l("A concern has at most 3 photos."))
    claim_photo_place(
        Concern,
        concern.id,
        Concern.status != ConcernStatus.closed,
        full=_l("A concern has at most 3 photos."),
    )
    return photo_uploads.store(ConcernPhoto, "concern_id", concern.id, user.id, photo)


def photo_for(user: User, concern_id: int, photo_id: int) -> ConcernPhoto:
    """A photo, to whoever may see the concern (404 to everyone else)."""
    concern = visible_concern(user, concern_id)
    photo = db.session.execute(
        sa.select(ConcernPhoto)
        .where(ConcernPhoto.id == photo_id, ConcernPhoto.concern_id == concern.id)
        .options(undefer(ConcernPhoto.data))
    ).scalar_one_or_none()
    if photo is None:
        raise NotFound()
    return photo
