"""Events and their ticket types: one function per API call."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boxoffice.brightstar import client
from boxoffice.brightstar.client import require_int
from boxoffice.brightstar.resources import Event, Page, Sent, TicketType, as_api_date

MAX_LIMIT = 100


def _event_body(**fields: Any) -> dict[str, Any]:
    # The API rejects unknown and ill-typed fields, so send only what was given.
    body = {}
    for name, value in fields.items():
        if value is None:
            continue
        body[name] = as_api_date(value) if isinstance(value, datetime) else value
    return body


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
    params = {
        "status": status,
        "sort": sort,
        "ends_after": as_api_date(ends_after) if ends_after else None,
        "ends_before": as_api_date(ends_before) if ends_before else None,
        "limit": limit,
        "offset": offset,
    }
    return Page.from_response(client.get("events", params=params), Event, limit=limit, offset=offset)


def event_get(*, event_id: str) -> Event:
    return Event.from_json(client.get(f"events/{event_id}").data)


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
    idempotency_key: str,
) -> Sent[Event]:
    body = _event_body(
        title=title,
        start_date=start_date,
        end_date=end_date,
        description=description,
        venue=venue,
        currency=currency,
        timezone=timezone,
        status=status,
    )
    return client.send("POST", "events", Event.from_json, json=body, idempotency_key=idempotency_key)


def event_update(
    *,
    event_id: str,
    title: str | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    description: str | None = None,
    venue: str | None = None,
    currency: str | None = None,
    timezone: str | None = None,
    status: str | None = None,
    idempotency_key: str | None = None,
) -> Sent[Event]:
    """Change only the fields given (None means "leave as is")."""
    body = _event_body(
        title=title,
        start_date=start_date,
        end_date=end_date,
        description=description,
        venue=venue,
        currency=currency,
        timezone=timezone,
        status=status,
    )
    return client.send("PATCH", f"events/{event_id}", Event.from_json, json=body, idempotency_key=idempotency_key)


def event_delete(*, event_id: str, idempotency_key: str | None = None) -> Sent[None]:
    """Delete a draft (the API answers 409 EVENT_NOT_DRAFT otherwise)."""
    return client.send("DELETE", f"events/{event_id}", lambda _: None, idempotency_key=idempotency_key)


def ticket_type_list(*, event_id: str) -> tuple[TicketType, ...]:
    """All of an event's ticket types (a handful; paged through in case of many)."""
    items: list[TicketType] = []
    offset = 0
    while True:
        response = client.get(f"events/{event_id}/tickets", params={"limit": MAX_LIMIT, "offset": offset})
        page = Page.from_response(response, TicketType, limit=MAX_LIMIT, offset=offset)
        items.extend(page.items)
        if not page.items or not page.has_next:
            return tuple(items)
        offset += len(page.items)


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
