"""The door's side of venue mode: decide from the replica when BrightStar cannot.

Every decision that admits someone runs under a row lock on the replica's
ticket (select_for_update inside atomic): all the doors on this dashboard
admit a ticket at most once, online or off. An admission decided here is
written to the outbox in the same transaction, so it cannot be shown to a
volunteer without also being queued for BrightStar.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.services import audit_record
from boxoffice.brightstar import errors
from boxoffice.brightstar.resources import Attendee, Event, TicketType
from boxoffice.prepared import Prepared, PreparedUpdate
from boxoffice.venue import tasks
from boxoffice.venue.context import ScanContext
from boxoffice.venue.models import EventReplica, OutboxEntry, ReplicaTicket
from boxoffice.venue.sync import replica_open

# BrightStar gave no verdict: these, and only these, hand the decision to the replica.
UNREACHABLE = (errors.ConnectionFailed, errors.ServerError, errors.RateLimited)
ADMITTED = ""  # OfflineVerdict.code of an admission
SEEN_EVERY = timedelta(seconds=60)  # how often an open door's poll is worth a write


@dataclass(frozen=True)
class OfflineVerdict:
    """What the dashboard decided without BrightStar: an admission (code "") or a refusal's code."""

    code: str
    ticket: ReplicaTicket | None = None
    # Already in: when, and who let them in, if this dashboard knows.
    when: datetime | None = None
    who: str = ""
    undone: bool = False
    # False: BrightStar answers, but this ticket's offline admission has not reached it yet.
    decided_offline: bool = True

    @property
    def admitted(self) -> bool:
        return self.code == ADMITTED and not self.undone


def door_opened(*, event_id: str) -> None:
    """The door page loaded: keep (or start) its replica fresh, and send what waits."""
    replica_open(event_id=event_id)
    EventReplica.objects.filter(event_id=event_id).update(door_seen_at=timezone.now())
    tasks.schedule_sync(event_id)
    if OutboxEntry.objects.filter(event_id=event_id, state=OutboxEntry.State.PENDING).exists():
        tasks.schedule_drain(event_id)


def door_page_remember(*, event: Event, ticket_types: tuple[TicketType, ...]) -> None:
    """The door page loaded from BrightStar: keep what it showed, for a reload while BrightStar is down."""
    EventReplica.objects.filter(event_id=event.id).update(
        event_json=asdict(event), ticket_types_json=[asdict(t) for t in ticket_types]
    )


def went_offline(*, event_id: str) -> None:
    """A read for the door found BrightStar silent: the strip says so from now on."""
    EventReplica.objects.filter(event_id=event_id, offline_since=None).update(offline_since=timezone.now())


def door_seen(*, event_id: str) -> None:
    """An open door polled: keep its sync going, at the cost of one write a minute at most."""
    now = timezone.now()
    if EventReplica.objects.filter(event_id=event_id, door_seen_at__lt=now - SEEN_EVERY).update(door_seen_at=now):
        tasks.schedule_sync(event_id)
        if OutboxEntry.objects.filter(event_id=event_id, state=OutboxEntry.State.PENDING).exists():
            tasks.schedule_drain(event_id)


def _ticket(event_id: str, barcode: str | None, attendee_id: str | None):
    rows = ReplicaTicket.objects.filter(event_id=event_id)
    return rows.filter(barcode=barcode) if barcode is not None else rows.filter(attendee_id=attendee_id)


# An offline scan holds the database's write lock from its first read to its commit, and every
# door waits on it: its statements are compiled once (boxoffice/prepared.py), so the lock is held
# for the database's work, not the ORM's.
_LOCKED_BY_BARCODE = Prepared(
    lambda event_id, code: _ticket(event_id, code, None).select_for_update().order_by("pk")[:1],
    event_id="prepared:event",
    code="prepared:code",
)
_LOCKED_BY_ATTENDEE = Prepared(
    lambda event_id, code: _ticket(event_id, None, code).select_for_update().order_by("pk")[:1],
    event_id="prepared:event",
    code="prepared:code",
)
_BY_KEY = Prepared(lambda key: OutboxEntry.objects.filter(idempotency_key=key).order_by("pk")[:1], key="prepared:key")
_LET_IN = PreparedUpdate(lambda pk: ReplicaTicket.objects.filter(pk=pk), ("checked_in", "checked_in_at"), pk=-424242)
_WENT_OFFLINE = PreparedUpdate(
    lambda event_id: EventReplica.objects.filter(event_id=event_id, offline_since=None),
    ("offline_since",),
    event_id="prepared:event",
)
_DECIDES = Prepared(
    lambda event_id: EventReplica.objects.filter(event_id=event_id, synced_at__isnull=False).values_list("pk")[:1],
    event_id="prepared:event",
)


