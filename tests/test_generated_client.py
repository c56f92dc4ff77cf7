"""A client generated from the served OpenAPI document (openapi-python-client, as a phone
client's maker would) drives a job from sign-in to the follow-up call, so the document and the
code cannot drift apart: a renamed field, a missing operationId or an undocumented answer
breaks the generation or the story."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from happiness_fair.api import examples
from happiness_fair.places.clock import today
from tests.factories import PASSWORD

PACKAGE = "happiness_fair_client"
# The photo is served as image/jpeg or image/png, which the generator reads as bytes when told.
CONFIG = """\
project_name_override: happiness_fair_client
package_name_override: happiness_fair_client
content_type_overrides:
  image/jpeg: application/octet-stream
  image/png: application/octet-stream
"""


@pytest.fixture(scope="module")
def generated(app, tmp_path_factory):
    """The generated package, imported; its generator must have had no warning to give."""
    folder = tmp_path_factory.mktemp("generated-client")
    with app.app_context():
        document = app.test_client().get("/api/v1/openapi.json").get_json()
    (folder / "openapi.json").write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    (folder / "config.yaml").write_text(CONFIG, "utf-8")
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(folder / "openapi.json"),
            "--config",
            str(folder / "config.yaml"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        # its post-generation hooks run ruff, which lives beside this Python
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    assert "Warning" not in said and "Error" not in said, said
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def _client(app, token: str | None = None):
    """The generated client, talking to the app in this process (no server, same database)."""
    client_module = _module("client")
    options = {
        "base_url": "http://localhost",
        "httpx_args": {"transport": httpx.WSGITransport(app=app)},
        "raise_on_unexpected_status": True,
    }
    if token is None:
        return client_module.Client(**options)
    return client_module.AuthenticatedClient(token=token, **options)


def _sign_in(app, phone: str):
    api = _module("api.accounts.create_token")
    models = _module("models")
    answer = api.sync(client=_client(app), body=models.TokenRequest(phone=phone, password=PASSWORD))
    assert isinstance(answer, models.Token), answer
    assert answer.user.phone == phone
    return _client(app, answer.token)


def test_a_generated_client_carries_a_job_from_sign_in_to_the_follow_up_call(generated, app, make):
    models = _module("models")
    bookings = "api.bookings."
    community = make.community()
    grid = make.grid(community)
    grandma = make.resident(grid, name="张桂英", birth_date=date(1941, 1, 15), verified=True)
    volunteer = make.volunteer([grid], name="沈林益")
    listing = make.listing(volunteer, title="修水龙头、换水管", description="上门修理漏水的水龙头")
    worker = make.grid_worker(grid)

    # She signs in and finds the service in her community's catalogue.
    her = _sign_in(app, grandma.account_user.phone)
    found = _module("api.catalogue.search_listings").sync(client=her, q="水龙头")
    assert isinstance(found, models.ListingPage)
    assert [item.id for item in found.items] == [listing.id]
    assert found.total == 1 and found.page == 1

    # She books it; a retry with the same Idempotency-Key returns the same booking.
    body = models.NewBooking(
        listing_id=listing.id,
        date=today() + timedelta(days=1),
        period=models.NewBookingPeriod.MORNING,
        description="厨房水龙头一直滴水，拧紧了也关不住。",
    )
    create = _module(bookings + "create_booking")
    booking = create.sync(client=her, body=body, idempotency_key="7d1f3e0a-retry")
    assert isinstance(booking, models.Booking), booking
    assert booking.status == models.BookingStatus.REQUESTED
    assert booking.quote.amount_due_fen == 0  # aged 85: no labour fee
    again = create.sync(client=her, body=body, idempotency_key="7d1f3e0a-retry")
    assert again.id == booking.id

    # The volunteer signs in and accepts; a second accept is a typed 409.
    him = _sign_in(app, volunteer.account_user.phone)
    accept = _module(bookings + "accept_booking")
    accepted = accept.sync(
        client=him, booking_id=booking.id, body=models.Accept(materials_estimate_fen=1500)
    )
    assert accepted.status == models.BookingStatus.ACCEPTED
    assert "start" in accepted.actions
    refused = accept.sync(client=him, booking_id=booking.id, body=models.Accept())
    assert isinstance(refused, models.ApiError) and refused.error.code == "conflict"

    started = _module(bookings + "start_booking").sync(
        client=him, booking_id=booking.id, body=models.Empty()
    )
    assert started.status == models.BookingStatus.IN_PROGRESS
    completed = _module(bookings + "complete_booking").sync(
        client=him,
        booking_id=booking.id,
        body=models.Complete(minutes=40, materials_fen=1200, note="换了新的阀芯"),
    )
    assert completed.status == models.BookingStatus.COMPLETED
    assert completed.quote.amount_due_fen == 1200

    # She confirms and rates the job.
    confirmed = _module(bookings + "confirm_booking").sync(
        client=her,
        booking_id=booking.id,
        body=models.Confirm(rating=5, comment="沈师傅很耐心，修得很好"),
    )
    assert confirmed.status == models.BookingStatus.CONFIRMED
    assert confirmed.rating == 5

    # The grid worker makes the follow-up call.
    staff = _sign_in(app, worker.phone)
    followed = _module("api.follow_ups.record_follow_up").sync(
        client=staff,
        booking_id=booking.id,
        body=models.FollowUp(outcome=models.FollowUpOutcome.SOLVED, satisfaction=5),
    )
    assert isinstance(followed, models.Booking), followed
    assert followed.id == booking.id

    # The documented example of a booking has exactly the fields a real one has.
    assert set(confirmed.to_dict()) == set(examples.BOOKING_CONFIRMED)


def test_generated_functions_are_named_by_operation_id(generated):
    names = {
        path.stem
        for path in Path(generated.__file__).parent.joinpath("api").rglob("*.py")
        if path.stem != "__init__"
    }
    assert {"create_token", "search_listings", "create_booking", "accept_booking"} <= names
    assert not any(name.startswith(("get_api_v1", "post_api_v1")) for name in names)
