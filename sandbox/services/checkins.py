from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox import errors, selectors
from sandbox.errors import ApiError, invalid
from sandbox.models import Account, Attendee, Event, Scan, TicketType
from sandbox.services.locking import changes_lock_write, lock

DB = "sandbox"
# A scan made while the venue was offline is replayed later with the time it was
# made. A week covers any event's run and its backlog; a few minutes ahead covers
# a scanner's clock running fast. Anything else is a broken clock, not a scan.
SCAN_MAX_AGE = timedelta(days=7)
SCAN_MAX_AHEAD = timedelta(minutes=5)


class Refused(ApiError):
    """A check-in refused at an event of the caller's: recorded as a scan, then answered.

    Only these: an unknown event, or bad input, is refused before there is an
    event's door to log it at.
    """

    def __init__(self, code: str, message: str, *, scanned: Attendee | None = None, **extra):
        super().__init__(code, message, **extra)
        self.scanned = scanned  # the ticket the code belongs to, if any: for the log, not the answer


def _ticket_lookup(*, barcode: str | None, attendee_id: str | None) -> dict:
    """The filter that finds the ticket a door names: by exactly one of the code as scanned or its id."""
    if (barcode is None) == (attendee_id is None):
        raise invalid("barcode", "Give exactly one of barcode or attendee_id")
    return {"barcode": barcode} if barcode is not None else {"pk": attendee_id}


def _check_scan_time(scanned_at: datetime) -> None:
    """Check-in's window, which a refusal told later shares: a scan from the last week, or a fast clock's."""
    now = timezone.now()
    earliest, latest = now - SCAN_MAX_AGE, now + SCAN_MAX_AHEAD
    if not earliest <= scanned_at <= latest:
        raise invalid(
            "scanned_at",
            "scanned_at must be within the last 7 days, and at most 5 minutes ahead of the API's clock",
            earliest=earliest,
            latest=latest,
        )


def _find(*, account: Account, livemode: bool, event_id: str, lookup: dict) -> Attendee:
    """The ticket presented at `event_id`, with its event's status (`event_status`).

    One query when all is well. When it is not, the event is looked up on its
    own, so the answers keep their order: an unknown event first, then an
    unknown ticket, then a ticket for another event.
    """
    try:
        # The status alone, not select_related("event"): building the whole
        # event cost more than the query's join. Only WRONG_EVENT needs more.
        attendee = Attendee.objects.annotate(event_status=F("event__status")).get(
            **lookup, event__account=account, event__livemode=livemode
        )
    except Attendee.DoesNotExist:
        attendee = None
    if attendee is not None and attendee.event_id == event_id:
        return attendee
    selectors.event_row(account=account, livemode=livemode, event_id=event_id)
    if attendee is None:
        raise Refused(errors.NOT_FOUND, "Ticket not found")
    raise Refused(
        errors.WRONG_EVENT,
        f"This ticket is for another event: {attendee.event.title}",
        event_id=attendee.event_id,
        event_title=attendee.event.title,
        scanned=attendee,
    )


def _admit(attendee_id: str, checked_in_at: datetime, now: datetime) -> bool:
    # The guard itself: only a valid ticket not yet in matches, so of eight
    # doors scanning one ticket at once exactly one flips it. PostgreSQL
    # re-checks the WHERE once the row's earlier writer commits; SQLite runs
    # one writer at a time.
    admitted = Attendee.objects.filter(pk=attendee_id, checked_in=False, status=Attendee.Status.VALID).update(
        checked_in=True, checked_in_at=checked_in_at, updated_at=now
    )
    return bool(admitted)


def _admit_locked(attendee_id: str, checked_in_at: datetime, now: datetime) -> Attendee:
    """Why the guard matched nothing, read under the row lock; admits if the reason is gone.

    The lock makes the answer describe one state of the ticket, even if an
    undo committed between the guard and this read.
    """
    try:
        attendee = lock(Attendee, attendee_id, "Ticket")
    except ApiError as exc:  # deleted since it was found: still a scan at this door
        raise Refused(exc.code, exc.message) from None
    if attendee.status == Attendee.Status.VOID:
        raise Refused(
            errors.TICKET_VOID, "This ticket is void (refunded or cancelled)", attendee=attendee, scanned=attendee
        )
    if attendee.checked_in:
        raise Refused(
            errors.ALREADY_CHECKED_IN, "This ticket was already checked in", attendee=attendee, scanned=attendee
        )
    _admit(attendee.pk, checked_in_at, now)  # cannot miss: the row is ours until commit
    return attendee


