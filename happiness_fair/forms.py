"""Reading HTML forms with the same marshmallow schemas the API uses."""

from __future__ import annotations

import marshmallow as ma
from flask import request

from .errors import translate_fields


def _as_typed(schema: ma.Schema, raw: dict) -> dict:
    """A form sends only text: whole numbers for Integer fields become ints, so the API's strict
    schemas read a form as they read JSON (anything else is left for the schema to refuse)."""
    typed = {}
    for key, value in raw.items():
        field = schema.fields.get(key)
        text = value.strip()
        if isinstance(field, ma.fields.Integer) and text.isascii() and text.isdigit():
            typed[key] = int(text)
        else:
            typed[key] = value
    return typed


def load_form(schema_cls: type[ma.Schema], form=None) -> tuple[dict, dict]:
    """(data, errors) from the posted form; blank inputs count as not given."""
    form = request.form if form is None else form
    raw = {k: v for k, v in form.items() if k != "csrf_token" and v.strip() != ""}
    schema = schema_cls(unknown=ma.EXCLUDE)
    try:
        return schema.load(_as_typed(schema, raw)), {}
    except ma.ValidationError as err:
        return {}, translate_fields(err.messages)