def _admitted_by(event_id: str, attendee_id: str) -> str:
    entry = (
        OutboxEntry.objects.filter(event_id=event_id, attendee_id=attendee_id, kind=OutboxEntry.Kind.CHECK_IN)
        .exclude(state=OutboxEntry.State.CONFLICT)
        .order_by("-id")
        .first()
    )
    return entry.staff_username if entry else ""


# Every online scan runs these three (asked before, followed after): their SQL is compiled once
# (boxoffice/prepared.py), each run only binds the event and the ticket.
def _waiting(event_id: str):
    return OutboxEntry.objects.filter(
        event_id=event_id,
        kind=OutboxEntry.Kind.CHECK_IN,
        state__in=(OutboxEntry.State.PENDING, OutboxEntry.State.SENDING),
    ).order_by("id")


_EVENT, _CODE = "prepared:event", "prepared:code"
_WAITING_BY_BARCODE = Prepared(
    lambda event_id, code: _waiting(event_id).filter(barcode=code)[:1], event_id=_EVENT, code=_CODE
)
_WAITING_BY_ATTENDEE = Prepared(
    lambda event_id, code: _waiting(event_id).filter(attendee_id=code)[:1], event_id=_EVENT, code=_CODE
)
_FOLLOW = PreparedUpdate(
    lambda event_id, code: ReplicaTicket.objects.filter(event_id=event_id, attendee_id=code),
    ("checked_in", "checked_in_at", "status"),
    event_id=_EVENT,
    code=_CODE,
)
_FOLLOW_UNDO = PreparedUpdate(
    lambda event_id, code: ReplicaTicket.objects.filter(event_id=event_id, attendee_id=code),
    ("checked_in", "checked_in_at"),
    event_id=_EVENT,
    code=_CODE,
)
_BACK_ONLINE = PreparedUpdate(
    lambda event_id: EventReplica.objects.filter(event_id=event_id).exclude(offline_since=None),
    ("offline_since",),
    event_id=_EVENT,
)


def waiting_admission(
    *,
    event_id: str,
    barcode: str | None,
    attendee_id: str | None,
    idempotency_key: str = "",
    scan: ScanContext,
) -> OfflineVerdict | None:
    """A ticket admitted offline that BrightStar has not heard of yet: BrightStar would say valid.

    Asked before every online scan (one indexed query, no API call), so the
    drain's backlog cannot let the same ticket in a second time. The refusal
    waits in the outbox behind that admission for BrightStar's scan log, as
    BrightStar would have logged it had it been asked.
    """
    if barcode is not None:
        entry = _WAITING_BY_BARCODE.first(event_id=event_id, code=barcode)
    else:
        entry = _WAITING_BY_ATTENDEE.first(event_id=event_id, code=attendee_id or "")
    if entry is None:
        return None
    ticket = ReplicaTicket.objects.filter(event_id=event_id, attendee_id=entry.attendee_id).first()
    if entry.idempotency_key == idempotency_key:  # the same scan again: its first verdict, not "already in"
        return OfflineVerdict(ADMITTED, ticket)
    verdict = OfflineVerdict(
        errors.ALREADY_CHECKED_IN, ticket, when=entry.scanned_at, who=entry.staff_username, decided_offline=False
    )
    if idempotency_key:
        with transaction.atomic():
            if _BY_KEY.first(key=idempotency_key) is None:  # a lost answer's resend is logged once
                _refusal_queue(event_id, verdict, barcode, attendee_id, idempotency_key, scan)
                tasks.schedule_drain(event_id, delay=tasks.DRAIN_RETRY_SECONDS)
    return verdict


