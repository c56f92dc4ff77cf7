"""The OpenAPI document as a client maker meets it: every operation named and described,
every component used, and Spectral's OpenAPI ruleset with nothing to say."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECTRAL = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "spectral"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document(api) -> dict:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def _operations(document: dict):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def _view_of(path: str) -> str:
    return path.removeprefix("/api/v1")


def test_every_operation_has_its_own_readable_operation_id(document):
    missing, badly_named = [], []
    seen = Counter(op.get("operationId") for _m, _p, op in _operations(document))
    for method, path, operation in _operations(document):
        op_id = operation.get("operationId")
        if op_id is None:
            missing.append(f"{method.upper()} {_view_of(path)}")
        elif not re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", op_id):
            badly_named.append(f"{method.upper()} {_view_of(path)}: {op_id!r}")
    shared = sorted(f"{name!r} ({n} operations)" for name, n in seen.items() if name and n > 1)
    assert not missing, (
        "These operations have no operationId, so generated clients name their functions after "
        'the path. Add `@blp.doc(operationId="verbNoun")` under the route decorator, e.g. '
        '`@blp.post("/residents/<int:resident_id>/managers")` then '
        '`@blp.doc(operationId="inviteManager")`: ' + ", ".join(missing)
    )
    assert not badly_named, (
        "operationIds are camelCase verb + noun (`acceptBooking`, `listJobs`): "
        + ", ".join(badly_named)
    )
    assert not shared, (
        "Two operations may not share an operationId (a generated client would have one "
        "function for both); rename one of: " + ", ".join(shared)
    )


def test_every_operation_says_who_may_call_it_and_what_its_refusals_mean(document):
    lacking = []
    for method, path, operation in _operations(document):
        description = operation.get("description", "")
        where = f"{method.upper()} {_view_of(path)}"
        if not operation.get("summary") or "Who:" not in description:
            lacking.append(f"{where}: a one-line summary, a blank line, then 'Who: ...'")
            continue
        for status in sorted(set(operation["responses"]) & {"403", "404", "409"}):
            if f"- {status}:" not in description:
                lacking.append(f"{where}: a line '- {status}: what {status} means here'")
    assert not lacking, (
        "The view function's docstring is the operation's documentation: its first line the "
        "summary, then after a blank line who may call it ('Who: ...') and a line for each "
        "refusal it documents ('- 404: no such booking, or the caller may not see it.'). "
        "Missing: " + "; ".join(lacking)
    )


def test_tags_are_described_and_used(document):
    described = {tag["name"]: tag.get("description") for tag in document["tags"]}
    assert all(described.values())
    used = {tag for _m, _p, op in _operations(document) for tag in op["tags"]}
    assert used <= set(described)
    assert "bookings" in used and not any(tag.endswith("_api") for tag in used)


def test_the_document_names_its_server_and_a_contact(document):
    assert document["servers"][0]["url"] == "http://localhost"
    assert document["info"]["contact"]["name"]


def _refs(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node)) if node else set()
    return set()


def test_every_component_is_used(document):
    refs = _refs({key: value for key, value in document.items() if key != "components"})
    # Components may refer to each other; follow the references from the paths outwards.
    components = document["components"]
    frontier = set(refs)
    while frontier:
        new = set()
        for ref in frontier:
            _hash, _components, kind, name = ref.split("/")
            new |= _refs(components[kind][name]) - refs
        refs |= new
        frontier = new
    orphans = [
        f"{kind}/{name}"
        for kind, items in components.items()
        if kind != "securitySchemes"
        for name in items
        if f"#/components/{kind}/{name}" not in refs
    ]
    assert orphans == [], f"components nothing refers to: {orphans}"
    schemes = {name for entry in document.get("security", []) for name in entry}
    assert schemes == set(components["securitySchemes"])


def test_shared_components_for_errors_pages_and_retries(document):
    components = document["components"]
    assert {"BadRequest", "Unauthenticated", "Forbidden", "NotFound", "Conflict"} <= set(
        components["responses"]
    )
    accept = document["paths"]["/api/v1/bookings/{booking_id}/accept"]["post"]
    assert accept["responses"]["409"] == {"$ref": "#/components/responses/Conflict"}
    assert components["schemas"]["BookingPage"]["allOf"][0] == {"$ref": "#/components/schemas/Page"}
    create = document["paths"]["/api/v1/bookings"]["post"]
    assert {"$ref": "#/components/parameters/IdempotencyKey"} in create["parameters"]


def test_spectral_finds_nothing_to_say(document, tmp_path):
    """Spectral's OpenAPI ruleset (.spectral.yaml): 0 errors, 0 warnings. .ci/run installs it;
    locally `npm install --prefix .ci/node` does."""
    if not SPECTRAL.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SPECTRAL} is missing: .ci/run installs it with npm")
        pytest.skip("Spectral is not installed: npm ci --prefix .ci/node")
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [
            str(SPECTRAL),
            "lint",
            "--ruleset",
            str(ROOT / ".spectral.yaml"),
            "--format",
            "json",
            "--quiet",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    said = [
        f"{f['code']} at {'.'.join(map(str, f['path']))}: {f['message']}"
        for f in findings
        if f["severity"] <= 1  # 0 error, 1 warning
    ]
    assert said == [], "\n".join(said)
