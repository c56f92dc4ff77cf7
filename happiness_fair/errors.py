"""Domain errors, and their one translation to HTTP: API.md's JSON body or an HTML error page."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, g, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from .database import is_unavailable, undo
from .extensions import db
from .i18n import ELDER_COOKIE

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


def invalid(field: str, message) -> ValidationFailed:
    """One field refused, with the words the form shows beside it."""
    return ValidationFailed(fields={field: [message]})


class RateLimited(DomainError):
    status, code = 429, "rate_limited"
    default_message = _l("Too many attempts. Please wait a moment and try again.")


class InternalError(DomainError):
    """A fault of ours: the request may be fine; nothing was stored."""

    status, code = 500, "internal_error"
    default_message = _l("Something went wrong on our side. Please try again.")


class Unavailable(DomainError):
    """The database (or another service the request needs) is away, full, read-only or too
    slow: nothing was stored; trying again later will work."""

    status, code = 503, "unavailable"
    default_message = _l("The system is under maintenance. Please try again later.")


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
    undo()
    fields = translate_fields(err.fields) if err.fields else {}
    if wants_json():
        body = {"error": {"code": err.code, "message": err.text()}}
        if fields:
            body["error"]["fields"] = fields
        response = jsonify(body)
    else:
        response = render_template("error.html", error=err, fields=fields)
    return response, err.status, headers or {}


def serving_fault() -> bool:
    """True while a 500 or 503 answer is being made: nothing may touch the database then (the
    language comes from the cookie or the browser, not from the signed-in account)."""
    return bool(g.get("serving_fault"))


_LAST_RESORT = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>幸福事集</title><h1>系统正在维护，请稍后再试</h1>"
    '<p lang="en">The system is under maintenance. Please try again later.</p>'
    '<p><a href="/">返回首页</a></p></html>'
)


def retry_url() -> str:
    """Where the fault page's "try again" goes: the same page for a GET; after a form was sent,
    back to the page it came from (the referrer, if it is ours), else home."""
    from .http import referring_page, safe_next  # http imports this module

    if request.method in ("GET", "HEAD"):
        return safe_next(request.full_path.rstrip("?"))
    return referring_page(url_for("pages.index"))


def fault_response(err: DomainError) -> Response:
    """A 500 or 503 answer in the request's language, built without the database: no current
    user, no unread count, no menu that depends on roles (templates/fault.html, rendered without
    the context processors that would look those up)."""
    g.serving_fault = True
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.debug("rollback failed while answering a fault", exc_info=True)
    headers = {}
    if err.status == 503:
        headers["Retry-After"] = str(current_app.config.get("RETRY_AFTER_SECONDS", 10))
    try:
        if wants_json():
            response = jsonify({"error": {"code": err.code, "message": err.text()}})
        else:
            locale = str(get_locale() or "zh_CN")
            html = current_app.jinja_env.get_template("fault.html").render(
                error=err,
                sent_form=request.method not in ("GET", "HEAD"),
                retry_url=retry_url(),
                elder_mode=request.cookies.get(ELDER_COOKIE) == "1",
                current_locale=locale,
            )
            response = current_app.response_class(html, mimetype="text/html")
    except Exception:
        log.exception("the error page itself failed")
        response = current_app.response_class(_LAST_RESORT, mimetype="text/html")
    response.status_code = err.status
    response.headers.update(headers)
    return response


def unexpected_response(exc: BaseException) -> Response:
    """Any exception no handler expected: 503 when the database cannot serve now (logged as one
    warning line, the cause without its stack), otherwise 500 (logged with its stack)."""
    if is_unavailable(exc):
        orig = getattr(exc, "orig", None)
        reason = (str(orig or exc).strip().splitlines() or [""])[0][:200]
        log.warning(
            "%s unavailable: %s",
            "disk" if isinstance(exc, OSError) else "database",
            type(orig or exc).__name__,
            extra={
                "sqlstate": getattr(orig, "sqlstate", None),
                "reason": reason,
                "path": request.path,
            },
        )
        return fault_response(Unavailable())
    log.error("unhandled error", exc_info=exc)
    return fault_response(InternalError())


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
        if isinstance(exc, InternalServerError):
            # Flask's wrapper around an exception raised outside a view (an after_request hook,
            # an error handler that failed): the original decides 500 or 503.
            return unexpected_response(exc.original_exception or exc)
        if exc.code == 503:
            return fault_response(Unavailable())
        headers = dict(exc.get_headers()) if exc.code == 405 else {}
        headers.pop("Content-Type", None)
        return error_response(_from_http_exception(exc), headers)

    @app.errorhandler(DataError)
    def _out_of_range(exc: DataError):
        # A value the database cannot hold (an id beyond 32 bits, say) names nothing valid.
        return error_response(ValidationFailed(_("A value is out of range.")))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        return unexpected_response(exc)
