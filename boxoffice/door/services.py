"""The door's operations: lists, scans and undos, sent through the SDK and audited.

Never cached: the door needs who is in *now*. A scan sends an
Idempotency-Key, so a retry after a dropped answer replays the first
verdict instead of reporting the ticket as already used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

from boxoffice.audit.services import audited
from boxoffice.brightstar import attendees as api
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.brightstar.resources import Attendee, Event, Page, TicketType
from boxoffice.events.services import event_get, ticket_type_list
from boxoffice.venue import selectors as venue_selectors
from boxoffice.venue import services as venue
from boxoffice.venue.context import ScanContext
from boxoffice.venue.services import OfflineVerdict

# Ticket type names barely change during a night; check-ins drop the events
# cache (counts moved), so the door keeps the names apart for longer.
NAMES_SECONDS = 300


def attendee_list(
    *,
    event_id: str,
    ticket_type: str | None = None,
    checked_in: bool | None = None,
    q: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Page[Attendee]:
    return api.attendee_list(
        event_id=event_id, ticket_type=ticket_type, checked_in=checked_in, q=q, limit=limit, offset=offset
    )


@dataclass(frozen=True)
class SearchFound:
    """The door's name search: BrightStar's answer, or, when it is silent, the replica's (`copy_as_of` set)."""

    items: tuple[Attendee | venue_selectors.ReplicaMatch, ...]
    total: int
    ticket_types: dict[str, str]  # id -> name, for the rows shown
    copy_as_of: datetime | None = None  # the replica's last sync: what the list is as of, offline


def attendee_search(*, event_id: str, q: str, limit: int) -> SearchFound:
    """Find attendees by name (or email) at the door: one call; the replica when BrightStar does not answer.

    Offline the replica matches names only (it keeps no emails), and the door
    is marked offline as a failed scan marks it. No replica yet: the error
    stands, there is nothing to search.

    BrightStar known to be silent (a scan or a search failed in the last
    SILENT_SECONDS): one try, not the client's retries and their sleeps,
    as a scan does, so each keystroke's list comes from the copy at once.
    """
    attempts = 1 if cache.get(_silent_key(event_id)) else None
    try:
        page = api.attendee_list(event_id=event_id, q=q, limit=limit, max_attempts=attempts)
        names = ticket_type_names(event_id) if page.items else {}
    except venue.UNREACHABLE:
        found = venue_selectors.replica_search(event_id=event_id, q=q, limit=limit)
        if found is None:
            raise
        cache.set(_silent_key(event_id), True, SILENT_SECONDS)
        venue.went_offline(event_id=event_id)
        return SearchFound(
            found.items,
            found.total,
            {m.ticket_type_id: m.ticket_type_name for m in found.items},
            copy_as_of=found.synced_at,
        )
    if attempts:
        cache.delete(_silent_key(event_id))
    return SearchFound(page.items, page.total, names)


def attendee_iter(
    *,
    event_id: str,
    ticket_type: str | None = None,
    checked_in: bool | None = None,
    q: str | None = None,
    page_size: int = api.EXPORT_PAGE_SIZE,
) -> Iterator[Attendee]:
    return api.attendee_iter(
        event_id=event_id, ticket_type=ticket_type, checked_in=checked_in, q=q, page_size=page_size
    )


@dataclass(frozen=True)
class Counters:
    """Who is in, per ticket type. `offline`: counted from the replica, BrightStar being silent."""

    rows: tuple[venue_selectors.TypeCount, ...]
    offline: bool = False
    synced_at: datetime | None = None  # offline: when the replica last heard from BrightStar

    @property
    def checked_in(self) -> int:
        return sum(r.checked_in for r in self.rows)

    @property
    def sold(self) -> int:
        return sum(r.sold for r in self.rows)


