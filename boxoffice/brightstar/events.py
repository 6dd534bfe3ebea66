"""Events and their ticket types: one function per API call."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypedDict, Unpack

from boxoffice.brightstar import client
from boxoffice.brightstar.client import require_int
from boxoffice.brightstar.resources import Event, Page, Sent, TicketType, as_api_date

MAX_LIMIT = 100


class EventFields(TypedDict, total=False):
    """What an event may be given besides its title and start; None (or absent) is not sent."""

    end_date: datetime | None
    description: str | None
    venue: str | None
    currency: str | None
    timezone: str | None
    status: str | None


class EventChanges(EventFields, total=False):
    title: str | None
    start_date: datetime | None


def _event_send(method: str, path: str, fields: Mapping[str, Any], idempotency_key: str | None) -> Sent[Event]:
    # The API rejects unknown and ill-typed fields, so send only what was given.
    body = {name: as_api_date(v) if isinstance(v, datetime) else v for name, v in fields.items() if v is not None}
    return client.send(method, path, Event.from_json, json=body, idempotency_key=idempotency_key)


def event_list(
    *,
    status: str | None = None,
    sort: str | None = None,
    ends_after: datetime | None = None,
    ends_before: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Page[Event]:
    """A page of events; `ends_after` (inclusive) / `ends_before` (exclusive) bound when each ends.

    An event ends at its end_date, or at its start_date if it has none.
    """
    filters = {
        "status": status,
        "sort": sort,
        "ends_after": as_api_date(ends_after) if ends_after else None,
        "ends_before": as_api_date(ends_before) if ends_before else None,
    }
    return client.page("events", Event, filters, limit=limit, offset=offset)


def event_get(*, event_id: str) -> Event:
    return Event.from_json(client.get(f"events/{event_id}").data)


def event_create(
    *, title: str, start_date: datetime, idempotency_key: str, **fields: Unpack[EventFields]
) -> Sent[Event]:
    return _event_send("POST", "events", {"title": title, "start_date": start_date, **fields}, idempotency_key)


def event_update(*, event_id: str, idempotency_key: str | None = None, **changes: Unpack[EventChanges]) -> Sent[Event]:
    """Change only the fields given (None means "leave as is")."""
    return _event_send("PATCH", f"events/{event_id}", changes, idempotency_key)


def event_delete(*, event_id: str, idempotency_key: str | None = None) -> Sent[None]:
    """Delete a draft (the API answers 409 EVENT_NOT_DRAFT otherwise)."""
    return client.send("DELETE", f"events/{event_id}", lambda _: None, idempotency_key=idempotency_key)


def ticket_type_list(*, event_id: str) -> tuple[TicketType, ...]:
    """All of an event's ticket types (a handful; paged through in case of many)."""
    pages = client.pages(f"events/{event_id}/tickets", TicketType, {}, page_size=MAX_LIMIT)
    return tuple(ticket_type for page in pages for ticket_type in page)


def ticket_type_create(
    *, event_id: str, name: str, price: int, quantity: int, idempotency_key: str
) -> Sent[TicketType]:
    require_int("price", price)
    require_int("quantity", quantity)
    body = {"name": name, "price": price, "quantity": quantity}
    return client.send(
        "POST", f"events/{event_id}/tickets", TicketType.from_json, json=body, idempotency_key=idempotency_key
    )


def ticket_type_update(
    *,
    ticket_type_id: str,
    name: str | None = None,
    price: int | None = None,
    quantity: int | None = None,
    idempotency_key: str | None = None,
) -> Sent[TicketType]:
    require_int("price", price)
    require_int("quantity", quantity)
    body = {k: v for k, v in {"name": name, "price": price, "quantity": quantity}.items() if v is not None}
    return client.send(
        "PATCH", f"tickets/{ticket_type_id}", TicketType.from_json, json=body, idempotency_key=idempotency_key
    )