def offline_check_in(
    *,
    event_id: str,
    barcode: str | None,
    attendee_id: str | None,
    idempotency_key: str,
    scan: ScanContext,
) -> OfflineVerdict | None:
    """Decide a scan from the replica; None when this event has none (its door never opened).

    The scan's context waits in the outbox entry for BrightStar's scan log, which gets
    refusals too (`_refusal_queue`).
    """
    if not _has_replica(event_id):
        return None
    with transaction.atomic():
        if barcode is not None:
            ticket = _LOCKED_BY_BARCODE.first(event_id=event_id, code=barcode)
        else:
            ticket = _LOCKED_BY_ATTENDEE.first(event_id=event_id, code=attendee_id or "")
        earlier = _BY_KEY.first(key=idempotency_key)
        if earlier is not None and earlier.kind == OutboxEntry.Kind.REFUSAL:
            return _refusal_again(event_id, earlier, ticket)
        if earlier is not None:
            # The same scan again (its answer was lost): replay the first verdict, never "already in".
            same = ticket is not None and earlier.attendee_id == ticket.attendee_id
            return OfflineVerdict(ADMITTED if same else errors.IDEMPOTENCY_KEY_REUSED, ticket)
        if ticket is None:
            verdict = OfflineVerdict(errors.NOT_FOUND)
        elif ticket.status == ReplicaTicket.Status.VOID:
            verdict = OfflineVerdict(errors.TICKET_VOID, ticket)
        elif ticket.checked_in:
            verdict = OfflineVerdict(
                errors.ALREADY_CHECKED_IN,
                ticket,
                when=ticket.checked_in_at,
                who=_admitted_by(event_id, ticket.attendee_id),
            )
        else:
            ticket.checked_in, ticket.checked_in_at = True, scan.scanned_at
            _LET_IN.run(values={"checked_in": True, "checked_in_at": scan.scanned_at}, pk=ticket.pk)
            scan.outbox_entry(
                event_id=event_id,
                attendee_id=ticket.attendee_id,
                barcode=ticket.barcode,
                name=ticket.name,
                idempotency_key=idempotency_key,
            ).save(force_insert=True)
            verdict = OfflineVerdict(ADMITTED, ticket)
        _WENT_OFFLINE.run(values={"offline_since": timezone.now()}, event_id=event_id)
        _audit(event_id, verdict, idempotency_key, barcode, scan)
        if not verdict.admitted:
            _refusal_queue(event_id, verdict, barcode, attendee_id, idempotency_key, scan)
        # In the same transaction: nothing decided here is shown without its drain queued.
        tasks.schedule_drain(event_id, delay=tasks.DRAIN_RETRY_SECONDS)
    return verdict


def _refusal_queue(
    event_id: str,
    verdict: OfflineVerdict,
    barcode: str | None,
    attendee_id: str | None,
    key: str,
    scan: ScanContext,
) -> None:
    """A refusal decided here waits for BrightStar's scan log, so its doors overview and stats count it.

    Drained in order with the admissions, as a log entry (POST /events/{id}/scans), never as a
    check-in replayed: the ticket may have changed since, and a replay could admit someone the door
    turned away. The ticket as the replica has it names the scan; an unknown code keeps what was scanned.
    """
    ticket = verdict.ticket
    scan.outbox_entry(
        event_id=event_id,
        kind=OutboxEntry.Kind.REFUSAL,
        reason=verdict.code,
        attendee_id=ticket.attendee_id if ticket else (attendee_id or ""),
        barcode=ticket.barcode if ticket else (barcode or "")[:64],
        name=ticket.name if ticket else "",
        idempotency_key=key,
    ).save(force_insert=True)


def _refusal_again(event_id: str, earlier: OutboxEntry, ticket: ReplicaTicket | None) -> OfflineVerdict:
    """The same refused scan again (its answer was lost): the same refusal, queued once."""
    if earlier.reason == errors.ALREADY_CHECKED_IN and ticket is not None:
        who = _admitted_by(event_id, ticket.attendee_id)
        return OfflineVerdict(earlier.reason, ticket, when=ticket.checked_in_at, who=who)
    return OfflineVerdict(earlier.reason, ticket)


