from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Query, Router, Status

from sandbox import selectors
from sandbox.api.common import CONFLICT, ERRORS, page, scope
from sandbox.api.schemas import OrderDetailOut, OrderExpand, OrderFilters, OrderOut, RefundIn, RefundOut, ResendOut
from sandbox.models import Attendee, Order, OrderItem, Refund
from sandbox.services import refunds, resends


def _detail(request, order_id: str, expand: frozenset[str] = frozenset()) -> Order:
    order = selectors.order_get(**scope(request), order_id=order_id)
    # Four small queries for the whole page, whatever the order's size; the
    # refunds' voided tickets come as ids alone. Expanding costs none more:
    # the event joins the order's row, the ticket types its items'.
    voided = Prefetch("attendees", queryset=Attendee.objects.only("id", "refund_id"))
    items = OrderItem.objects.select_related("ticket_type") if "ticket_types" in expand else OrderItem.objects.all()
    qs = Order.objects.filter(pk=order.pk).prefetch_related(
        Prefetch("items", queryset=items),
        Prefetch("refunds", queryset=Refund.objects.prefetch_related(voided)),
        Prefetch("attendees", queryset=Attendee.objects.order_by("name", "id")),
    )
    order = (qs.select_related("event") if "event" in expand else qs).get()
    if "event" in expand:
        order.expanded_event = order.event
    if "ticket_types" in expand:
        order.expanded_ticket_types = [item.ticket_type for item in order.items.all()]
    return order


def _list(request, response, filters: OrderFilters, event=None) -> list:
    qs = selectors.order_list(
        **scope(request),
        event=event,
        status=filters.status,
        date_from=filters.date_from,
        date_to=filters.date_to,
        q=filters.q,
    ).prefetch_related("items")
    if filters.expand == "event":
        # Joined to each row, so a page of 100 orders across 100 events costs no query more.
        qs = qs.select_related("event")
    rows = page(response, qs, limit=filters.limit, offset=filters.offset)
    if filters.expand == "event":
        for order in rows:
            order.expanded_event = order.event
    return rows


def build_router() -> Router:
    router = Router(tags=["orders"])

    @router.get("/orders", response={200: list[OrderOut], **ERRORS}, summary="Search orders across all events")
    def order_search(request, response: HttpResponse, filters: Query[OrderFilters]):
        return _list(request, response, filters)

    @router.get("/events/{event_id}/orders", response={200: list[OrderOut], **ERRORS}, summary="List an event's orders")
    def order_list(request, response: HttpResponse, event_id: str, filters: Query[OrderFilters]):
        event = selectors.event_get(**scope(request), event_id=event_id)
        return _list(request, response, filters, event=event)

    @router.get("/orders/{order_id}", response={200: OrderDetailOut, **ERRORS}, summary="Get an order")
    def order_get(request, order_id: str, params: Query[OrderExpand]):
        return _detail(request, order_id, frozenset(params.fields))

    @router.post(
        "/orders/{order_id}/refund", response={201: RefundOut, **ERRORS, **CONFLICT}, summary="Refund an order"
    )
    def order_refund(request, order_id: str, payload: RefundIn):
        order = selectors.order_get(**scope(request), order_id=order_id)
        refund = refunds.order_refund(
            order=order,
            amount=payload.amount,
            reason=payload.reason,
            expected_amount_refunded=payload.expected_amount_refunded,
            attendee_ids=payload.attendee_ids,
        )
        refund.order = _detail(request, order_id)
        return Status(201, refund)

    @router.post("/orders/{order_id}/resend", response={200: ResendOut, **ERRORS}, summary="Resend the confirmation")
    def order_resend(request, order_id: str):
        send = resends.order_resend(order=selectors.order_get(**scope(request), order_id=order_id))
        return {"order_id": send.order_id, "email": send.email, "sent_at": send.sent_at}

    return router
