"""The door's operations: lists, scans and undos, sent through the SDK and audited.

Never cached: the door needs who is in *now*. A scan sends an
Idempotency-Key, so a retry after a dropped answer replays the first
verdict instead of reporting the ticket as already used.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache

from boxoffice.audit.services import audited
from boxoffice.brightstar import attendees as api
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.brightstar.resources import Attendee, Event, Page, TicketType
from boxoffice.events.services import ticket_type_list
from boxoffice.venue import services as venue
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
    return api.attendee_list(event_id=event_id, ticket_type=ticket_type, checked_in=checked_in, q=q,
                             limit=limit, offset=offset)


def attendee_iter(
    *,
    event_id: str,
    ticket_type: str | None = None,
    checked_in: bool | None = None,
    q: str | None = None,
    page_size: int = api.EXPORT_PAGE_SIZE,
) -> Iterator[Attendee]:
    return api.attendee_iter(event_id=event_id, ticket_type=ticket_type, checked_in=checked_in, q=q,
                             page_size=page_size)


def attendee_check_in(
    *,
    event_id: str,
    barcode: str | None = None,
    attendee_id: str | None = None,
    idempotency_key: str | None = None,
    staff,
    door: str = "",
) -> Attendee | OfflineVerdict:
    """Let one ticket in, by scanned barcode or by attendee (the door's list).

    BrightStar decides while it answers (one call). When it does not, the
    event's replica decides (venue mode) and the answer says so: an
    OfflineVerdict, never an Attendee, so nothing shows it as confirmed.
    """
    key = idempotency_key or new_idempotency_key()
    # Let in offline and not yet synced: BrightStar would wrongly call it valid.
    held = venue.waiting_admission(event_id=event_id, barcode=barcode, attendee_id=attendee_id, idempotency_key=key)
    if held is not None:
        return held
    try:
        sent = audited(
            lambda: api.attendee_check_in(event_id=event_id, barcode=barcode, attendee_id=attendee_id,
                                          idempotency_key=key),
            staff=staff, action="attendee.check_in", object_type="attendee", idempotency_key=key,
            # Until the API answers, a scan names a barcode, not an attendee.
            object_id=attendee_id or "", event_id=event_id,
            detail={"barcode": barcode} if barcode is not None else {},
            from_value=lambda a: {"object_id": a.id, "order_id": a.order_id},
        )
    except venue.UNREACHABLE:
        verdict = venue.offline_check_in(event_id=event_id, barcode=barcode, attendee_id=attendee_id,
                                         idempotency_key=key, staff=staff, door=door)
        if verdict is None:  # no replica: the door never opened while BrightStar answered
            raise
        return verdict
    venue.follow_check_in(event_id=event_id, attendee=sent.value)
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
            staff=staff, action="attendee.check_in_undo", object_type="attendee", idempotency_key=key,
            object_id=attendee_id, event_id=event_id, from_value=lambda a: {"order_id": a.order_id},
        )
    except venue.UNREACHABLE:
        verdict = venue.offline_undo(event_id=event_id, attendee_id=attendee_id, idempotency_key=key, staff=staff,
                                     door=door)
        if verdict is None:
            raise
        return verdict
    venue.follow_undo(event_id=event_id, attendee=sent.value)
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
