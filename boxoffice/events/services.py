"""What organizers do to events and ticket types: sent through the SDK, audited, cached.

Events and ticket types are read on nearly every page and change rarely, so
single objects are cached for a few seconds and forgotten by every change
that moves them. Lists are not cached: their filters and pages multiply the keys.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

from boxoffice.audit.services import audited
from boxoffice.brightstar import events as api
from boxoffice.brightstar import scans
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.brightstar.resources import Event, EventStats, Page, TicketType

# Event and ticket-type figures move with every sale elsewhere: keep it short.
DEFAULT_CACHE_SECONDS = 30


def _cache_key(*parts: str) -> str:
    """A key scoped to the API URL and key in use, without the key itself in it."""
    scope = hashlib.sha256(f"{settings.BRIGHTSTAR_API_URL}\0{settings.BRIGHTSTAR_API_KEY}".encode()).hexdigest()[:16]
    return ":".join(("brightstar", scope, *parts))


def _cache_seconds() -> int:
    return getattr(settings, "BRIGHTSTAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)


def event_cache_forget(event_id: str) -> None:
    """The event row and its ticket types: their figures moved or their fields changed."""
    if event_id:
        cache.delete_many([_cache_key("event", event_id), _cache_key("ticket_types", event_id)])


def event_list(
    *,
    status: str | None = None,
    sort: str | None = None,
    ends_after: datetime | None = None,
    ends_before: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Page[Event]:
    return api.event_list(
        status=status, sort=sort, ends_after=ends_after, ends_before=ends_before, limit=limit, offset=offset
    )


def event_get(*, event_id: str, use_cache: bool = True) -> Event:
    key = _cache_key("event", event_id)
    if use_cache and (cached := cache.get(key)) is not None:
        return cached
    event = api.event_get(event_id=event_id)
    cache.set(key, event, _cache_seconds())
    return event


def event_create(
    *,
    title: str,
    start_date: datetime,
    end_date: datetime | None = None,
    description: str | None = None,
    venue: str | None = None,
    currency: str | None = None,
    timezone: str | None = None,
    status: str | None = None,
    idempotency_key: str | None = None,
    staff,
) -> Event:
    key = idempotency_key or new_idempotency_key()
    sent = audited(
        lambda: api.event_create(
            title=title,
            start_date=start_date,
            end_date=end_date,
            description=description,
            venue=venue,
            currency=currency,
            timezone=timezone,
            status=status,
            idempotency_key=key,
        ),
        staff=staff,
        action="event.create",
        object_type="event",
        idempotency_key=key,
        from_value=lambda event: {"object_id": event.id, "event_id": event.id},
    )
    return sent.value


def event_update(*, event_id: str, staff, **changes) -> Event:
    """Change only the fields given (see `brightstar.events.event_update`)."""
    key = new_idempotency_key()
    try:
        sent = audited(
            lambda: api.event_update(event_id=event_id, idempotency_key=key, **changes),
            staff=staff,
            action="event.update",
            object_type="event",
            idempotency_key=key,
            object_id=event_id,
            event_id=event_id,
        )
    finally:
        # Even a failed or unknown update may have changed it: forget either way.
        event_cache_forget(event_id)
    return sent.value


def event_delete(*, event_id: str, staff) -> None:
    key = new_idempotency_key()
    try:
        audited(
            lambda: api.event_delete(event_id=event_id, idempotency_key=key),
            staff=staff,
            action="event.delete",
            object_type="event",
            idempotency_key=key,
            object_id=event_id,
            event_id=event_id,
        )
    finally:
        event_cache_forget(event_id)


def event_stats(*, event_id: str, hours: int) -> EventStats:
    """The event's figures for its charts: not cached, they move with every sale and scan."""
    return scans.event_stats(event_id=event_id, hours=hours)


def ticket_type_list(*, event_id: str, use_cache: bool = True) -> tuple[TicketType, ...]:
    key = _cache_key("ticket_types", event_id)
    if use_cache and (cached := cache.get(key)) is not None:
        return cached
    result = api.ticket_type_list(event_id=event_id)
    cache.set(key, result, _cache_seconds())
    return result


def ticket_type_create(
    *, event_id: str, name: str, price: int, quantity: int, idempotency_key: str | None = None, staff
) -> TicketType:
    key = idempotency_key or new_idempotency_key()
    try:
        sent = audited(
            lambda: api.ticket_type_create(
                event_id=event_id, name=name, price=price, quantity=quantity, idempotency_key=key
            ),
            staff=staff,
            action="ticket_type.create",
            object_type="ticket_type",
            idempotency_key=key,
            event_id=event_id,
            amount=price,
            from_value=lambda tt: {"object_id": tt.id},
        )
    finally:
        event_cache_forget(event_id)  # the event's capacity moved too
    return sent.value


def ticket_type_update(
    *, ticket_type_id: str, name: str | None = None, price: int | None = None, quantity: int | None = None, staff
) -> TicketType:
    key = new_idempotency_key()
    sent = audited(
        lambda: api.ticket_type_update(
            ticket_type_id=ticket_type_id, name=name, price=price, quantity=quantity, idempotency_key=key
        ),
        staff=staff,
        action="ticket_type.update",
        object_type="ticket_type",
        idempotency_key=key,
        object_id=ticket_type_id,
        amount=price,
        from_value=lambda tt: {"event_id": tt.event_id},
    )
    # Only a success names the event; after a failure the cache expires on its own.
    event_cache_forget(sent.value.event_id)
    return sent.value
