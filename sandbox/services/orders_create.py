"""Selling tickets: one completed order with one attendee per ticket.

The public API has no endpoint that sells (the seed leaves buying to the
storefront), so this serves the tests and anything that needs an order made
one at a time; `seed.py` builds thousands at once with the same rules.
"""

import random
import secrets
from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox.errors import invalid
from sandbox.models import Attendee, Event, Order, OrderItem, TicketType, new_id
from sandbox.services.locking import changes_lock_write

# No 0/O or 1/I: a barcode is sometimes read out loud or typed at the door.
BARCODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
BARCODE_LENGTH = 12


def barcode_new(rng: random.Random | None = None) -> str:
    """A barcode: from `rng` when the caller needs determinism, else unguessable.

    32**12 ≈ 1.2e18 values: random collisions are negligible, and the unique
    index on Attendee.barcode turns the rare one into an error, not a mix-up.
    """
    if rng is None:
        return "".join(secrets.choice(BARCODE_ALPHABET) for _ in range(BARCODE_LENGTH))
    return "".join(rng.choices(BARCODE_ALPHABET, k=BARCODE_LENGTH))


def order_create(
    *,
    event: Event,
    buyer_name: str,
    buyer_email: str,
    items: Sequence[tuple[TicketType, int]],
    created_at: datetime | None = None,
    attendee_names: Sequence[str] | None = None,
) -> Order:
    """Sell `items` (ticket type, quantity) to one buyer, at today's prices.

    Every attendee is named after the buyer unless `attendee_names` gives one
    name per ticket. Raises ApiError (VALIDATION_ERROR) for an empty order, a
    ticket type of another event, or more tickets than are left.
    """
    wanted: dict[str, int] = {}
    for ticket_type, quantity in items:
        if quantity < 1:
            raise invalid("items", "quantity must be at least 1")
        if ticket_type.event_id != event.pk:
            message = f"ticket type {ticket_type.pk} belongs to another event"
            raise invalid("items", message, ticket_type_id=ticket_type.pk)
        wanted[ticket_type.pk] = wanted.get(ticket_type.pk, 0) + quantity
    if not wanted:
        raise invalid("items", "an order needs at least one ticket")
    count = sum(wanted.values())
    if attendee_names is not None and len(attendee_names) != count:
        raise invalid("attendee_names", f"expected {count} names, one per ticket", expected=count)
    created_at = created_at or timezone.now()

    with transaction.atomic(using="sandbox"):
        changes_lock_write(event.pk)  # its attendees' stamps: see changes.py
        # Locked in a fixed order so that two sales of overlapping ticket types
        # queue rather than deadlock, and each sees the stock the other left.
        locked = {tt.pk: tt for tt in TicketType.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}
        for pk, quantity in wanted.items():
            if locked[pk].quantity_sold + quantity > locked[pk].quantity:
                available = locked[pk].quantity - locked[pk].quantity_sold
                raise invalid("items", f"only {available} left of {pk}", ticket_type_id=pk, available=available)

        lines = [(locked[pk], quantity) for pk, quantity in wanted.items()]
        total = sum(tt.price * quantity for tt, quantity in lines)
        order = Order.objects.create(
            id=new_id("ord"),
            event=event,
            account_id=event.account_id,
            livemode=event.livemode,
            buyer_name=buyer_name,
            buyer_email=buyer_email,
            currency=event.currency,
            total=total,
            created_at=created_at,
        )
        OrderItem.objects.bulk_create(
            OrderItem(order=order, ticket_type=tt, quantity=quantity, unit_price=tt.price) for tt, quantity in lines
        )
        names = iter(attendee_names or [buyer_name] * count)
        Attendee.objects.bulk_create(
            Attendee(
                id=new_id("att"),
                event=event,
                order=order,
                ticket_type=tt,
                name=next(names),
                email=buyer_email,
                barcode=barcode_new(),
            )
            for tt, quantity in lines
            for _ in range(quantity)
        )
        # F() rather than the values read above: the counters stay exact even
        # if some other writer moved them without taking our lock.
        now = timezone.now()
        for tt, quantity in lines:
            TicketType.objects.filter(pk=tt.pk).update(quantity_sold=F("quantity_sold") + quantity, updated_at=now)
        Event.objects.filter(pk=event.pk).update(gross_sales=F("gross_sales") + total)
    return order
