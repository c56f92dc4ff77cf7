"""Reading HTML forms with the same marshmallow schemas the API uses."""

from __future__ import annotations

import marshmallow as ma
from flask import request

from .errors import translate_fields


def load_form(schema_cls: type[ma.Schema]) -> tuple[dict, dict]:
    """(data, errors) from the posted form; blank inputs count as not given."""
    raw = {k: v for k, v in request.form.items() if k != "csrf_token" and v.strip() != ""}
    try:
        return schema_cls(unknown=ma.EXCLUDE).load(raw), {}
    except ma.ValidationError as err:
        return {}, translate_fields(err.messages)
