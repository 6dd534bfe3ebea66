"""Venue mode's tests: the door's night (tests/door), and BrightStar taken away on demand."""

import socket

import pytest

from boxoffice.brightstar import client as bs_client
from boxoffice.venue import sync
from sandbox.api.schemas import CheckInIn
from tests.door.conftest import (  # noqa: F401 - the door's night: event, general, night, refunded, tickets, vip
    fixture_event,
    fixture_general,
    fixture_night,
    fixture_refunded,
    fixture_tickets,
    fixture_vip,
)

# The sandbox takes `scanned_at` once api2-work lands it; until then the drain tests wait for it.
needs_scanned_at = pytest.mark.skipif(
    "scanned_at" not in CheckInIn.model_fields, reason="the sandbox does not take scanned_at on check-ins yet"
)


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch):
    # The client's retries still happen; only their sleeps are skipped (its own hook for tests).
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)


@pytest.fixture
def closed_url() -> str:
    """A BrightStar URL nobody listens on: every call is refused, as when the venue's uplink is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1/test"


class Outage:
    def __init__(self, settings, closed_url, real_url):
        self.settings, self.closed, self.real = settings, closed_url, real_url

    def __enter__(self):
        self.settings.BRIGHTSTAR_API_URL = self.closed
        return self

    def __exit__(self, *exc):
        self.settings.BRIGHTSTAR_API_URL = self.real


@pytest.fixture
def outage(settings, closed_url, dashboard):
    """`with outage:` BrightStar is unreachable; after it, it answers again."""
    return Outage(settings, closed_url, dashboard)


@pytest.fixture
def opened(client_as, night):
    """The door page loaded once while BrightStar answered, and its replica's first sync ran."""
    event = night[0]
    door = client_as("door")
    door.get(f"/events/{event.id}/door/")
    sync.replica_sync(event_id=event.id)
    return door
