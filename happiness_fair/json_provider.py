"""JSON answers written by orjson.

Flask writes JSON with the standard library: a page of 20 bookings took it 0.30 ms, about a
fifteenth of the whole request (issue 22, PERFORMANCE.md round 12); orjson writes the same
values in 0.04 ms. The answers keep Flask's rules: keys sorted, dates and datetimes, decimals,
UUIDs and dataclasses written by Flask's own `default`. They are UTF-8 rather than
ASCII-escaped (the same JSON: RFC 8259 §8.1). What orjson cannot write (an integer beyond 64
bits, the indentation Flask asks for in debug) is written by Flask's provider as before.
Request bodies are still read by the standard library.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_NON_STR_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)

_COMPACT = {"separators": (",", ":")}


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing with orjson."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        # response() asks for compact separators, which are orjson's.
        if not kwargs or kwargs == _COMPACT:
            try:
                return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()
            except orjson.JSONEncodeError:
                pass  # Flask's provider writes it, or raises the error it always raised
        return super().dumps(obj, **kwargs)
