"""Schemathesis over the whole OpenAPI document: no request, however malformed, gets a 5xx,
and every answer matches what the document says (status codes, content types, schemas)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from happiness_fair.extensions import limiter
from tests.helpers import ApiClient

# Half of CI's time went here. The PostgreSQL pass fuzzes as the office only, who reaches the
# most operations (what can differ there is the database's answer to odd values: huge ids, NUL
# bytes, long text); the SQLite pass fuzzes as both.
ROLES = ["office"] if os.environ.get("TEST_DATABASE_URL") else ["office", "volunteer"]


@pytest.fixture(params=ROLES)
def api_schema(request, app, database, make):
    """Signed in as the office (who may do most), then as a resident who is also a volunteer."""
    limiter.enabled = False
    community = make.community()
    grid = make.grid(community)
    office = make.office(community)
    resident = make.resident(grid)
    caller = office
    if request.param == "volunteer":
        caller = make.volunteer([grid], user=resident.account_user).account_user
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    token = ApiClient(app).as_(caller).token
    schema.config.headers = {"Authorization": f"Bearer {token}"}
    yield schema
    limiter.enabled = True


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.slow
@pytest.mark.minutes
def test_api_never_fails_and_keeps_its_contract(case):
    # Business rules may refuse schema-valid data with 422 (an unknown building, say), so the
    # check that every schema-valid body is accepted does not apply; every other check does.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
