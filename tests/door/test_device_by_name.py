"""Venue mode, layer 2: a tap in the phone's offline name search is uploaded by its row's hash and name.

The phone's copy holds no barcodes, so an admission tapped offline reaches the dashboard as the hash the
copy is keyed by and the name it showed; the dashboard finds the ticket among that name's and queues it.
"""

import json
import uuid

import pytest
from django.utils import timezone

from boxoffice.brightstar import errors
from boxoffice.door.device import barcode_hash, event_seed
from boxoffice.venue import outbox, sync
from boxoffice.venue.models import OutboxEntry
from sandbox.models import Attendee

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def upload(client, event, scans, device="phone-1"):
    body = {"device": device, "scans": scans}
    return client.post(f"/events/{event.id}/door/device/upload/", json.dumps(body), content_type="application/json")


def tap(key, digest, name, **more):
    return {"key": key, "hash": digest, "name": name, "scanned_at": timezone.now().isoformat(), **more}


@pytest.fixture
def door(client_as, event):
    door = client_as("door")
    door.get(f"/events/{event.id}/door/")
    sync.replica_sync(event_id=event.id)
    return door


def test_a_tap_finds_its_ticket_among_the_names_and_reaches_brightstar_once(door, event, tickets):
    # Ada holds three tickets under one name: the hash says which of them was tapped.
    second = tickets[1]
    digest, key = barcode_hash(second.barcode, event_seed(event.id)), str(uuid.uuid4())
    for _ in range(2):  # the first answer lost: the phone sends it again
        response = upload(door, event, [tap(key, digest, "Ada Lovelace", gate="North")])
        assert response.status_code == 200
    assert response.json()["results"] == [{"key": key, "result": "already", "code": ""}]
    entry = OutboxEntry.objects.get(idempotency_key=key)
    assert (entry.state, entry.attendee_id, entry.barcode, entry.name, entry.gate) == (
        OutboxEntry.State.PENDING,
        second.pk,
        second.barcode,
        "Ada Lovelace",
        "North",
    )
    assert outbox.outbox_drain(event_id=event.id) == 0
    assert set(Attendee.objects.filter(event=event, checked_in=True).values_list("pk", flat=True)) == {second.pk}


def test_taps_on_two_tickets_under_one_name_in_one_upload_each_find_their_own(door, event, tickets):
    seed = event_seed(event.id)
    scans = [tap(str(uuid.uuid4()), barcode_hash(t.barcode, seed), "Ada Lovelace") for t in (tickets[2], tickets[0])]
    results = upload(door, event, scans).json()["results"]
    assert [r["result"] for r in results] == ["queued", "queued"]
    entries = [OutboxEntry.objects.get(idempotency_key=s["key"]) for s in scans]
    assert [e.attendee_id for e in entries] == [tickets[2].pk, tickets[0].pk]


def test_a_hash_no_ticket_of_that_name_has_is_an_unknown_conflict(door, event, tickets):
    seed = event_seed(event.id)
    grace = barcode_hash(tickets[3].barcode, seed)  # a real hash, but Grace's, not Ada's
    scans = [tap(str(uuid.uuid4()), grace, "Ada Lovelace"), tap(str(uuid.uuid4()), grace, "Grace Hopper")]
    results = upload(door, event, scans).json()["results"]
    assert [(r["result"], r["code"]) for r in results] == [("conflict", errors.NOT_FOUND), ("queued", "")]
    unknown = OutboxEntry.objects.get(idempotency_key=scans[0]["key"])
    # The conflicts list says whom the phone meant.
    assert (unknown.name, unknown.barcode, unknown.attendee_id) == ("Ada Lovelace", "", "")


def test_a_tap_let_in_elsewhere_meanwhile_is_a_conflict(door, event, tickets):
    code = tickets[0].barcode
    door.post(f"/events/{event.id}/door/", {"barcode": code, "idempotency_key": str(uuid.uuid4())}, HTTP_HX_REQUEST="1")
    results = upload(door, event, [tap(str(uuid.uuid4()), barcode_hash(code, event_seed(event.id)), "Ada Lovelace")])
    assert [(r["result"], r["code"]) for r in results.json()["results"]] == [("conflict", errors.ALREADY_CHECKED_IN)]


@pytest.mark.parametrize(
    "bad",
    [
        {"hash": "ABC", "name": "Ada Lovelace"},  # base36 is lower case here
        {"hash": "1" + "0" * 11, "name": "Ada Lovelace"},  # 12 digits: more than 53 bits
        {"hash": "zzzzzzzzzzz", "name": "Ada Lovelace"},  # 11 digits, still above 2**53
        {"hash": "12 34", "name": "Ada Lovelace"},
        {"hash": "", "name": "Ada Lovelace"},
        {"hash": 1234, "name": "Ada Lovelace"},
        {"hash": "1234", "name": ""},
        {"hash": "1234", "name": "A" * 201},
        {"hash": "1234", "name": ["Ada"]},
        {"hash": "1234"},
        {"name": "Ada Lovelace"},
    ],
)
def test_a_malformed_tap_is_refused(door, event, bad):
    scan = {"key": str(uuid.uuid4()), "scanned_at": timezone.now().isoformat(), **bad}
    assert upload(door, event, [scan]).status_code == 400
    assert not OutboxEntry.objects.exists()
