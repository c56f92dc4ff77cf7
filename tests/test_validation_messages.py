"""Every validation message the API and the pages can show is in the reader's language: no
marshmallow field or validator is left with its built-in English text."""

from __future__ import annotations

import re

import marshmallow as ma
from flask_babel import force_locale
from marshmallow import fields, validate

import happiness_fair.validation  # installs the translated messages

ENGLISH = re.compile(r"Must be|Not a valid|Length must|Shorter than|Longer than|greater than|less")


def _field_classes():
    stack, seen = [fields.Field], []
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen


def test_no_field_class_keeps_an_english_message():
    plain = []
    for cls in _field_classes():
        if issubclass(cls, (fields.Email, fields.URL)):
            continue  # they insist on a plain string; the app uses neither (next test)
        messages = {}
        for klass in reversed(cls.__mro__):
            messages.update(getattr(klass, "default_error_messages", {}))
        plain += [(cls.__name__, k) for k, v in messages.items() if isinstance(v, str)]
    assert plain == []


def test_the_app_uses_no_email_or_url_field():
    from pathlib import Path

    sources = Path(happiness_fair.validation.__file__).parent.rglob("*.py")
    used = [p.name for p in sources if re.search(r"fields\.(Email|URL|Url)\(", p.read_text())]
    assert used == []


def test_no_validator_keeps_an_english_message():
    checks = {
        "Length": [validate.Length.message_min, validate.Length.message_max,
                   validate.Length.message_all, validate.Length.message_equal],
        "OneOf": [validate.OneOf.default_message],
        "Regexp": [validate.Regexp.default_message],
        "ContainsOnly": [validate.ContainsOnly.default_message],
    }  # fmt: skip
    assert {k: [m for m in v if isinstance(m, str)] for k, v in checks.items()} == {
        k: [] for k in checks
    }


class _Bare(ma.Schema):
    """Validators as a third-party schema might write them, with no message of their own."""

    count = fields.Integer(validate=validate.Range(min=1, max=100))
    low = fields.Integer(validate=validate.Range(min=1))
    name = fields.String(validate=validate.Length(min=2, max=3))
    kind = fields.String(validate=validate.OneOf(["a", "b"]))


def test_bare_validators_answer_in_chinese(app):
    bad = {"count": 1000, "low": 0, "name": "x", "kind": "c", "extra": 1}
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        try:
            _Bare().load(bad)
        except ma.ValidationError as err:
            messages = {k: " ".join(str(m) for m in v) for k, v in err.messages.items()}
    assert set(messages) == {"count", "low", "name", "kind", "extra"}
    for key, text in messages.items():
        assert not ENGLISH.search(text), (key, text)
        assert re.search(r"[\u4e00-\u9fff]", text), (key, text)
    assert "1 到 100" in messages["count"]


def test_api_range_errors_reach_a_chinese_reader_in_chinese(api, make):
    user = make.user()
    answer = api.as_(user).get("/bookings?per_page=1000", headers={"Accept-Language": "zh-CN"})
    assert answer.status_code == 422
    text = " ".join(answer.json["error"]["fields"]["per_page"])
    assert not ENGLISH.search(text) and "1 到 100" in text
