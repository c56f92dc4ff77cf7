"""Marshmallow at the edge: strict schemas and messages in the reader's language.

marshmallow's built-in messages are English; they are re-declared here as lazy strings so the
catalogue translates them, and validators used by the schemas carry their own translated text.
"""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from .accounts import rules as account_rules

fields.Field.default_error_messages.update(
    {
        "required": _l("This field is required."),
        "null": _l("This field may not be empty."),
        "validator_failed": _l("Invalid value."),
    }
)
_TYPE_MESSAGES = {
    fields.String: _l("Enter text."),
    fields.Integer: _l("Enter a whole number."),
    fields.Float: _l("Enter a number."),
    fields.Number: _l("Enter a number."),
    fields.Boolean: _l("Choose yes or no."),
    fields.Date: _l("Enter a date as YYYY-MM-DD."),
    fields.DateTime: _l("Enter a date and time."),
    fields.List: _l("Enter a list."),
    fields.Dict: _l("Enter an object."),
    fields.Nested: _l("Enter an object."),
}
for _cls, _message in _TYPE_MESSAGES.items():
    _cls.default_error_messages = {**_cls.default_error_messages, "invalid": _message}
    if "type" in _cls.default_error_messages:
        _cls.default_error_messages["type"] = _message
fields.Integer.default_error_messages["too_large"] = _l("This number is too large.")
fields.Date.default_error_messages["format"] = _l("Enter a date as YYYY-MM-DD.")


MAX_ID = 2**31 - 1  # ids are 32-bit in PostgreSQL: a larger one names nothing


class TrimmedString(fields.String):
    """Strips surrounding white space so "  " counts as empty; refuses NUL, which PostgreSQL
    cannot store (it would be a 500, not a 422)."""

    default_error_messages = {"nul": _l("Remove the special characters that cannot be shown.")}

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs).strip()
        if "\x00" in result:
            raise self.make_error("nul")
        return result


class BaseSchema(ma.Schema):
    """API request schemas refuse unknown fields (422), as API.md asks."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {
        "unknown": _l("Unknown field."),
        "type": _l("Invalid input type."),
    }


class FormSchema(BaseSchema):
    """The same fields read from an HTML form, which also carries its CSRF token."""

    class Meta:
        unknown = ma.EXCLUDE


def length(min: int | None = None, max: int | None = None) -> validate.Length:
    if min and max:
        return validate.Length(min=min, max=max, error=_l("Enter {min} to {max} characters."))
    if min:
        return validate.Length(min=min, error=_l("Enter at least {min} characters."))
    return validate.Length(max=max, error=_l("Enter at most {max} characters."))


def between(min: int, max: int) -> validate.Range:
    return validate.Range(min=min, max=max, error=_l("Enter a number from {min} to {max}."))


def one_of(choices) -> validate.OneOf:
    return validate.OneOf(list(choices), error=_l("Choose one of: {choices}."))


def phone_field(**kwargs) -> fields.String:
    return fields.String(
        validate=validate.Regexp(
            account_rules.PHONE_RE, error=_l("Enter an 11-digit mobile number starting with 1.")
        ),
        metadata={"example": "13800138000"},
        **kwargs,
    )


def password_field(**kwargs) -> fields.String:
    return fields.String(
        validate=length(account_rules.MIN_PASSWORD_LENGTH, account_rules.MAX_PASSWORD_LENGTH),
        load_only=True,
        **kwargs,
    )


def name_field(**kwargs) -> fields.String:
    return TrimmedString(validate=length(1, 40), **kwargs)


def id_field(**kwargs) -> fields.Integer:
    """An id: a positive 32-bit integer (a larger one is a 422, not a database error)."""
    return fields.Integer(validate=between(1, MAX_ID), **kwargs)