def counters_from(event_id: str, ticket_types: tuple[TicketType, ...]) -> Counters:
    """BrightStar's figures, plus the admissions decided here it has not heard of yet (no call)."""
    waiting = venue_selectors.waiting_by_type(event_id=event_id)
    return Counters(
        tuple(
            venue_selectors.TypeCount(t.id, t.name, t.checked_in_count + waiting[t.id], t.quantity_sold)
            for t in ticket_types
        )
    )


def counters_offline(event_id: str) -> Counters | None:
    """From the replica, offline admissions included; None when there is none to count from."""
    copy = venue_selectors.door_page_copy(event_id=event_id)
    if copy is None:
        return None
    venue.went_offline(event_id=event_id)
    return Counters(
        tuple(venue_selectors.replica_counts(event_id=event_id, ticket_types=copy.ticket_types)),
        offline=True,
        synced_at=copy.synced_at,
    )


def door_counters(*, event_id: str) -> Counters:
    """One call while BrightStar answers (fresh, never the cache); the replica when it does not."""
    try:
        ticket_types = ticket_type_list(event_id=event_id, use_cache=False)
    except venue.UNREACHABLE:
        if (offline := counters_offline(event_id)) is None:
            raise
        return offline
    return counters_from(event_id, ticket_types)


@dataclass(frozen=True)
class DoorPage:
    event: Event
    counters: Counters

    @property
    def offline(self) -> bool:
        return self.counters.offline


def door_page(*, event_id: str) -> DoorPage:
    """What the door page shows: from BrightStar (the event cached, the counters fresh), else from the copy.

    A reload while BrightStar is down gets the event as the page last had it
    (the cache if it still holds it, else the replica's copy) and the
    counters from the replica: the door keeps scanning, in offline mode.
    """
    event = None
    try:
        event = event_get(event_id=event_id)
        ticket_types = ticket_type_list(event_id=event_id, use_cache=False)
    except venue.UNREACHABLE:
        copy = venue_selectors.door_page_copy(event_id=event_id)
        if copy is None:  # never loaded while BrightStar answered: nothing to show the door
            raise
        event = event or copy.event
        ticket_type_names_remember(event_id, copy.ticket_types)
        counters = counters_offline(event_id)
        assert counters is not None  # the copy exists
        return DoorPage(event, counters)
    venue.door_page_remember(event=event, ticket_types=ticket_types)
    # The same answer fills the names cache, so the first scans make exactly one call each.
    ticket_type_names_remember(event_id, ticket_types)
    return DoorPage(event, counters_from(event_id, ticket_types))


# How long a failed scan makes the next ones try BrightStar once instead of with retries.
SILENT_SECONDS = 10


def _silent_key(event_id: str) -> str:
    return f"door:brightstar-silent:{event_id}"


