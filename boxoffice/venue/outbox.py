"""Draining the outbox: telling BrightStar, in order, what the doors decided offline.

Each entry is retried until BrightStar gives a final answer: agreed (synced)
or refused (a conflict for the organizer). Silence, a 5xx or a throttle
stops the drain where it is, so a later entry never overtakes an earlier one.
A refusal decided offline goes to the scan log; BrightStar only logs it, so
it is never a conflict (dropped, with its code, if BrightStar will not log it).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from boxoffice.audit.services import audited
from boxoffice.brightstar import attendees as api
from boxoffice.brightstar import errors
from boxoffice.brightstar import scans as scans_api
from boxoffice.brightstar.resources import Attendee, Sent
from boxoffice.prepared import Prepared, PreparedUpdate
from boxoffice.venue.models import EventReplica, OutboxEntry, ReplicaTicket

# No final answer: try again later. Anything else BrightStar says is its verdict.
NOT_YET = (errors.ConnectionFailed, errors.ServerError, errors.RateLimited, errors.AuthenticationError)
_MESSAGE_MAX = OutboxEntry._meta.get_field("result_message").max_length


def outbox_drain(*, event_id: str) -> int:
    """Send every pending entry of the event, oldest first; returns how many still wait."""
    queue = OutboxEntry.objects.filter(event_id=event_id)
    # A drain killed mid-call left its entry claimed: the same key makes resending it safe.
    queue.filter(state=OutboxEntry.State.SENDING).update(state=OutboxEntry.State.PENDING)
    # Read a batch at a time (entries queued meanwhile have higher ids: the next batch has them).
    while batch := _NEXT.all(event_id=event_id):
        for entry in batch:
            # Claimed, not locked: no transaction stays open across an HTTP call, and an undo
            # that finds the entry claimed goes to BrightStar instead of deleting it (one that
            # deleted it since the batch was read leaves nothing to claim).
            if not _CLAIM.run(values={"state": OutboxEntry.State.SENDING}, pk=entry.pk):
                continue
            try:
                sent = _send(entry)
            except NOT_YET as exc:
                queue.filter(pk=entry.pk).update(
                    state=OutboxEntry.State.PENDING, attempts=F("attempts") + 1, last_error=exc.code[:64]
                )
                EventReplica.objects.filter(event_id=event_id, offline_since=None).update(offline_since=timezone.now())
                return queue.filter(state=OutboxEntry.State.PENDING).count()
            except errors.BrightStarError as exc:
                if entry.kind == OutboxEntry.Kind.REFUSAL:
                    _settle(entry, OutboxEntry.State.DROPPED, code=exc.code, message=exc.message)
                else:
                    _settle(entry, OutboxEntry.State.CONFLICT, code=exc.code, message=exc.message)
                    _follow_refusal(entry, exc)
            else:
                _synced(entry, sent)
            _BACK_ONLINE.run(values={"offline_since": None}, event_id=event_id)
    return 0


# Run once per entry, thousands after an outage: compiled once (boxoffice/prepared.py), and what
# follows an answer is one transaction (one commit where there were three).
BATCH = 100
_EVENT, _CODE = "prepared:event", "prepared:code"


def _pending(event_id: str) -> QuerySet[OutboxEntry]:
    return OutboxEntry.objects.filter(event_id=event_id, state=OutboxEntry.State.PENDING).order_by("id")[:BATCH]


_NEXT = Prepared(_pending, event_id=_EVENT)
_CLAIM = PreparedUpdate(
    lambda pk: OutboxEntry.objects.filter(pk=pk, state=OutboxEntry.State.PENDING), ("state",), pk=-424242
)
_SYNCED = PreparedUpdate(
    lambda pk: OutboxEntry.objects.filter(pk=pk),
    ("state", "attempts", "result_code", "result_message", "synced_at"),
    pk=-424242,
)
_FOLLOW = PreparedUpdate(
    lambda event_id, code: ReplicaTicket.objects.filter(event_id=event_id, attendee_id=code),
    ("status", "checked_in", "checked_in_at"),
    event_id=_EVENT,
    code=_CODE,
)
# Cleared only where set: an UPDATE of every entry's event row would be one more write per entry.
_BACK_ONLINE = PreparedUpdate(
    lambda event_id: EventReplica.objects.filter(event_id=event_id).exclude(offline_since=None),
    ("offline_since",),
    event_id=_EVENT,
)


def _synced(entry: OutboxEntry, attendee: Attendee | None) -> None:
    """BrightStar agreed: the entry is settled, and the replica follows its answer, together."""
    with transaction.atomic():
        _SYNCED.run(
            values={
                "state": OutboxEntry.State.SYNCED,
                "attempts": entry.attempts + 1,  # claimed: no other drain counts this entry's tries
                "result_code": "",
                "result_message": "",
                "synced_at": timezone.now(),
            },
            pk=entry.pk,
        )
        if attendee is not None:
            _FOLLOW.run(
                values={
                    "status": attendee.status,
                    "checked_in": attendee.checked_in,
                    "checked_in_at": attendee.checked_in_at,
                },
                event_id=entry.event_id,
                code=entry.attendee_id,
            )


def _send(entry: OutboxEntry) -> Attendee | None:
    """One entry through the SDK; the ticket as BrightStar now has it, for the replica (None: a refusal logged)."""
    if entry.kind == OutboxEntry.Kind.REFUSAL:
        # Not audited here: the scan and its refusal are in the audit trail since the door decided
        # (attendee.check_in_offline), and logging it changes no ticket.
        scans_api.scan_refusal_record(
            event_id=entry.event_id,
            reason=entry.reason,
            scanned_at=entry.scanned_at,
            idempotency_key=entry.idempotency_key,
            barcode=entry.barcode or None,
            attendee_id=None if entry.barcode else entry.attendee_id,
            gate=entry.gate,
            device=entry.device,
            staff=entry.staff_name,
        )
        return None
    return _send_audited(entry).value


def _send_audited(entry: OutboxEntry) -> Sent[Attendee]:
    """A check-in or an undo, audited as the member of staff who scanned it."""
    if entry.kind == OutboxEntry.Kind.UNDO:
        return audited(
            lambda: api.attendee_check_in_undo(
                event_id=entry.event_id, attendee_id=entry.attendee_id, idempotency_key=entry.idempotency_key
            ),
            staff=entry.staff,
            action="attendee.check_in_undo",
            object_type="attendee",
            idempotency_key=entry.idempotency_key,
            object_id=entry.attendee_id,
            event_id=entry.event_id,
            detail={"offline": True, "door": entry.door},
        )
    return audited(
        lambda: api.attendee_check_in(
            event_id=entry.event_id,
            attendee_id=entry.attendee_id,
            idempotency_key=entry.idempotency_key,
            scanned_at=entry.scanned_at,
            gate=entry.gate,
            device=entry.device,
            staff=entry.staff_name,
        ),
        staff=entry.staff,
        action="attendee.check_in",
        object_type="attendee",
        idempotency_key=entry.idempotency_key,
        object_id=entry.attendee_id,
        event_id=entry.event_id,
        detail={
            "offline": True,
            "door": entry.door,
            "barcode": entry.barcode,
            "scanned_at": entry.scanned_at.isoformat(),
        },
        from_value=lambda a: {"order_id": a.order_id},
    )


def _settle(entry: OutboxEntry, state: str, *, code: str = "", message: str = "") -> None:
    OutboxEntry.objects.filter(pk=entry.pk).update(
        state=state,
        attempts=F("attempts") + 1,
        result_code=code[:64],
        result_message=message[:_MESSAGE_MAX],
        synced_at=timezone.now(),
    )


def _follow_refusal(entry: OutboxEntry, exc: errors.BrightStarError) -> None:
    # A ticket voided during the outage is void here too, so the next offline scan refuses it.
    if exc.code == errors.TICKET_VOID:
        ReplicaTicket.objects.filter(event_id=entry.event_id, attendee_id=entry.attendee_id).update(
            status=ReplicaTicket.Status.VOID,
            checked_in=False,
            checked_in_at=None,
        )
