"""Venue mode, layer 2: the door phone's copy (from the replica) and its upload (into the outbox), once."""

import gzip
import json
import uuid

import pytest
from django.utils import timezone

from boxoffice.brightstar import errors
from boxoffice.door.device import IN, NOT_IN, VOID, barcode_hash, event_seed
from boxoffice.venue import outbox, sync
from boxoffice.venue.models import OutboxEntry
from sandbox.models import Attendee
from tests.factories import order_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def copy_url(event) -> str:
    return f"/events/{event.id}/door/device/copy/"


def upload(client, event, scans, device="phone-1"):
    body = {"device": device, "scans": [{"key": k, "barcode": b, "scanned_at": t.isoformat()} for k, b, t in scans]}
    return client.post(f"/events/{event.id}/door/device/upload/", json.dumps(body), content_type="application/json")


@pytest.fixture
def door(client_as, event):
    door = client_as("door")
    door.get(f"/events/{event.id}/door/")
    sync.replica_sync(event_id=event.id)
    return door


def test_no_copy_before_the_replica_has_synced(client_as, event):
    response = client_as("door").get(copy_url(event))
    assert response.status_code == 200
    assert response.json() == {"ready": False}


def test_the_copy_is_compact_gzipped_and_holds_no_emails_or_barcodes(refunded, door, event, general, tickets):
    # A queue's worth of tickets: a copy of five rows can come out smaller uncompressed, and then
    # Django rightly sends it as it is (whether it does depended on the random ids).
    order_make(event, general, quantity=40, buyer_name="Queue Person", buyer_email="queue@example.com")
    sync.replica_sync(event_id=event.id)
    response = door.get(copy_url(event), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert response["Cache-Control"] == "no-store"
    text = gzip.decompress(response.content).decode()
    page = json.loads(text)
    assert "@" not in text and all(t.barcode not in text for t in [*tickets, refunded])
    rows = {row[0]: row for row in page["rows"]}
    seed = event_seed(event.id)
    assert page["seed"] == seed and page["next"] is None
    ada = rows[barcode_hash(tickets[0].barcode, seed)]
    assert ada[1] == "Ada Lovelace" and page["types"][ada[2]] == "General" and ada[3] == NOT_IN
    assert rows[barcode_hash(refunded.barcode, seed)][3] == VOID


def test_the_copy_pages_and_refreshes_with_what_changed(door, event, tickets, monkeypatch):
    monkeypatch.setattr("boxoffice.door.device.PAGE_SIZE", 2)
    from boxoffice.door.device import device_copy_page

    first = device_copy_page(event_id=event.id, limit=2)
    second = device_copy_page(event_id=event.id, after=first["next"], limit=2)
    assert len(first["rows"]) == 2 and second["next"] is None
    since = timezone.now()
    door.post(
        f"/events/{event.id}/door/",
        {"barcode": tickets[0].barcode, "idempotency_key": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    )
    changed = door.get(copy_url(event), {"since": since.isoformat()}).json()["rows"]
    assert [(row[1], row[3]) for row in changed] == [("Ada Lovelace", IN)]


def test_an_upload_is_recorded_once_with_its_key_time_and_phone(door, event, tickets):
    scanned_at = timezone.now().replace(microsecond=0) - timezone.timedelta(minutes=3)
    key = str(uuid.uuid4())
    for _ in range(2):  # the first answer was lost: the phone sends the same scan again
        response = upload(door, event, [(key, tickets[0].barcode, scanned_at)])
        assert response.status_code == 200
    assert response.json()["results"] == [{"key": key, "result": "already", "code": ""}]
    entry = OutboxEntry.objects.get(idempotency_key=key)
    assert (entry.state, entry.scanned_at, entry.door) == (OutboxEntry.State.PENDING, scanned_at, "phone phone-1")
    assert outbox.outbox_drain(event_id=event.id) == 0
    assert Attendee.objects.get(pk=tickets[0].pk).checked_in
    assert OutboxEntry.objects.get(idempotency_key=key).state == OutboxEntry.State.SYNCED


def test_a_ticket_let_in_on_two_phones_is_a_conflict(refunded, door, event, tickets, client_as):
    now = timezone.now()
    first = upload(door, event, [(str(uuid.uuid4()), tickets[1].barcode, now)], device="a").json()["results"]
    scans = [(str(uuid.uuid4()), code, now) for code in (tickets[1].barcode, refunded.barcode, "NO-SUCH-CODE")]
    second = upload(door, event, scans, device="b").json()["results"]
    assert first[0]["result"] == "queued"
    assert [(r["result"], r["code"]) for r in second] == [
        ("conflict", errors.ALREADY_CHECKED_IN),
        ("conflict", errors.TICKET_VOID),
        ("conflict", errors.NOT_FOUND),
    ]
    # Conflicts are for the desk and the organizer to look at (VIEW_CONFLICTS), not the door.
    conflicts = client_as("box_office").get(f"/events/{event.id}/door/conflicts/").content.decode()
    assert "phone b" in conflicts and "ALREADY_CHECKED_IN" in conflicts


def test_an_upload_after_the_online_scan_got_through_is_not_sent_again(door, event, tickets):
    key = str(uuid.uuid4())
    # The phone gave up waiting, but the dashboard did admit it, online.
    door.post(
        f"/events/{event.id}/door/",
        {"barcode": tickets[0].barcode, "idempotency_key": key},
        headers={"HX-Request": "true"},
    )
    result = upload(door, event, [(key, tickets[0].barcode, timezone.now())]).json()["results"]
    assert result == [{"key": key, "result": "already", "code": ""}]
    assert not OutboxEntry.objects.filter(idempotency_key=key).exists()


def test_a_bad_upload_is_refused(door, event):
    response = door.post(f"/events/{event.id}/door/device/upload/", "{}", content_type="application/json")
    assert response.status_code == 400
    naive = upload(door, event, [(str(uuid.uuid4()), "X", timezone.now().replace(tzinfo=None))])
    assert naive.status_code == 400
