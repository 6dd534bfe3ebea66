"""Orders: finding them, refunding, resending confirmations; one function per API call."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from boxoffice.brightstar import attendees, client
from boxoffice.brightstar.client import require_int
from boxoffice.brightstar.resources import Order, Page, Refund, Resend, Sent, as_api_date

ORDER_ID_PREFIX = "ord_"


def _order_filters(status: str | None, date_from: date | None, date_to: date | None, q: str | None) -> dict[str, Any]:
    return {
        "status": status,
        "date_from": as_api_date(date_from) if date_from else None,
        "date_to": as_api_date(date_to) if date_to else None,
        "q": q or None,
    }


def order_list(
    *,
    event_id: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str | None = None,
    limit: int = 20,
    offset: int = 0,
    expand_event: bool = False,
) -> Page[Order]:
    """One event's orders, or (without `event_id`) the whole account's; newest first.

    `expand_event`: each row embeds its event (title, date, zone) in the same call.
    """
    path = f"events/{event_id}/orders" if event_id else "orders"
    filters = {"expand": "event" if expand_event else None, **_order_filters(status, date_from, date_to, q)}
    return client.page(path, Order, filters, limit=limit, offset=offset)


def order_iter(
    *,
    event_id: str,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str | None = None,
    page_size: int = attendees.EXPORT_PAGE_SIZE,
) -> Iterator[Order]:
    """Every matching order of one event, page after page, so no caller juggles `offset`.

    Pages are fetched lazily, with the patience of an export (attendees'
    EXPORT_* settings, read at call time). The list is newest first: an
    order placed mid-export shifts the rows down by one, so a row at a page
    boundary may come twice; none is ever skipped.
    """
    for page in client.pages(
        f"events/{event_id}/orders",
        Order,
        _order_filters(status, date_from, date_to, q),
        page_size=page_size,
        max_attempts=attendees.EXPORT_MAX_ATTEMPTS,
        retry_after_cap=attendees.EXPORT_RETRY_AFTER_CAP,
    ):
        yield from page.items


EXPANDABLE = ("event", "ticket_types")


def order_get(*, order_id: str, expand: Sequence[str] = ()) -> Order:
    """One order with its attendees and refunds embedded, and what `expand` asks for (see EXPANDABLE)."""
    params = {"expand": ",".join(expand)} if expand else None
    return Order.from_json(client.get(f"orders/{order_id}", params=params).data)


def order_refund(
    *,
    order_id: str,
    amount: int | None = None,
    reason: str,
    idempotency_key: str,
    expected_amount_refunded: int | None = None,
    attendee_ids: Sequence[str] = (),
) -> Sent[Refund]:
    """Refund `amount` cents (None: whatever is left, or what `attendee_ids` cost).

    With `attendee_ids` the API voids exactly those tickets and refunds their
    price, or the smaller `amount` given.

    `idempotency_key` is required, not generated: it is issued with the
    refund form, so a double click or a browser retry reuses it and the
    API refunds once.
    """
    if not idempotency_key:
        raise ValueError("a refund needs the Idempotency-Key issued with its form")
    require_int("amount", amount)
    require_int("expected_amount_refunded", expected_amount_refunded)
    body: dict[str, Any] = {"reason": reason}
    if amount is not None:
        body["amount"] = amount
    if expected_amount_refunded is not None:
        body["expected_amount_refunded"] = expected_amount_refunded
    if attendee_ids:
        body["attendee_ids"] = list(attendee_ids)
    return client.send(
        "POST", f"orders/{order_id}/refund", Refund.from_json, json=body, idempotency_key=idempotency_key
    )


def order_resend(*, order_id: str, idempotency_key: str) -> Sent[Resend]:
    """Email the confirmation again (the API allows 5 per order per hour, then 429)."""
    return client.send("POST", f"orders/{order_id}/resend", Resend.from_json, idempotency_key=idempotency_key)
