"""Domain errors, and their one translation to HTTP: API.md's JSON body or an HTML error page."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from .extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A refusal the user can understand; changes nothing."""

    status = 400
    code = "bad_request"
    default_message = _l("The request could not be understood.")

    def __init__(self, message=None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def text(self) -> str:
        return str(self.message or self.default_message)


class BadRequest(DomainError):
    status, code = 400, "bad_request"
    default_message = _l("The request body must be a JSON object.")


class Unauthenticated(DomainError):
    status, code = 401, "unauthenticated"
    default_message = _l("Please sign in.")


class OtpRequired(DomainError):
    status, code = 401, "otp_required"
    default_message = _l("This account needs its one-time code.")


class Forbidden(DomainError):
    status, code = 403, "forbidden"
    default_message = _l("You may not do this.")


class NotFound(DomainError):
    status, code = 404, "not_found"
    default_message = _l("Not found.")


class Conflict(DomainError):
    status, code = 409, "conflict"
    default_message = _l("This cannot be done in the current state.")


class ValidationFailed(DomainError):
    status, code = 422, "validation_error"
    default_message = _l("Some fields are not valid.")


class RateLimited(DomainError):
    status, code = 429, "rate_limited"
    default_message = _l("Too many attempts. Please wait a moment and try again.")


_BY_STATUS = {
    400: BadRequest,
    401: Unauthenticated,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
    429: RateLimited,
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def translate_fields(fields: dict) -> dict:
    """Flatten nested messages to {"a.b": [...]}, in the reader's language."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, dict):
                    walk(prefix, item)
                else:
                    flat.setdefault(prefix or "_schema", []).append(_(str(item)))
        else:
            flat.setdefault(prefix or "_schema", []).append(_(str(value)))

    walk("", fields)
    return flat


def error_response(err: DomainError, headers: dict | None = None):
    db.session.rollback()
    fields = translate_fields(err.fields) if err.fields else {}
    if wants_json():
        body = {"error": {"code": err.code, "message": err.text()}}
        if fields:
            body["error"]["fields"] = fields
        response = jsonify(body)
    else:
        response = render_template("error.html", error=err, fields=fields)
    return response, err.status, headers or {}


def _from_http_exception(exc: HTTPException) -> DomainError:
    """werkzeug's and flask-smorest's aborts become the same domain errors."""
    cls = _BY_STATUS.get(exc.code or 500)
    if exc.code == 405:
        err = DomainError(_("This method is not allowed here."))
        err.status, err.code = 405, "method_not_allowed"
        return err
    if exc.code == 413:
        err = DomainError(_("The upload is too large."))
        err.status, err.code = 413, "too_large"
        return err
    if cls is None:
        err = DomainError(exc.description)
        err.status = exc.code or 500
        err.code = (exc.name or "error").lower().replace(" ", "_")
        return err
    fields = {}
    data = getattr(exc, "data", None)
    if isinstance(data, dict) and "messages" in data:
        messages = data["messages"]
        fields = messages.get("json", messages) if isinstance(messages, dict) else messages
    return cls(fields=fields) if fields else cls()


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        return error_response(err)

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return error_response(
            Forbidden(_("Your form has expired or came from elsewhere. Please try again."))
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        headers = dict(exc.get_headers()) if exc.code == 405 else {}
        headers.pop("Content-Type", None)
        return error_response(_from_http_exception(exc), headers)

    @app.errorhandler(DataError)
    def _out_of_range(exc: DataError):
        # A value the database cannot hold (an id beyond 32 bits, say) names nothing valid.
        return error_response(ValidationFailed(_("A value is out of range.")))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        err = DomainError(_("Something went wrong on our side. Please try again."))
        err.status, err.code = 500, "internal_error"
        return error_response(err)
