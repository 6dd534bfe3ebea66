from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox import errors
from sandbox.errors import ApiError, invalid
from sandbox.models import Attendee, Event, Order, Refund, TicketType
from sandbox.services.locking import changes_lock_write, lock, lock_all

DB = "sandbox"


def order_refund(
    *,
    order: Order,
    amount: int | None,
    reason: str,
    expected_amount_refunded: int | None,
    attendee_ids: Sequence[str] | None = None,
) -> Refund:
    """Refund part or all of what is left on an order, or exactly some of its tickets.

    With `attendee_ids`, those tickets are void and their price is refunded
    (or a smaller `amount`). Whenever the balance reaches zero, every ticket
    still valid is void too: a refunded order admits nobody.

    Two staff refunding one order at once queue on the order's row lock, and
    each is judged against the balance the one before it left: the total is
    never exceeded. Locks follow locking.py: order, attendees, ticket types, event.
    """
    with transaction.atomic(using=DB):
        changes_lock_write(order.event_id)  # it may void tickets: before any row lock, as locking.py asks
        order = lock(Order, order.pk, "Order")
        if expected_amount_refunded is not None and expected_amount_refunded != order.amount_refunded:
            raise ApiError(
                errors.REFUND_STALE,
                f"The order changed: {order.amount_refunded} has been refunded since, not {expected_amount_refunded}",
                field="expected_amount_refunded",
                amount_refunded=order.amount_refunded,
            )
        remaining = order.total - order.amount_refunded
        if remaining <= 0 or order.status in (Order.Status.REFUNDED, Order.Status.CANCELLED):
            raise ApiError(errors.ORDER_NOT_REFUNDABLE, "Nothing is left to refund on this order")

        valid: list[Attendee] = []
        if attendee_ids is None:
            amount = _checked_amount(amount, maximum=remaining, remaining=remaining)
        else:
            # All the order's valid tickets, in one locking statement: by id, as
            # locking.py asks, and whichever of them this refund ends up voiding.
            valid = lock_all(Attendee.objects.filter(order=order, status=Attendee.Status.VALID))
            chosen = _chosen_tickets(order, attendee_ids, {ticket.pk: ticket for ticket in valid})
            value = _tickets_value(order, chosen)
            amount = _checked_amount(amount, maximum=min(value, remaining), remaining=remaining)

        refund = Refund.objects.create(order=order, amount=amount, reason=reason)
        order.amount_refunded += amount
        if order.amount_refunded == order.total:
            order.status = Order.Status.REFUNDED
            if attendee_ids is None:
                valid = lock_all(Attendee.objects.filter(order=order, status=Attendee.Status.VALID))
            _void_tickets(valid, refund)
        else:
            if order.amount_refunded:  # voiding free tickets alone refunds nothing
                order.status = Order.Status.PARTIALLY_REFUNDED
            if attendee_ids is not None:
                _void_tickets(chosen, refund)
        order.save(update_fields=["amount_refunded", "status"])
        Event.objects.filter(pk=order.event_id).update(amount_refunded=F("amount_refunded") + amount)
    refund.order = order
    return refund


def _checked_amount(amount: int | None, *, maximum: int, remaining: int) -> int:
    """`amount`, or `maximum` when omitted; 400 on `amount` outside 1…maximum."""
    if amount is None:
        return maximum
    if not 1 <= amount <= maximum:
        raise invalid("amount", f"amount must be between 1 and {maximum}", maximum=maximum, remaining=remaining)
    return amount


def _chosen_tickets(order: Order, attendee_ids: Sequence[str], valid: dict[str, Attendee]) -> list[Attendee]:
    duplicates = sorted(pk for pk, count in Counter(attendee_ids).items() if count > 1)
    if duplicates:
        raise _bad_tickets("Each ticket may be listed once", duplicate_attendee_ids=duplicates)
    missing = [pk for pk in attendee_ids if pk not in valid]
    if missing:
        # Only on this error path: which of them are the order's, but void.
        void = set(order.attendees.filter(pk__in=missing).values_list("pk", flat=True))
        unknown = [pk for pk in missing if pk not in void]
        if unknown:
            raise _bad_tickets("These tickets are not in this order", unknown_attendee_ids=unknown)
        raise _bad_tickets("These tickets are already void", void_attendee_ids=[pk for pk in missing if pk in void])
    return [valid[pk] for pk in attendee_ids]


def _bad_tickets(message: str, **extra) -> ApiError:
    return invalid("attendee_ids", message, **extra)


def _tickets_value(order: Order, tickets: list[Attendee]) -> int:
    """What the buyer paid for `tickets`: their ticket types' unit prices on the order."""
    # An order has one item per ticket type (orders_create merges them).
    unit_price = dict(order.items.values_list("ticket_type_id", "unit_price"))
    return sum(unit_price[ticket.ticket_type_id] for ticket in tickets)


def _void_tickets(tickets: list[Attendee], refund: Refund) -> None:
    """`tickets` (locked, valid) become void and go back on sale.

    The caller locked them (attendees before ticket types, locking.py): a
    door admitting one of them held its attendee, so the refund waited for it
    and read it as checked in, and takes that admission off the counter.
    """
    if not tickets:
        return
    sold = Counter(ticket.ticket_type_id for ticket in tickets)
    checked_in = Counter(ticket.ticket_type_id for ticket in tickets if ticket.checked_in)
    for ticket_type in lock_all(TicketType.objects.filter(pk__in=sold)):
        TicketType.objects.filter(pk=ticket_type.pk).update(
            quantity_sold=F("quantity_sold") - sold[ticket_type.pk],
            checked_in_count=F("checked_in_count") - checked_in[ticket_type.pk],
        )
    # updated_at by hand: update() skips auto_now, and the venue's replica follows it.
    Attendee.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(
        status=Attendee.Status.VOID, refund=refund, updated_at=timezone.now()
    )
