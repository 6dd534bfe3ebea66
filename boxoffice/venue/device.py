"""Scans a door phone decided on its own (venue mode, layer 2), fed into layer 1's outbox on upload.

The phone lost the dashboard, admitted from its copy, and now sends what
it queued: each scan with its Idempotency-Key, its real scan time and the
phone's id. Each is decided again here, under the replica row's lock, as
layer 1 decides: an admission nobody else made becomes a pending outbox
entry (the drain tells BrightStar, with the same key and scan time, so
exactly once); a ticket let in elsewhere meanwhile, void or unknown is a
conflict on the organizer's list, because the person is already inside.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.services import audit_record
from boxoffice.brightstar import errors
from boxoffice.door.device import barcode_hash, event_seed
from boxoffice.venue import tasks
from boxoffice.venue.context import ScanContext
from boxoffice.venue.models import OutboxEntry, ReplicaTicket

QUEUED, ALREADY, CONFLICT = "queued", "already", "conflict"
# What the conflicts list shows for a second entry no device could have caught.
# Stored in English, never in the uploading phone's language: the conflicts list shows the code's sentence, else
# this text translated as the reader reads (venue/views.py), so both are marked for the catalog.
TWICE = gettext_noop("Let in on two devices while offline: this phone at {when}, and before that at {first}.")
OFFLINE_ADMITTED = gettext_noop("Admitted on a phone that was offline.")


@dataclass(frozen=True)
class DeviceScan:
    idempotency_key: str
    barcode: str
    scanned_at: datetime
    gate: str = ""  # the door's name on the phone when it scanned
    # A tap in the phone's offline search list: no barcode (the copy holds none), its row's hash and name instead.
    hash: str = ""
    name: str = ""


@dataclass(frozen=True)
class Uploaded:
    idempotency_key: str
    result: str  # queued (for BrightStar), already (recorded before), conflict
    code: str = ""


def device_scans_upload(*, event_id: str, device: str, scans: list[DeviceScan], staff) -> list[Uploaded]:
    """Record each scan once, whatever the number of uploads; returns what became of each.

    The drain sends each admission's door name, the phone's id and who scanned to BrightStar's scan log.
    """
    phone = ScanContext.of(staff, door=f"phone {device}"[:64], device=device[:100])
    tapped = _tapped(event_id, scans)
    results = [
        _one(event_id, scan, replace(phone, gate=scan.gate, scanned_at=scan.scanned_at), tapped=tapped)
        for scan in scans
    ]
    if any(r.result == QUEUED for r in results):
        tasks.schedule_drain(event_id)
    return results


def _one(event_id: str, scan: DeviceScan, context: ScanContext, *, tapped: dict[tuple[str, str], int]) -> Uploaded:
    key = scan.idempotency_key
    with transaction.atomic():
        ticket = _ticket(event_id, scan, tapped)
        earlier = OutboxEntry.objects.filter(idempotency_key=key).first()
        if earlier is not None:  # uploaded before (its answer was lost)
            return Uploaded(
                key, CONFLICT if earlier.state == OutboxEntry.State.CONFLICT else ALREADY, earlier.result_code
            )
        if _reached_online(key):  # the request the phone gave up on did get through
            return Uploaded(key, ALREADY)
        code, first = _refusal(event_id, ticket)
        entry = context.outbox_entry(
            event_id=event_id,
            attendee_id=ticket.attendee_id if ticket else "",
            barcode=(ticket.barcode if ticket else scan.barcode)[:64],
            name=ticket.name if ticket else scan.name[:200],
            idempotency_key=key,
        )
        if code:
            entry.state, entry.result_code, entry.synced_at = OutboxEntry.State.CONFLICT, code, timezone.now()
            when = timezone.localtime(scan.scanned_at).strftime("%H:%M")
            entry.result_message = (
                TWICE.format(when=when, first=first) if code == errors.ALREADY_CHECKED_IN else OFFLINE_ADMITTED
            )[:500]
        else:
            assert ticket is not None  # no refusal code: the ticket was found, valid and not in
            ticket.checked_in, ticket.checked_in_at = True, scan.scanned_at
            ticket.save(update_fields=["checked_in", "checked_in_at"])
        entry.save()
        audit_record(
            staff=context.staff,
            action="attendee.check_in_device",
            object_type="attendee",
            object_id=entry.attendee_id,
            event_id=event_id,
            idempotency_key=key,
            outcome=AuditEntry.Outcome.REJECTED if code else AuditEntry.Outcome.SUCCEEDED,
            error_code=code,
            detail={
                "offline": True,
                "door": context.door,
                "barcode": entry.barcode,
                "scanned_at": scan.scanned_at.isoformat(),
                **({"hash": scan.hash} if scan.hash else {}),
            },
        )
    return Uploaded(key, CONFLICT if code else QUEUED, code)


def _tapped(event_id: str, scans: list[DeviceScan]) -> dict[tuple[str, str], int]:
    """The replica row of each tap, by (hash, name): among the event's tickets under that exact name, the one
    whose barcode hashes (door/device.py, the copy's own hash) to what the phone holds.

    One query for the whole upload, found through the (event, name) index: a phone may send hundreds of taps at once.
    """
    wanted = {(scan.hash, scan.name) for scan in scans if scan.hash}
    if not wanted:
        return {}
    seed, found = event_seed(event_id), {}
    rows = ReplicaTicket.objects.filter(event_id=event_id, name__in={name for _, name in wanted})
    for pk, name, barcode in rows.values_list("id", "name", "barcode"):
        if (digest := barcode_hash(barcode, seed), name) in wanted:
            found[digest, name] = pk
    return found


def _ticket(event_id: str, scan: DeviceScan, tapped: dict[tuple[str, str], int]) -> ReplicaTicket | None:
    """The scan's ticket, its row locked; None when the replica has no such ticket (a conflict: unknown)."""
    rows = ReplicaTicket.objects.filter(event_id=event_id)
    if not scan.hash:
        return rows.filter(barcode=scan.barcode).select_for_update().first()
    pk = tapped.get((scan.hash, scan.name))
    return rows.filter(pk=pk).select_for_update().first() if pk is not None else None


def _refusal(event_id: str, ticket: ReplicaTicket | None) -> tuple[str, str]:
    """Why this admission cannot stand (a code), and when the first one was, for the organizer."""
    if ticket is None:
        return errors.NOT_FOUND, ""
    if ticket.status == ReplicaTicket.Status.VOID:
        return errors.TICKET_VOID, ""
    if ticket.checked_in:
        at = timezone.localtime(ticket.checked_in_at).strftime("%H:%M") if ticket.checked_in_at else "?"
        return errors.ALREADY_CHECKED_IN, at
    return "", ""


def _reached_online(key: str) -> bool:
    return AuditEntry.objects.filter(
        idempotency_key=key,
        action="attendee.check_in",
        outcome__in=(AuditEntry.Outcome.SUCCEEDED, AuditEntry.Outcome.REPLAYED),
    ).exists()
