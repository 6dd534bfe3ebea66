"""Events and their ticket types.

Both are read on nearly every page and change rarely, so single objects are
cached for a few seconds and forgotten by every mutation that moves them.
Lists are not cached: their filters and pages multiply the keys.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.cache import cache

from boxoffice.brightstar import client
from boxoffice.brightstar._mutation import cache_forget_event, cache_key, cache_seconds, mutate, require_int
from boxoffice.brightstar.resources import Event, Page, TicketType, as_api_date

MAX_LIMIT = 100


def _event_body(**fields: Any) -> dict[str, Any]:
    # The API rejects unknown and ill-typed fields, so send only what was given.
    body = {}
    for name, value in fields.items():
        if value is None:
            continue
        body[name] = as_api_date(value) if isinstance(value, datetime) else value
    return body


def event_list(*, status: str | None = None, sort: str | None = None, limit: int = 20, offset: int = 0) -> Page[Event]:
    response = client.get("events", params={"status": status, "sort": sort, "limit": limit, "offset": offset})
    return Page.from_response(response, Event, limit=limit, offset=offset)


def event_get(*, event_id: str, use_cache: bool = True) -> Event:
    key = cache_key("event", event_id)
    if use_cache and (cached := cache.get(key)) is not None:
        return cached
    event = Event.from_json(client.get(f"events/{event_id}").data)
    cache.set(key, event, cache_seconds())
    return event


def event_create(
    *,
    title: str,
    start_date: datetime,
    end_date: datetime | None = None,
    description: str | None = None,
    venue: str | None = None,
    currency: str | None = None,
    status: str | None = None,
    idempotency_key: str | None = None,
    staff,
) -> Event:
    body = _event_body(title=title, start_date=start_date, end_date=end_date, description=description,
                       venue=venue, currency=currency, status=status)
    response = mutate(
        staff=staff, action="event.create", object_type="event", method="POST", path="events", body=body,
        idempotency_key=idempotency_key, audit_from=lambda d: {"object_id": d["id"], "event_id": d["id"]},
    )
    return Event.from_json(response.data)


def event_update(
    *,
    event_id: str,
    title: str | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    description: str | None = None,
    venue: str | None = None,
    currency: str | None = None,
    status: str | None = None,
    staff,
) -> Event:
    """Change only the fields given (None means "leave as is")."""
    body = _event_body(title=title, start_date=start_date, end_date=end_date, description=description,
                       venue=venue, currency=currency, status=status)
    try:
        response = mutate(
            staff=staff, action="event.update", object_type="event", object_id=event_id,
            method="PATCH", path=f"events/{event_id}", body=body, audit={"event_id": event_id},
        )
    finally:
        # Even a failed or unknown update may have changed it: forget either way.
        cache_forget_event(event_id)
    return Event.from_json(response.data)


def event_delete(*, event_id: str, staff) -> None:
    """Delete a draft (the API answers 409 EVENT_NOT_DRAFT otherwise)."""
    try:
        mutate(
            staff=staff, action="event.delete", object_type="event", object_id=event_id,
            method="DELETE", path=f"events/{event_id}", audit={"event_id": event_id},
        )
    finally:
        cache_forget_event(event_id)


def ticket_type_list(*, event_id: str, use_cache: bool = True) -> tuple[TicketType, ...]:
    """All of an event's ticket types (a handful; paged through in case of many)."""
    key = cache_key("ticket_types", event_id)
    if use_cache and (cached := cache.get(key)) is not None:
        return cached
    items: list[TicketType] = []
    offset = 0
    while True:
        response = client.get(f"events/{event_id}/tickets", params={"limit": MAX_LIMIT, "offset": offset})
        page = Page.from_response(response, TicketType, limit=MAX_LIMIT, offset=offset)
        items.extend(page.items)
        if not page.items or not page.has_next:
            break
        offset += len(page.items)
    result = tuple(items)
    cache.set(key, result, cache_seconds())
    return result


def ticket_type_create(
    *, event_id: str, name: str, price: int, quantity: int, idempotency_key: str | None = None, staff
) -> TicketType:
    require_int("price", price)
    require_int("quantity", quantity)
    try:
        response = mutate(
            staff=staff, action="ticket_type.create", object_type="ticket_type",
            method="POST", path=f"events/{event_id}/tickets",
            body={"name": name, "price": price, "quantity": quantity}, idempotency_key=idempotency_key,
            audit={"event_id": event_id, "amount": price}, audit_from=lambda d: {"object_id": d["id"]},
        )
    finally:
        cache_forget_event(event_id)  # the event's capacity moved too
    return TicketType.from_json(response.data)


def ticket_type_update(
    *,
    ticket_type_id: str,
    name: str | None = None,
    price: int | None = None,
    quantity: int | None = None,
    staff,
) -> TicketType:
    require_int("price", price)
    require_int("quantity", quantity)
    body = {k: v for k, v in {"name": name, "price": price, "quantity": quantity}.items() if v is not None}
    response = mutate(
        staff=staff, action="ticket_type.update", object_type="ticket_type", object_id=ticket_type_id,
        method="PATCH", path=f"tickets/{ticket_type_id}", body=body, audit={"amount": price},
        audit_from=lambda d: {"event_id": d.get("event_id", "")},
    )
    # Only a success names the event; after a failure the cache expires on its own.
    ticket_type = TicketType.from_json(response.data)
    cache_forget_event(ticket_type.event_id)
    return ticket_type