def attendee_check_in(
    *,
    account: Account,
    livemode: bool,
    event_id: str,
    barcode: str | None = None,
    attendee_id: str | None = None,
    scanned_at: datetime | None = None,
    gate: str | None = None,
    device: str | None = None,
    staff: str | None = None,
) -> Attendee:
    """Admit one ticket, exactly once; `checked_in_at` is `scanned_at` if given, else now.

    The conditional UPDATE is the guard, so an admission costs no re-read;
    the row is read again, locked, only to say why a ticket was refused.
    `updated_at` is always now, scanned_at or not: the changes feed must carry
    a replayed offline scan to replicas that have read past its scan time.

    Every attempt at a known event is logged as a Scan (one INSERT, no read):
    an admission in the check-in's transaction, so the log and the ticket
    agree; a refusal after that transaction has rolled back, so it stays.
    """
    # Input first, as every 400 comes before a lookup (and is no scan at a door, so never logged).
    lookup = _ticket_lookup(barcode=barcode, attendee_id=attendee_id)
    if scanned_at is not None:
        _check_scan_time(scanned_at)
    scan = Scan(event_id=event_id, barcode=barcode, attendee_id=attendee_id, gate=gate, device=device, staff=staff)
    try:
        attendee = _find(account=account, livemode=livemode, event_id=event_id, lookup=lookup)
        if attendee.event_status != Event.Status.PUBLISHED:
            raise Refused(
                errors.EVENT_NOT_ACTIVE,
                f"This event is {attendee.event_status}: check-in is closed",
                event_status=attendee.event_status,
                scanned=attendee,
            )
        # Locks: the event's changes lock, the attendee (the guard's UPDATE), then
        # its ticket type (the counter) — locking.py's order, levels skipped, with no extra query: a refund
        # voiding this ticket locks the attendee before any ticket type, so the
        # two queue on the attendee and can never wait on each other crosswise.
        # The scan is an INSERT of a row nobody else can see yet: in no one's way.
        with transaction.atomic(using=DB):
            changes_lock_write(attendee.event_id)
            now = timezone.now()  # after that lock: see changes.py on why stamps are taken there
            checked_in_at = scanned_at or now
            if not _admit(attendee.pk, checked_in_at, now):
                attendee = _admit_locked(attendee.pk, checked_in_at, now)
            # In the same transaction as the admission: the counter moves exactly when it does.
            TicketType.objects.filter(pk=attendee.ticket_type_id).update(checked_in_count=F("checked_in_count") + 1)
            _scan_record(scan, attendee, Scan.Result.ADMITTED, None, checked_in_at)
    except Refused as refusal:
        # Autocommit, outside the rolled-back transaction: the refusal is logged even though nothing else happened.
        with transaction.atomic(using=DB):
            _scan_record(scan, refusal.scanned, Scan.Result.REFUSED, refusal.code, scanned_at or timezone.now())
        raise
    attendee.checked_in, attendee.checked_in_at, attendee.updated_at = True, checked_in_at, now
    return attendee


def _scan_record(scan: Scan, attendee: Attendee | None, result: str, reason: str | None, at: datetime) -> None:
    if attendee is not None:
        scan.attendee_id, scan.barcode = attendee.pk, attendee.barcode
    else:
        scan.attendee_id = None  # an unknown code names no ticket (an unknown attendee_id least of all)
    scan.result, scan.reason, scan.scanned_at = result, reason, at
    scan.save(force_insert=True)


def attendee_check_in_undo(*, account: Account, livemode: bool, event_id: str, attendee_id: str) -> Attendee:
    attendee = _find(account=account, livemode=livemode, event_id=event_id, lookup={"pk": attendee_id})
    with transaction.atomic(using=DB):
        changes_lock_write(attendee.event_id)
        # Locked: whether the counter moves depends on the status read here.
        # Attendee, then ticket type: locking.py's order.
        attendee = lock(Attendee, attendee.pk, "Ticket")
        now = timezone.now()
        undone = Attendee.objects.filter(pk=attendee.pk, checked_in=True).update(
            checked_in=False, checked_in_at=None, updated_at=now
        )
        if not undone:
            raise ApiError(errors.NOT_CHECKED_IN, "This ticket is not checked in", attendee=attendee)
        if attendee.status == Attendee.Status.VALID:
            TicketType.objects.filter(pk=attendee.ticket_type_id).update(checked_in_count=F("checked_in_count") - 1)
    attendee.checked_in, attendee.checked_in_at, attendee.updated_at = False, None, now
    return attendee


def scan_refusal_record(
    *,
    account: Account,
    livemode: bool,
    event_id: str,
    reason: str,
    scanned_at: datetime,
    barcode: str | None = None,
    attendee_id: str | None = None,
    gate: str | None = None,
    device: str | None = None,
    staff: str | None = None,
) -> Scan:
    """Log a refusal decided elsewhere (a door while this API was unreachable), exactly as a refused check-in.

    Not a check-in replayed: the ticket may have changed since (a refund undone, an undo), and a replay
    could then admit someone the door turned away. So nothing is judged and no ticket changes; the ticket
    is only looked up to name it in the log, as a refused check-in names it (one query).
    """
    lookup = _ticket_lookup(barcode=barcode, attendee_id=attendee_id)  # check-in's input, in check-in's order
    _check_scan_time(scanned_at)
    event = selectors.event_row(account=account, livemode=livemode, event_id=event_id)
    ticket = Attendee.objects.filter(**lookup, event__account=account, event__livemode=livemode).first()
    scan = Scan(event_id=event.pk, barcode=barcode, attendee_id=attendee_id, gate=gate, device=device, staff=staff)
    with transaction.atomic(using=DB):  # the tally triggers run in this transaction (migration 0007)
        _scan_record(scan, ticket, Scan.Result.REFUSED, reason, scanned_at)
    return scan