def attendee_check_in(
    *,
    event_id: str,
    barcode: str | None = None,
    attendee_id: str | None = None,
    idempotency_key: str | None = None,
    staff,
    door: str = "",
    gate: str = "",
    device: str = "",
) -> Attendee | OfflineVerdict:
    """Let one ticket in, by scanned barcode or by attendee (the door's list).

    BrightStar decides while it answers (one call). When it does not, the
    event's replica decides (venue mode) and the answer says so: an
    OfflineVerdict, never an Attendee, so nothing shows it as confirmed.

    `gate` (the door's name), `device` (the phone's id) and the staff
    member's name go to BrightStar's scan log, for the doors overview.
    """
    key = idempotency_key or new_idempotency_key()
    scan = ScanContext.of(staff, door=door, gate=gate, device=device)
    # Let in offline and not yet synced: BrightStar would wrongly call it valid.
    held = venue.waiting_admission(
        event_id=event_id, barcode=barcode, attendee_id=attendee_id, idempotency_key=key, scan=scan
    )
    if held is not None:
        return held
    # Known to be down a moment ago: one try, not the client's retries and their sleeps, so an
    # offline door keeps the queue's pace; the replica decides straight after.
    attempts = 1 if cache.get(_silent_key(event_id)) else None
    try:
        sent = audited(
            lambda: api.attendee_check_in(
                event_id=event_id,
                barcode=barcode,
                attendee_id=attendee_id,
                idempotency_key=key,
                max_attempts=attempts,
                gate=scan.gate,
                device=scan.device,
                staff=scan.staff_name,
            ),
            staff=staff,
            action="attendee.check_in",
            object_type="attendee",
            idempotency_key=key,
            # Until the API answers, a scan names a barcode, not an attendee.
            object_id=attendee_id or "",
            event_id=event_id,
            detail={**({"barcode": barcode} if barcode is not None else {}), **({"gate": gate} if gate else {})},
            from_value=lambda a: {"object_id": a.id, "order_id": a.order_id},
            # The replica follows from the answer (no second call), committed with the audit row.
            then=lambda a: venue.follow_check_in(event_id=event_id, attendee=a),
        )
    except venue.UNREACHABLE:
        cache.set(_silent_key(event_id), True, SILENT_SECONDS)
        verdict = venue.offline_check_in(
            event_id=event_id, barcode=barcode, attendee_id=attendee_id, idempotency_key=key, scan=scan
        )
        if verdict is None:  # no replica: the door never opened while BrightStar answered
            raise
        return verdict
    if attempts:
        cache.delete(_silent_key(event_id))
    # The cached event is kept: its checked-in figures may lag by up to
    # BRIGHTSTAR_CACHE_SECONDS on the event page, while the door's counters read
    # fresh; forgetting it on every scan would make the cache useless on the
    # night it matters, and cost every page a refetch.
    return sent.value


def attendee_check_in_undo(*, event_id: str, attendee_id: str, staff, door: str = "") -> Attendee | OfflineVerdict:
    """Take a check-in back (a mistaken scan); 409 NOT_CHECKED_IN if there was none.

    An offline admission BrightStar has not heard of is simply dropped from
    the outbox; a synced one, while BrightStar is unreachable, queues an undo.
    """
    if (dropped := venue.unsynced_undo(event_id=event_id, attendee_id=attendee_id, staff=staff)) is not None:
        return dropped
    key = new_idempotency_key()
    try:
        sent = audited(
            lambda: api.attendee_check_in_undo(event_id=event_id, attendee_id=attendee_id, idempotency_key=key),
            staff=staff,
            action="attendee.check_in_undo",
            object_type="attendee",
            idempotency_key=key,
            object_id=attendee_id,
            event_id=event_id,
            from_value=lambda a: {"order_id": a.order_id},
            then=lambda a: venue.follow_undo(event_id=event_id, attendee=a),
        )
    except venue.UNREACHABLE:
        verdict = venue.offline_undo(
            event_id=event_id, attendee_id=attendee_id, idempotency_key=key, scan=ScanContext.of(staff, door=door)
        )
        if verdict is None:
            raise
        return verdict
    return sent.value


def event_zone_remember(event: Event) -> None:
    """The door page's load notes the event's time zone, so a scan's answer names its times without a call."""
    cache.set(f"door:zone:{event.id}", event.timezone, NAMES_SECONDS)


def event_zone(event_id: str) -> str:
    # Unknown (the page not loaded for a while): the dashboard's zone, which the label then names.
    return cache.get(f"door:zone:{event_id}") or settings.TIME_ZONE


def _names_key(event_id: str) -> str:
    return f"door:ticket-type-names:{event_id}"


def ticket_type_names(event_id: str, *, refresh: bool = False) -> dict[str, str]:
    names = None if refresh else cache.get(_names_key(event_id))
    if names is None:
        names = ticket_type_names_remember(event_id, ticket_type_list(event_id=event_id, use_cache=not refresh))
    return names


def ticket_type_names_remember(event_id: str, ticket_types: tuple[TicketType, ...]) -> dict[str, str]:
    names = {t.id: t.name for t in ticket_types}
    cache.set(_names_key(event_id), names, NAMES_SECONDS)
    return names
