"""Orders: finding them at the desk, refunding, resending confirmations.

Nothing here is cached: a refund decision must be made on the order as it
is now, and `expected_amount_refunded` lets the API refuse one made on a
stale page (409 REFUND_STALE).
"""

from __future__ import annotations

from datetime import date

from boxoffice.brightstar import client
from boxoffice.brightstar._mutation import cache_forget_event, mutate, require_int
from boxoffice.brightstar.errors import NotFound
from boxoffice.brightstar.resources import Order, Page, Refund, Resend, as_api_date

ORDER_ID_PREFIX = "ord_"


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
    """One event's orders, or (without `event_id`) the whole account's; newest first."""
    path = f"events/{event_id}/orders" if event_id else "orders"
    params = {
        "status": status,
        "date_from": as_api_date(date_from) if date_from else None,
        "date_to": as_api_date(date_to) if date_to else None,
        "q": q or None,
        "limit": limit,
        "offset": offset,
    }
    return Page.from_response(client.get(path, params=params), Order, limit=limit, offset=offset)


def order_get(*, order_id: str) -> Order:
    """One order with its attendees and refunds embedded."""
    return Order.from_json(client.get(f"orders/{order_id}").data)


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
            order = order_get(order_id=query)
        except NotFound:
            pass
        else:
            return Page(items=(order,), total=1, limit=limit, offset=0)
    return order_list(q=query, limit=limit)


def order_refund(
    *,
    order_id: str,
    amount: int | None = None,
    reason: str,
    idempotency_key: str,
    expected_amount_refunded: int | None = None,
    staff,
) -> Refund:
    """Refund `amount` cents (None: whatever is left).

    `idempotency_key` is required, not generated: it is issued with the
    refund form, so a double click or a browser retry reuses it and the
    API refunds once.
    """
    if not idempotency_key:
        raise ValueError("a refund needs the Idempotency-Key issued with its form")
    require_int("amount", amount)
    require_int("expected_amount_refunded", expected_amount_refunded)
    body: dict = {"reason": reason}
    if amount is not None:
        body["amount"] = amount
    if expected_amount_refunded is not None:
        body["expected_amount_refunded"] = expected_amount_refunded

    def from_answer(data):
        order = data.get("order") or {}
        return {"amount": data.get("amount"), "currency": order.get("currency", ""),
                "event_id": order.get("event_id", ""), "object_id": data.get("id", "")}

    response = mutate(
        staff=staff, action="order.refund", object_type="refund", method="POST",
        path=f"orders/{order_id}/refund", body=body, idempotency_key=idempotency_key,
        audit={"order_id": order_id, "amount": amount}, audit_from=from_answer,
    )
    refund = Refund.from_json(response.data)
    if refund.order is not None:
        # Gross, refunded and (after a full refund) sold figures all moved.
        cache_forget_event(refund.order.event_id)
    return refund


def order_resend(*, order_id: str, idempotency_key: str | None = None, staff) -> Resend:
    """Email the confirmation again (the API allows 5 per order per hour, then 429)."""
    response = mutate(
        staff=staff, action="order.resend", object_type="order", object_id=order_id, method="POST",
        path=f"orders/{order_id}/resend", idempotency_key=idempotency_key, audit={"order_id": order_id},
    )
    return Resend.from_json(response.data)
