"""Reading HTML forms with the same marshmallow schemas the API uses."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import marshmallow as ma
from flask import request
from flask_babel import gettext as _

from .errors import translate_fields

_MONEY_TYPED = frozenset("0123456789.¥０１２３４５６７８９．￥")
_YUAN = re.compile(r"^([0-9]+)(?:\.([0-9]{1,2}))?$")
# The most a form takes, ¥999,999.99: under the API's limit (bookings.schemas.MAX_FEN), so a
# person typing yuan is told the limit in yuan, never the API's in fen.
MOST_TYPED_FEN = 99_999_999


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


def refusal_said(err) -> str:
    """A service's refusal as one message, for a button with no form to show it beside: its
    fields' own words, not "some fields are not valid"."""
    return " ".join(m for messages in refusal_messages(err).values() for m in messages)


def fen_typed(name: str, errors: dict, *, required: bool = False) -> int | None:
    """Money typed in yuan (20 or 12.50) as integer fen; a message on the field if it is not."""
    typed = request.form.get(name, "")
    # NFKC: a Chinese keyboard's full-width digits and ￥ read as 12 and ¥; but only those, not
    # every character NFKC makes a digit of ("10²" is not ¥102, "①②" not ¥12).
    if any(not (ch in _MONEY_TYPED or ch.isspace()) for ch in typed):
        errors.setdefault(name, []).append(_("Enter an amount in yuan, like 20 or 12.50."))
        return None
    text = unicodedata.normalize("NFKC", typed).strip().replace("¥", "")
    if not text:
        if required:
            errors.setdefault(name, []).append(_("Enter an amount, 0 if free."))
        return None
    typed = _YUAN.match(text)
    if typed is None:
        errors.setdefault(name, []).append(_("Enter an amount in yuan, like 20 or 12.50."))
        return None
    whole, cents = typed.group(1).lstrip("0") or "0", typed.group(2) or ""
    # However many digits are typed, too many is "too much", not "not an amount"; more than
    # 12 are too much without making a number of them (a long one is slow to convert).
    fen = MOST_TYPED_FEN + 1 if len(whole) > 12 else int(whole) * 100 + int((cents + "00")[:2])
    if fen > MOST_TYPED_FEN:
        errors.setdefault(name, []).append(_("Enter an amount of at most ¥999,999.99."))
        return None
    return fen


def load_form_in_yuan(schema_cls: type[ma.Schema], yuan: Mapping[str, str]) -> tuple[dict, dict]:
    """As load_form(), for a form whose amounts are typed in yuan (form field -> the schema's
    _fen field), as every money field a person types is: each becomes fen for the API's schema,
    and any message about it goes on the field the person typed in. A _fen field posted
    directly is ignored, so a form cannot be read in two units."""
    typed_errors: dict = {}
    form = {k: v for k, v in request.form.items() if k not in yuan and k not in yuan.values()}
    for yuan_name, fen_name in yuan.items():
        fen = fen_typed(yuan_name, typed_errors)
        if fen is not None:
            form[fen_name] = str(fen)
    data, errors = load_form(schema_cls, form=form)
    on_typed_field = {fen_name: yuan_name for yuan_name, fen_name in yuan.items()}
    errors = {on_typed_field.get(name, name): found for name, found in errors.items()}
    for name, found in typed_errors.items():
        errors.setdefault(name, []).extend(found)
    return ({} if errors else data), errors
