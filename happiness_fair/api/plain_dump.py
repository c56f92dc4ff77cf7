"""A lean dump for the schemas of hot lists: the same JSON as marshmallow's `Schema.dump`,
without walking marshmallow's field machinery for every value of every row.

A page of 20 bookings, each with its timeline, is some 3,000 `Field.serialize` calls, a fifth of
the request; the views the API builds are already plain dicts (or plain objects) of the right
types, so a dump has only to keep the declared fields and write dates in ISO 8601. The schema
stays the one the OpenAPI document describes; a value of another type than expected goes
through marshmallow's own field, so the answer never differs (`tests/bookings/test_lean_dump.py`,
`tests/test_query_budgets.py`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP

Convert = Callable[[Any], Any]

# The Python types each simple field writes unchanged (marshmallow's own dump returns them as
# they are); anything else is handed to the field.
_AS_IS = {
    fields.Integer: (int,),
    fields.Float: (float,),
    fields.String: (str,),
    fields.Boolean: (bool,),
}
_DEEPEST = 8  # nesting beyond this (a schema that nests itself) is left to marshmallow
_ABSENT = object()  # a key not in the dict (marshmallow then reads the attribute)


class _Unsupported(Exception):
    """Something in the schema only marshmallow's own dump writes right."""


def _converter(field: fields.Field, depth: int) -> Convert:
    if field.dump_default is not missing:
        raise _Unsupported("a dump default")
    if type(field) is fields.Nested:
        inner = _compile(field.schema, depth + 1)
        if field.many or field.schema.many:
            return lambda value: None if value is None else [inner(item) for item in value]
        return lambda value: None if value is None else inner(value)
    if type(field) is fields.List:
        item = _converter(field.inner, depth)
        return lambda value: None if value is None else [item(v) for v in value]
    if type(field) in (fields.Date, fields.DateTime) and field.format in (None, "iso"):
        kind = dt.datetime if type(field) is fields.DateTime else dt.date
        return lambda value: (
            value.isoformat() if type(value) is kind else field._serialize(value, None, None)
        )
    types = _AS_IS.get(type(field))
    if types is None or getattr(field, "as_string", False):
        raise _Unsupported(type(field).__name__)
    return lambda value: (
        value if value is None or type(value) in types else field._serialize(value, None, None)
    )


def _reader(field: fields.Field, depth: int) -> tuple[Convert, bool]:
    """How a field's value is written, and whether it is computed from the whole object."""
    if type(field) is fields.Function:
        if field.serialize_func is None:
            raise _Unsupported("a load-only function")
        return field.serialize_func, True
    return _converter(field, depth), False


def _compile(schema: ma.Schema, depth: int = 0) -> Callable[[Any], dict]:
    """One object's dump by this schema: a plain dict's keys or a plain object's attributes,
    each left out when it is not there, as marshmallow reads them; any other object (a
    mapping of another kind, a row) goes through marshmallow's own dump."""
    if depth > _DEEPEST:
        raise _Unsupported("nesting this deep")
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        raise _Unsupported("dump hooks")
    if type(schema).get_attribute is not ma.Schema.get_attribute:
        raise _Unsupported("its own get_attribute")
    plan = [
        (
            name if field.attribute is None else field.attribute,
            field.data_key if field.data_key is not None else name,
            *_reader(field, depth),
        )
        for name, field in schema.dump_fields.items()
    ]
    if any("." in attribute for attribute, _key, _convert, _whole in plan):
        raise _Unsupported("a dotted attribute")

    def dump(obj: Any) -> dict:
        if type(obj) is dict:  # a key first, then an attribute: marshmallow's own order
            read = obj.get
        elif obj is None or hasattr(obj, "__getitem__"):
            return ma.Schema.dump(schema, obj, many=False)
        else:
            read = functools.partial(getattr, obj)
        out = {}
        for name, key, convert, whole in plan:
            if whole:  # a fields.Function: given the object, as marshmallow gives it
                value = convert(obj)
                if value is not missing:
                    out[key] = value
                continue
            value = read(name, _ABSENT)
            if value is _ABSENT:
                value = getattr(obj, name, missing)
            if value is not missing:
                out[key] = convert(value)
        return out

    return dump


def is_lean(schema: ma.Schema) -> bool:
    """Whether this schema's dump takes the lean path (or falls back to marshmallow's)."""
    try:
        _compile(schema)
    except _Unsupported:
        return False
    return True


class PlainDump(ma.Schema):
    """A schema whose `dump` takes the lean path, for itself and its nested schemas, when
    everything in it is of the kinds above; otherwise marshmallow's own."""

    def dump(self, obj: Any, *, many: bool | None = None):
        many = self.many if many is None else bool(many)
        lean = self.__dict__.get("_lean")
        if lean is None:
            try:
                lean = _compile(self)
            except _Unsupported:
                lean = functools.partial(ma.Schema.dump, self, many=False)
            self.__dict__["_lean"] = lean
        if many:
            if obj is None:
                return ma.Schema.dump(self, obj, many=True)
            return [lean(item) for item in obj]
        return lean(obj)
