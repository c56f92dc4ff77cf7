"""Logs as JSON lines, each request with an id that also goes back in `X-Request-ID`.

One line is one JSON object: `ts` (UTC), `level`, `logger`, `msg`, `pid`, `request_id` while a
request is being served, any `extra={...}` fields, and `exc` (the stack) for errors. Phone numbers,
ID card numbers, dates (a birth date is a date) and flat addresses (…幢…单元…室) are masked in every
text field before a line is written, whatever code logged it: no personal data reaches a log file.

gunicorn uses `GunicornLogger` (gunicorn.conf.py) so that its own lines and its access log are the
same JSON, the access log without query strings, addresses or user agents.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the proxy in front (nginx's $request_id) is kept when it looks like one.
_INBOUND_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# What must never reach a log line, each with what stands in its place.
_SCRUB = [
    # ID card numbers (18 characters), before phone numbers: an ID holds 11 digits in a row.
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), "[id]"),
    # Mainland mobile numbers, also with a +86 / 86 prefix or spaced 3-4-4.
    (re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)"), "[phone]"),
    # Dates: 1941-03-08, 1941/3/8, 1941.03.08, 19410308, 1941年3月8日.
    (
        re.compile(
            r"(?<!\d)(?:19|20)\d{2}(?:[-/.年]\s?(?:0?[1-9]|1[0-2])[-/.月]\s?(?:0?[1-9]|[12]\d|3[01])日?"
            r"|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)"
        ),
        "[date]",
    ),
    # Flat addresses: 152幢, 3单元, 401室, 5号楼, 12栋.
    (re.compile(r"\d+\s*(?:幢|栋|号楼|单元|室|楼)"), "[address]"),
]

# LogRecord attributes that are not `extra` fields.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def scrub(text: str) -> str:
    """Mask personal data in a text that is about to be logged."""
    for pattern, replacement in _SCRUB:
        text = pattern.sub(replacement, text)
    return text


def _clean(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub(str(value))


def current_request_id() -> str | None:
    if has_request_context():
        return g.get("request_id")
    return None


class JsonFormatter(logging.Formatter):
    """One JSON object per line; every text masked by `scrub`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": scrub(record.getMessage()),
            "pid": record.process,
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            line["request_id"] = request_id
        for key, value in vars(record).items():
            if key in _STANDARD or key in line or key == "request_id" or key.startswith("_"):
                continue
            line[key] = _clean(value)
        if record.exc_info:
            line["exc"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exc"] = scrub(record.exc_text)
        if record.stack_info:
            line["stack"] = scrub(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


_HANDLER_MARK = "_happiness_fair_json"


def configure_logging(level: str | None = None, stream=None) -> logging.Handler:
    """JSON lines on stderr from the root logger; safe to call again (one handler, replaced)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    setattr(handler, _HANDLER_MARK, True)
    root.addHandler(handler)
    root.setLevel((level or os.environ.get("LOG_LEVEL") or "INFO").upper())
    return handler


def new_request_id() -> str:
    return uuid.uuid4().hex


def init_app(app: Flask) -> None:
    """Give every request an id (the proxy's when it sent a sane one) and send it back."""
    configure_logging(app.config.get("LOG_LEVEL"))

    @app.before_request
    def _request_id():
        inbound = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = inbound if _INBOUND_ID.match(inbound) else new_request_id()

    @app.after_request
    def _send_request_id(response):
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        return response


class GunicornLogger:
    """Placeholder replaced below when gunicorn is importable (it is a dependency)."""


try:
    from gunicorn.glogging import Logger as _GLogger
except ImportError:  # pragma: no cover - gunicorn is in the dependencies
    pass
else:

    class GunicornLogger(_GLogger):  # type: ignore[no-redef]
        """gunicorn's error and access logs as the app's JSON lines.

        The access line names method, path (never the query string, where a phone number or a search
        could be), status, bytes, duration and the request id the app sent back; not the client's
        address nor its user agent (nginx's own log has those, for its shorter retention).
        """

        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonFormatter())

        def access(self, resp, req, environ, request_time):
            enabled = getattr(self, "access_log_enabled", None)  # a property from gunicorn 25 on
            if enabled is None:
                enabled = bool(self.cfg.accesslog or self.cfg.logconfig_dict)
            if not enabled:
                return
            headers = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
            request_id = next(
                (v for k, v in headers if k.lower() == REQUEST_ID_HEADER.lower()), None
            )
            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            self.access_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": environ.get("REQUEST_METHOD"),
                    "path": environ.get("PATH_INFO"),
                    "status": int(status),
                    "bytes": getattr(resp, "sent", None),
                    "duration_ms": round(request_time.total_seconds() * 1000, 1),
                },
            )
