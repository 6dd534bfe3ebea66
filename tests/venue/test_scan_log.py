"""A scan made while BrightStar was down reaches its scan log with the door, device and who, once drained.

Layer 1 (the dashboard decided) and layer 2 (the phone decided, then uploaded) alike.
"""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from boxoffice.brightstar.scans import scan_list
from boxoffice.venue import tasks
from boxoffice.venue.models import OutboxEntry
from tests.door.conftest import door_url, outcome
from tests.venue.conftest import needs_scanned_at

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def scan_at(client, event, barcode: str, gate: str, device: str):
    data = {"barcode": barcode, "idempotency_key": str(uuid.uuid4()), "gate": gate, "device": device}
    return client.post(door_url(event), data, headers={"HX-Request": "true"})


@needs_scanned_at
def test_an_offline_scan_at_north_is_in_the_scan_log_at_north_after_the_drain(
    opened, event, tickets, outage, staff_users
):
    staff_users["door"].first_name, staff_users["door"].last_name = "Dora", "Keeper"
    staff_users["door"].save()
    with outage:
        assert outcome(scan_at(opened, event, tickets[0].barcode, "North", "a1b2c3d4e5f6a7b8")) == "admitted_offline"
    assert scan_list(event_id=event.id).items == ()  # BrightStar has not heard of it yet

    assert tasks.outbox_drain_task.call(event.id) == 0
    entry = OutboxEntry.objects.get()
    assert entry.state == "synced"
    logged = scan_list(event_id=event.id, gate="North").items
    assert [(s.barcode, s.result, s.gate, s.device, s.staff) for s in logged] == [
        (tickets[0].barcode, "admitted", "North", "a1b2c3d4e5f6a7b8", "Dora Keeper")
    ]
    # When the door scanned it, not when the drain sent it (the API keeps milliseconds).
    assert logged[0].scanned_at == entry.scanned_at.replace(microsecond=entry.scanned_at.microsecond // 1000 * 1000)


@needs_scanned_at
def test_an_offline_scan_without_a_door_name_is_logged_without_one(opened, event, tickets, outage):
    with outage:
        assert outcome(scan_at(opened, event, tickets[0].barcode, "", "")) == "admitted_offline"
    assert tasks.outbox_drain_task.call(event.id) == 0
    (logged,) = scan_list(event_id=event.id).items
    assert (logged.gate, logged.device, logged.staff) == (None, None, "door")


@needs_scanned_at
def test_a_scan_a_phone_made_on_its_own_at_north_is_logged_at_north_after_upload_and_drain(opened, event, tickets):
    """Layer 2: the phone lost the dashboard too, and uploads what it queued, each scan with its door's name."""
    scanned_at = timezone.now() - timedelta(minutes=20)
    scans = [
        {
            "key": str(uuid.uuid4()),
            "barcode": tickets[0].barcode,
            "scanned_at": scanned_at.isoformat(),
            "gate": "North",
        },
        # A name past the scan log's 100 characters is cut, not refused: a refusal would hold the phone's queue.
        {
            "key": str(uuid.uuid4()),
            "barcode": tickets[1].barcode,
            "scanned_at": scanned_at.isoformat(),
            "gate": "S" * 150,
        },
    ]
    body = json.dumps({"device": "phone-a", "scans": scans})
    response = opened.post(f"/events/{event.id}/door/device/upload/", body, content_type="application/json")
    assert [r["result"] for r in response.json()["results"]] == ["queued", "queued"]

    assert tasks.outbox_drain_task.call(event.id) == 0
    logged = {s.barcode: s for s in scan_list(event_id=event.id).items}
    assert (logged[tickets[0].barcode].gate, logged[tickets[0].barcode].device) == ("North", "phone-a")
    assert logged[tickets[0].barcode].staff == "door"
    assert logged[tickets[0].barcode].scanned_at == scanned_at.replace(
        microsecond=scanned_at.microsecond // 1000 * 1000
    )
    assert logged[tickets[1].barcode].gate == "S" * 100
