"""Notifications over JSON (API.md "Fee rules, fair days, notifications")."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import get_locale
from flask_login import current_user
from marshmallow import fields

from ..accounts.security import me
from ..api.base import ApiBlueprint, PageArgs, login_required, page_schema, paged
from . import service
from .models import Notification

blp = ApiBlueprint("notifications_api", __name__, description="In-app notifications")


class NotificationArgs(PageArgs):
    unread = fields.Boolean(load_default=False)


class NotificationSchema(ma.Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(service.KINDS)})
    booking_id = fields.Integer(allow_none=True)
    concern_id = fields.Integer(allow_none=True)
    text = fields.String()
    created_at = fields.DateTime()
    read = fields.Boolean()


class MarkedSchema(ma.Schema):
    marked = fields.Integer()


def _view(row: Notification, categories, locale: str, phones=None) -> dict:
    return {
        "id": row.id,
        "kind": row.kind,
        "booking_id": row.booking_id,
        "concern_id": row.concern_id,
        "text": service.render(row, categories, locale, (phones or {}).get(row.id)),
        "created_at": row.created_at,
        "read": row.read_at is not None,
    }


def _phones(rows) -> dict[int, str]:
    """The volunteer's phone for those that name him, by the booking's rule as it stands now."""
    user = me()
    return service.phones_for(user, rows)


def _locale() -> str:
    return str(get_locale() or "zh_CN")


@blp.get("/notifications")
@blp.doc(operationId="listNotifications")
@blp.arguments(NotificationArgs, location="query")
@blp.response(200, page_schema(NotificationSchema, "NotificationPage"))
@blp.errors(401, 422)
@login_required
def list_notifications(args):
    """My notifications, newest first, in my language.

    Who: any signed-in caller, his own only; `unread=true` for the unread ones.

    - 422: a query argument is invalid."""
    rows, total = service.notifications_for(
        current_user.id, unread_only=args["unread"], page=args["page"], per_page=args["per_page"]
    )
    categories, locale = service.category_map(), _locale()
    phones = _phones(rows)
    return paged([_view(row, categories, locale, phones) for row in rows], total, args)


@blp.post("/notifications/<int:notification_id>/read")
@blp.doc(operationId="markNotificationRead")
@blp.response(200, NotificationSchema)
@blp.errors(401, 404)
@login_required
def mark_read(notification_id):
    """Mark one notification read.

    Who: the person it was sent to.

    - 404: no such notification, or it is someone else's."""
    row = service.mark_read(current_user.id, notification_id)
    return _view(row, service.category_map(), _locale(), _phones([row]))


@blp.post("/notifications/read-all")
@blp.doc(operationId="markAllNotificationsRead")
@blp.response(200, MarkedSchema)
@blp.errors(401)
@login_required
def mark_all_read():
    """Mark every notification read; answers how many were unread.

    Who: any signed-in caller, his own only."""
    return {"marked": service.mark_all_read(current_user.id)}
