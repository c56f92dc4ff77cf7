"""JSON answers are written by orjson (json_provider.py) with Flask's rules: the same values a
phone client read before, keys in the same order, and what orjson cannot write still written."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from happiness_fair.json_provider import OrjsonProvider


@dataclasses.dataclass
class Point:
    x: int
    when: date


VALUES = [
    {"b": 1, "a": [1, 2.5, None, True], "中文": "幸福事集，沈**"},
    {"at": datetime(2026, 12, 2, 8, 30, tzinfo=UTC), "day": date(2026, 12, 2)},
    {"fee": Decimal("30.00"), "id": uuid.UUID(int=7), "point": Point(3, date(2026, 1, 1))},
    {"nested": {"z": {"y": [{"b": 2, "a": 1}]}}, "empty": {}, "list": []},
    {"big": 2**70, "small": -(2**63)},  # beyond orjson's 64 bits: Flask's own writes it
    ["a", 1, {"k": "v"}],
    "沈林益",
    12,
    None,
]


@pytest.fixture
def providers():
    app = Flask(__name__)  # the providers hold it weakly: kept alive for the test
    yield OrjsonProvider(app), DefaultJSONProvider(app)
    del app


@pytest.mark.parametrize("value", VALUES)
def test_the_same_json_as_flask_wrote(providers, value):
    ours, flasks = providers
    written = ours.dumps(value)
    assert json.loads(written) == json.loads(flasks.dumps(value))
    # Keys in Flask's order (sorted), so a client diffing answers sees no change.
    assert json.dumps(json.loads(written), ensure_ascii=False) == json.dumps(
        json.loads(flasks.dumps(value)), ensure_ascii=False
    )


def test_dates_are_written_as_flask_writes_them(providers):
    ours, _ = providers
    written = json.loads(ours.dumps({"at": datetime(2026, 12, 2, 8, 30, tzinfo=UTC)}))
    assert written == {"at": "Wed, 02 Dec 2026 08:30:00 GMT"}


def test_chinese_is_written_as_utf8_not_escaped(providers):
    ours, _ = providers
    assert ours.dumps({"name": "沈**"}) == '{"name":"沈**"}'


def test_what_neither_can_write_raises_as_before(providers):
    ours, flasks = providers
    with pytest.raises(TypeError):
        flasks.dumps({"x": object()})
    with pytest.raises(TypeError):
        ours.dumps({"x": object()})


def test_answers_are_written_by_orjson(providers):
    ours, flasks = providers
    assert ours.response({"name": "沈**"}).get_data(as_text=True) == '{"name":"沈**"}\n'
    assert flasks.response({"name": "沈**"}).get_data(as_text=True) != '{"name":"沈**"}\n'


def test_the_api_answers_with_it(client):
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    assert "维修".encode() in response.data or "理发".encode() in response.data
    assert b"\\u" not in response.data