def follow_check_in(*, event_id: str, attendee: Attendee) -> None:
    """BrightStar admitted it: the replica follows from the answer (no second call)."""
    _FOLLOW.run(
        values={"checked_in": attendee.checked_in, "checked_in_at": attendee.checked_in_at, "status": attendee.status},
        event_id=event_id,
        code=attendee.id,
    )
    _answered(event_id)


def follow_undo(*, event_id: str, attendee: Attendee) -> None:
    _FOLLOW_UNDO.run(
        values={"checked_in": attendee.checked_in, "checked_in_at": attendee.checked_in_at},
        event_id=event_id,
        code=attendee.id,
    )
    _answered(event_id)


def _answered(event_id: str) -> None:
    """BrightStar answers again: the door is online, and what waits can go now."""
    if _BACK_ONLINE.run(values={"offline_since": None}, event_id=event_id):
        tasks.schedule_drain(event_id)


def unsynced_undo(*, event_id: str, attendee_id: str, staff) -> OfflineVerdict | None:
    """Undo an offline admission BrightStar has not heard of: drop it from the outbox, no call at all."""
    with transaction.atomic():
        ticket = _ticket(event_id, None, attendee_id).select_for_update().first()
        removed, _ = OutboxEntry.objects.filter(
            event_id=event_id,
            attendee_id=attendee_id,
            kind=OutboxEntry.Kind.CHECK_IN,
            state=OutboxEntry.State.PENDING,
        ).delete()
        if not removed:
            return None
        if ticket is not None:
            ticket.checked_in, ticket.checked_in_at = False, None
            ticket.save(update_fields=["checked_in", "checked_in_at"])
        audit_record(
            staff=staff,
            action="attendee.check_in_undo",
            object_type="attendee",
            object_id=attendee_id,
            event_id=event_id,
            outcome=AuditEntry.Outcome.SUCCEEDED,
            detail={"offline": True, "removed_from_outbox": True},
        )
    return OfflineVerdict(ADMITTED, ticket, undone=True)


def offline_undo(
    *,
    event_id: str,
    attendee_id: str,
    idempotency_key: str,
    scan: ScanContext,
) -> OfflineVerdict | None:
    """Undo a synced admission while BrightStar is unreachable: queue the undo behind what waits."""
    if not _has_replica(event_id):
        return None
    with transaction.atomic():
        ticket = _ticket(event_id, None, attendee_id).select_for_update().first()
        if ticket is None or not ticket.checked_in:
            return OfflineVerdict(errors.NOT_CHECKED_IN, ticket)
        ticket.checked_in, ticket.checked_in_at = False, None
        ticket.save(update_fields=["checked_in", "checked_in_at"])
        scan.outbox_entry(
            event_id=event_id,
            kind=OutboxEntry.Kind.UNDO,
            attendee_id=attendee_id,
            barcode=ticket.barcode,
            name=ticket.name,
            idempotency_key=idempotency_key,
        ).save(force_insert=True)
        tasks.schedule_drain(event_id, delay=tasks.DRAIN_RETRY_SECONDS)
    return OfflineVerdict(ADMITTED, ticket, undone=True)


def _has_replica(event_id: str) -> bool:
    # Only a replica whose first sync finished may decide: an empty one would call every ticket unknown.
    return bool(_DECIDES.rows(event_id=event_id))


def _audit(event_id: str, verdict: OfflineVerdict, key: str, barcode: str | None, scan: ScanContext) -> None:
    ticket = verdict.ticket
    audit_record(
        staff=scan.staff,
        action="attendee.check_in_offline",
        object_type="attendee",
        object_id=ticket.attendee_id if ticket else "",
        event_id=event_id,
        idempotency_key=key,
        outcome=AuditEntry.Outcome.SUCCEEDED if verdict.admitted else AuditEntry.Outcome.REJECTED,
        error_code=verdict.code,
        detail={"offline": True, "door": scan.door, "barcode": barcode or ""},
    )
