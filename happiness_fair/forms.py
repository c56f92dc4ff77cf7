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


def kept_input() -> dict:
    """What the person typed, to put back in the form shown again (never the CSRF token)."""
    return {k: v for k, v in request.form.items() if k != "csrf_token"}


def refusal_messages(err, default_field: str = "_schema") -> dict[str, list[str]]:
    """A service's refusal as form messages: its fields, or one message for the whole form."""
    if err.fields:
        return {k: [str(m) for m in v] for k, v in err.fields.items()}
    return {default_field: [err.text()]}
