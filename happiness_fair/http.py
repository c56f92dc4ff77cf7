"""Per-request plumbing: one transaction per request, security headers, read-only GETs."""

from __future__ import annotations

import logging
import unicodedata
from urllib.parse import urlsplit

from flask import Flask, g, request, url_for
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.routing import IntegerConverter

from .database import reset_read_only, set_read_only, undo
from .errors import Conflict, error_response, unexpected_response
from .extensions import db
from .validation import MAX_ID

log = logging.getLogger(__name__)


def safe_next(target, default: str | None = None) -> str:
    """The one check for every redirect target taken from a request (?next=, a form's next, the
    referrer): a local path only. No control characters (a tab, CR or LF is dropped by the
    browser's URL parser after the check, so "/\t/evil.example" becomes "//evil.example"), no
    backslash (read as a slash), no scheme, no host, not starting with "//"; else home."""
    home = default or url_for("pages.index")
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return home
    if "\\" in target or any(unicodedata.category(c).startswith("C") for c in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return home
    return target


def referring_page(default: str) -> str:
    """The page this request came from when it is ours (same host: the referrer as a local
    path, through safe_next), else `default`."""
    if request.referrer:
        parts = urlsplit(request.referrer)
        if parts.scheme in ("http", "https") and parts.netloc == request.host:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            return safe_next(path, default)
    return default


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class IdConverter(IntegerConverter):
    """`<int:id>` in URLs: an id beyond 32 bits names nothing, so it becomes 0, which no row has,
    and the lookup answers 404 instead of the database failing on the number."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


class HeadAsGet:
    """WSGI: a HEAD request is served as the GET it stands for, its body left out. Flask hands a
    HEAD to the view of a GET, and a view that answers GET and POST tests for "GET": a HEAD
    would take the other branch and write, with no CSRF token asked (HEAD is a safe method),
    e.g. cancel a booking. Here no view ever sees a HEAD."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "HEAD":
            return self.app(environ, start_response)
        # A copy: the server's access log still reads HEAD from its own.
        body = self.app({**environ, "REQUEST_METHOD": "GET"}, start_response)  # the GET's headers
        if hasattr(body, "close"):
            body.close()
        return []


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.wsgi_app = HeadAsGet(app.wsgi_app)

    @app.before_request
    def _mark_reads():
        g._read_only_token = set_read_only(request.method in {"GET", "OPTIONS"})  # HEAD: GET

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if "HX-Request" in request.headers or response.vary:
            response.vary.add("HX-Request")
        if request.endpoint != "static":
            # Every answer but the static files may carry personal data (pages, JSON, exports,
            # CSV and XLSX files, photos): no shared or browser cache keeps it.
            headers.setdefault("Cache-Control", "no-store")
        return response

    @app.after_request
    def _commit(response):
        """Views never commit: a successful request commits here, before the answer leaves."""
        if response.status_code >= 400:
            try:
                undo()
            except SQLAlchemyError:  # the database went away: the answer stands
                log.debug("rollback failed", exc_info=True)
            return response
        try:
            db.session.commit()
        except IntegrityError:
            log.info("commit refused by a constraint", exc_info=True)
            response = error_response(Conflict())
            response = app.make_response(response)
        except SQLAlchemyError as exc:
            # Nothing was stored: the database is away, full or read-only (503), or a fault (500).
            response = unexpected_response(exc)
        return response

    @app.teardown_request
    def _reset(exc):
        token = g.pop("_read_only_token", None)
        if token is not None:
            reset_read_only(token)
