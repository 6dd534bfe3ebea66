from collections import Counter

from django.db import transaction
from django.db.models import F

from sandbox import errors
from sandbox.errors import ApiError, invalid
from sandbox.models import Attendee, Event, Order, Refund, TicketType
from sandbox.services.locking import lock, lock_all

DB = "sandbox"


def order_refund(*, order: Order, amount: int | None, reason: str, expected_amount_refunded: int | None) -> Refund:
    """Refund part or all of what is left on an order.

    Two staff refunding one order at once queue on the order's row lock, and
    each is judged against the balance the one before it left: the total is
    never exceeded.
    """
    with transaction.atomic(using=DB):
        order = lock(Order, order.pk, "Order")
        if expected_amount_refunded is not None and expected_amount_refunded != order.amount_refunded:
            raise ApiError(
                errors.REFUND_STALE,
                f"The order changed: {order.amount_refunded} has been refunded since, "
                f"not {expected_amount_refunded}",
                field="expected_amount_refunded",
                amount_refunded=order.amount_refunded,
            )
        remaining = order.total - order.amount_refunded
        if remaining <= 0 or order.status in (Order.Status.REFUNDED, Order.Status.CANCELLED):
            raise ApiError(errors.ORDER_NOT_REFUNDABLE, "Nothing is left to refund on this order")
        amount = remaining if amount is None else amount
        if not 1 <= amount <= remaining:
            raise invalid("amount", f"amount must be between 1 and {remaining}, the amount still refundable")

        refund = Refund.objects.create(order=order, amount=amount, reason=reason)
        order.amount_refunded += amount
        if order.amount_refunded == order.total:
            order.status = Order.Status.REFUNDED
            _void_tickets(order)
        else:
            order.status = Order.Status.PARTIALLY_REFUNDED
        order.save(update_fields=["amount_refunded", "status"])
        Event.objects.filter(pk=order.event_id).update(amount_refunded=F("amount_refunded") + amount)
    refund.order = order
    return refund


def _void_tickets(order: Order) -> None:
    """A fully refunded order's tickets are void and go back on sale.

    Attendees, then ticket types, each by id (locking.py): a door admitting
    one of these tickets holds its attendee, so the refund waits for it and
    then reads it as checked in, taking its admission off the counter.
    """
    tickets = lock_all(Attendee.objects.filter(order=order, status=Attendee.Status.VALID))
    sold = Counter(ticket.ticket_type_id for ticket in tickets)
    checked_in = Counter(ticket.ticket_type_id for ticket in tickets if ticket.checked_in)
    for ticket_type in lock_all(TicketType.objects.filter(pk__in=sold)):
        TicketType.objects.filter(pk=ticket_type.pk).update(
            quantity_sold=F("quantity_sold") - sold[ticket_type.pk],
            checked_in_count=F("checked_in_count") - checked_in[ticket_type.pk],
        )
    Attendee.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(status=Attendee.Status.VOID)
