"""Draining the outbox: telling BrightStar, in order, what the doors decided offline.

Each entry is retried until BrightStar gives a final answer: agreed (synced)
or refused (a conflict for the organizer). Silence, a 5xx or a throttle
stops the drain where it is, so a later entry never overtakes an earlier one.
A refusal decided offline goes to the scan log; BrightStar only logs it, so
it is never a conflict (dropped, with its code, if BrightStar will not log it).
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from boxoffice.audit.services import audited
from boxoffice.brightstar import attendees as api
from boxoffice.brightstar import errors
from boxoffice.brightstar import scans as scans_api
from boxoffice.brightstar.resources import Attendee, Sent
from boxoffice.venue.models import EventReplica, OutboxEntry, ReplicaTicket

# No final answer: try again later. Anything else BrightStar says is its verdict.
NOT_YET = (errors.ConnectionFailed, errors.ServerError, errors.RateLimited, errors.AuthenticationError)
_MESSAGE_MAX = OutboxEntry._meta.get_field("result_message").max_length


def outbox_drain(*, event_id: str) -> int:
    """Send every pending entry of the event, oldest first; returns how many still wait."""
    queue = OutboxEntry.objects.filter(event_id=event_id)
    # A drain killed mid-call left its entry claimed: the same key makes resending it safe.
    queue.filter(state=OutboxEntry.State.SENDING).update(state=OutboxEntry.State.PENDING)
    while (entry := queue.filter(state=OutboxEntry.State.PENDING).order_by("id").first()) is not None:
        # Claimed, not locked: no transaction stays open across an HTTP call, and an undo
        # that finds the entry claimed goes to BrightStar instead of deleting it.
        if not queue.filter(pk=entry.pk, state=OutboxEntry.State.PENDING).update(state=OutboxEntry.State.SENDING):
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
            _settle(entry, OutboxEntry.State.SYNCED)
            if sent is not None:
                _follow(entry, sent)
        EventReplica.objects.filter(event_id=event_id).update(offline_since=None)
    return 0


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


def _follow(entry: OutboxEntry, attendee: Attendee) -> None:
    ReplicaTicket.objects.filter(event_id=entry.event_id, attendee_id=entry.attendee_id).update(
        status=attendee.status,
        checked_in=attendee.checked_in,
        checked_in_at=attendee.checked_in_at,
    )


def _follow_refusal(entry: OutboxEntry, exc: errors.BrightStarError) -> None:
    # A ticket voided during the outage is void here too, so the next offline scan refuses it.
    if exc.code == errors.TICKET_VOID:
        ReplicaTicket.objects.filter(event_id=entry.event_id, attendee_id=entry.attendee_id).update(
            status=ReplicaTicket.Status.VOID,
            checked_in=False,
            checked_in_at=None,
        )
