"""Taking photos in, the same for every part that keeps them (a booking's, a concern's): read
the upload of an API call or the photos of a page's form, cleaned (bookings/photos.py) before
anything is written, and claim one of a thing's few photo places with a conditional UPDATE so
two uploads at once never pass the limit."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import gettext as _

from .bookings.photos import MAX_BYTES, CleanPhoto, clean_uploads
from .errors import Conflict, ValidationFailed
from .extensions import db

MAX_PHOTOS = 3


def _read(upload) -> bytes:
    try:
        return upload.stream.read(MAX_BYTES + 1)
    finally:
        upload.close()


def one_upload(upload) -> CleanPhoto:
    """The API's multipart field `photo`, checked and re-encoded (no lock held meanwhile)."""
    if not hasattr(upload, "stream"):
        raise ValidationFailed(fields={"photo": [_("Choose a JPEG or PNG photo.")]})
    (clean,) = clean_uploads([_read(upload)])
    return clean


def photos_sent(field: str = "photos") -> tuple[list[CleanPhoto], dict]:
    """A page's chosen photos, checked and re-encoded before anything is written, or the form's
    messages by the photo field."""
    uploads = [f for f in request.files.getlist(field) if f and f.filename]
    if len(uploads) > MAX_PHOTOS:
        return [], {field: [_("Choose at most 3 photos.")]}
    raws = [_read(upload) for upload in uploads]
    try:
        return clean_uploads(raws, field), {}
    except ValidationFailed as err:
        return [], {k: [str(m) for m in v] for k, v in err.fields.items()}


def claim_photo_place(model, row_id: int, *still: sa.ColumnElement, full) -> None:
    """Count one more photo on `model` row `row_id` (its `photo_count`), while it has fewer than
    three and `still` holds; else 409 with the message `full`."""
    claimed = db.session.execute(
        sa.update(model)
        .where(model.id == row_id, model.photo_count < MAX_PHOTOS, *still)
        .values(photo_count=model.photo_count + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict(full)


def store(model, owner: str, owner_id: int, uploaded_by_id: int, photo: CleanPhoto):
    """Keep a cleaned photo as a row of `model` (its `owner` column names the thing)."""
    stored = model(
        **{owner: owner_id},
        uploaded_by_id=uploaded_by_id,
        content_type=photo.content_type,
        data=photo.data,
    )
    db.session.add(stored)
    db.session.flush()
    return stored


# The OpenAPI answer of an operation that serves one photo.
PHOTO_RESPONSES = {
    "200": {
        "description": "The photo",
        "content": {
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def serve(photo):
    """A stored photo as the answer: never cached by a shared cache, shown inline."""
    response = current_app.response_class(photo.data, mimetype=photo.content_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response
