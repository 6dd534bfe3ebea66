"""The conflicts list reads in the event's time zone: the venue's clock, not the dashboard's."""

import uuid
from datetime import UTC, datetime

import pytest

from boxoffice.venue import sync
from boxoffice.venue.models import OutboxEntry
from sandbox.models import Event

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

# 12:00 UTC on 1 March 2026 is 01:00 the next morning in Auckland (NZDT, +13).
SCANNED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def in_auckland(event, settings):
    settings.TIME_ZONE = "UTC"  # the dashboard's zone differs from the venue's
    Event.objects.filter(pk=event.pk).update(timezone="Pacific/Auckland")
    return event


@pytest.fixture
def conflict(in_auckland, tickets):
    return OutboxEntry.objects.create(
        event_id=in_auckland.id,
        attendee_id=tickets[0].id,
        barcode=tickets[0].barcode,
        name="Ada Lovelace",
        idempotency_key=str(uuid.uuid4()),
        scanned_at=SCANNED,
        staff_username="door",
        state=OutboxEntry.State.CONFLICT,
        result_code="TICKET_VOID",
    )


def _page(client_as, event) -> str:
    response = client_as("organizer").get(f"/events/{event.id}/door/conflicts/")
    assert response.status_code == 200
    return response.content.decode()


def test_conflict_times_are_in_the_events_time_zone(client_as, conflict, in_auckland):
    page = _page(client_as, in_auckland)
    assert "Mon 02 Mar 01:00:00 NZDT" in page
    assert "Sun 01 Mar" not in page  # never the dashboard's UTC reading
    assert "Scanned (Pacific/Auckland)" in page


def test_while_brightstar_is_down_the_zone_comes_from_the_door_pages_copy(client_as, in_auckland, conflict, outage):
    client_as("door").get(f"/events/{in_auckland.id}/door/")  # BrightStar answers: the page keeps a copy
    sync.replica_sync(event_id=in_auckland.id)
    with outage:
        page = _page(client_as, in_auckland)
    assert "Spring Gala" in page and "Mon 02 Mar 01:00:00 NZDT" in page
