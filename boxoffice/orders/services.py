"""The desk's operations on orders: find, refund, resend; sent through the SDK and audited.

Nothing here is cached: a refund decision must be made on the order as it
is now, and `expected_amount_refunded` lets the API refuse one made on a
stale page (409 REFUND_STALE).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from boxoffice.audit.services import audited
from boxoffice.brightstar import orders as api
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.brightstar.errors import NotFound
from boxoffice.brightstar.orders import ORDER_ID_PREFIX
from boxoffice.brightstar.resources import EventRef, Order, Page, Refund, Resend, Sent
from boxoffice.events.services import event_cache_forget


def order_list(
    *,
    event_id: str | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Page[Order]:
    return api.order_list(
        event_id=event_id, status=status, date_from=date_from, date_to=date_to, q=q, limit=limit, offset=offset
    )


def order_iter(
    *,
    event_id: str,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str | None = None,
) -> Iterator[Order]:
    """Every matching order of the event, fetched a page at a time as the caller reads (exports)."""
    return api.order_iter(event_id=event_id, status=status, date_from=date_from, date_to=date_to, q=q)


@dataclass(frozen=True)
class OrderPage:
    """An order with the names staff need to read it out: its event, and its ticket types by id."""

    order: Order
    event: EventRef | None
    ticket_type_names: dict[str, str]


def order_page_get(*, order_id: str) -> OrderPage:
    """The order with its event and ticket-type names, in one call (`expand`)."""
    order = api.order_get(order_id=order_id, expand=api.EXPANDABLE)
    return OrderPage(order=order, event=order.event, ticket_type_names=order.ticket_type_names or {})


def order_lookup(*, query: str, limit: int = 20) -> Page[Order]:
    """The desk's search box: an order id goes straight to it, anything else is searched.

    An `ord_…` the direct lookup misses falls back to the search, which
    matches ids case-insensitively (an id read out over the phone and typed
    in capitals).
    """
    query = query.strip()
    if not query:
        return Page(items=(), total=0, limit=limit, offset=0)
    if query.lower().startswith(ORDER_ID_PREFIX):
        try:
            order = api.order_get(order_id=query, expand=("event",))
        except NotFound:
            pass
        else:
            return Page(items=(order,), total=1, limit=limit, offset=0)
    # The desk reads "your order for The Seagull on Friday": each row names its event, same call.
    return api.order_list(q=query, limit=limit, expand_event=True)


def order_refund(
    *,
    order_id: str,
    amount: int | None = None,
    reason: str,
    idempotency_key: str,
    expected_amount_refunded: int | None = None,
    attendee_ids: Sequence[str] = (),
    staff,
) -> Sent[Refund]:
    """Refund `amount` cents (None: whatever is left, or what the tickets cost), voiding `attendee_ids`.

    The answer says whether it was a replay.
    """

    def from_refund(refund: Refund) -> dict:
        order = refund.order
        return {
            "amount": refund.amount,
            "object_id": refund.id,
            "currency": order.currency if order else "",
            "event_id": order.event_id if order else "",
        }

    sent = audited(
        lambda: api.order_refund(
            order_id=order_id,
            amount=amount,
            reason=reason,
            idempotency_key=idempotency_key,
            expected_amount_refunded=expected_amount_refunded,
            attendee_ids=attendee_ids,
        ),
        staff=staff,
        action="order.refund",
        object_type="refund",
        idempotency_key=idempotency_key,
        order_id=order_id,
        amount=amount,
        from_value=from_refund,
        detail={"attendee_ids": list(attendee_ids)} if attendee_ids else None,
    )
    if sent.value.order is not None:
        # Gross, refunded and (after a full refund) sold figures all moved.
        event_cache_forget(sent.value.order.event_id)
    return sent


def order_resend(*, order_id: str, idempotency_key: str | None = None, staff) -> Sent[Resend]:
    """Email the confirmation again (the API allows 5 per order per hour, then 429)."""
    key = idempotency_key or new_idempotency_key()
    return audited(
        lambda: api.order_resend(order_id=order_id, idempotency_key=key),
        staff=staff,
        action="order.resend",
        object_type="order",
        idempotency_key=key,
        object_id=order_id,
        order_id=order_id,
    )
