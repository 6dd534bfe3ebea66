"""Every outbox row a door action writes names it the same way: who, at which door and device, and when.

Admissions, refusals (from the replica, and behind a waiting admission), undos and a phone's uploads
all take their who, where and when from one ScanContext, so none of them can drift from the others.
"""

import json
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from boxoffice.audit.models import AuditEntry
from boxoffice.brightstar import errors
from boxoffice.door import services as door
from boxoffice.venue.context import ScanContext
from boxoffice.venue.models import OutboxEntry, ReplicaTicket
from boxoffice.venue.services import OfflineVerdict

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

# Longer than the outbox's 64 characters: the audit keeps all of it, the outbox its start.
ADDRESS = "2001:db8:85a3:0000:0000:8a2e:0370:7334 via proxy 10.0.0.1 (north door)"
WHO = ("door", "Dora Keeper")


def columns(entry: OutboxEntry) -> tuple:
    return (entry.staff_username, entry.staff_name, entry.door, entry.gate, entry.device)


@pytest.fixture
def dora(staff_users):
    user = staff_users["door"]
    user.first_name, user.last_name = "Dora", "Keeper"
    user.save()
    return user


def test_admission_and_refusals_decided_offline_carry_one_scans_context(opened, event, tickets, outage, dora):
    def check_in(barcode: str) -> OfflineVerdict:
        verdict = door.attendee_check_in(
            event_id=event.id, barcode=barcode, staff=dora, door=ADDRESS, gate="North", device="dev-1"
        )
        assert isinstance(verdict, OfflineVerdict)
        return verdict

    with outage:
        assert check_in(tickets[0].barcode).admitted
        assert check_in(tickets[0].barcode).code == errors.ALREADY_CHECKED_IN  # behind its waiting admission
        assert check_in("NO-SUCH-CODE").code == errors.NOT_FOUND  # from the replica

    rows = list(OutboxEntry.objects.order_by("id"))
    assert [(e.kind, e.reason) for e in rows] == [
        ("check_in", ""),
        ("refusal", errors.ALREADY_CHECKED_IN),
        ("refusal", errors.NOT_FOUND),
    ]
    assert {columns(e) for e in rows} == {(*WHO, ADDRESS[:64], "North", "dev-1")}
    assert {e.staff_id for e in rows} == {dora.pk}
    # The replica and the outbox agree on when the ticket went in: that time is what BrightStar will record.
    assert ReplicaTicket.objects.get(attendee_id=tickets[0].id).checked_in_at == rows[0].scanned_at
    audited = AuditEntry.objects.filter(action="attendee.check_in_offline")
    assert {(e.staff_username, e.detail["door"]) for e in audited} == {("door", ADDRESS)}


def test_an_undo_queued_offline_names_who_undid_it_and_where(opened, event, tickets, outage, dora):
    door.attendee_check_in(event_id=event.id, barcode=tickets[0].barcode, staff=dora)  # BrightStar admits it
    before = timezone.now()
    with outage:
        verdict = door.attendee_check_in_undo(event_id=event.id, attendee_id=tickets[0].id, staff=dora, door=ADDRESS)
    assert isinstance(verdict, OfflineVerdict) and verdict.undone

    undo = OutboxEntry.objects.get()
    assert (undo.kind, undo.staff_id, *columns(undo)) == ("undo", dora.pk, *WHO, ADDRESS[:64], "", "")
    assert before <= undo.scanned_at <= timezone.now()


def test_a_phones_upload_names_each_row_after_the_phone_and_that_scans_door_and_time(opened, event, tickets, dora):
    scanned = [timezone.now() - timezone.timedelta(minutes=m) for m in (5, 3)]
    body = {
        "device": "phone-1",
        "scans": [
            {"key": str(uuid.uuid4()), "barcode": t.barcode, "scanned_at": at.isoformat(), "gate": gate}
            for t, at, gate in zip(tickets[:2], scanned, ("North", "South"), strict=True)
        ],
    }
    response = opened.post(f"/events/{event.id}/door/device/upload/", json.dumps(body), content_type="application/json")
    assert [r["result"] for r in response.json()["results"]] == ["queued", "queued"]

    rows = list(OutboxEntry.objects.order_by("id"))
    assert [(e.scanned_at, *columns(e)) for e in rows] == [
        (scanned[0], *WHO, "phone phone-1", "North", "phone-1"),
        (scanned[1], *WHO, "phone phone-1", "South", "phone-1"),
    ]


@pytest.mark.parametrize("nobody", [None, AnonymousUser()])
def test_nobody_signed_in_is_nobody_in_the_row(nobody):
    scan = ScanContext.of(nobody, door="127.0.0.1")
    assert (scan.staff, scan.staff_username, scan.staff_name) == (None, "", "")
    entry = scan.outbox_entry(event_id="evt_1", attendee_id="att_1", idempotency_key="k")
    assert (entry.staff_id, entry.staff_username, entry.staff_name, entry.door) == (None, "", "", "127.0.0.1")
