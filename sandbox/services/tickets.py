from django.db import transaction

from sandbox.errors import invalid
from sandbox.models import Event, TicketType
from sandbox.services.locking import lock

DB = "sandbox"


def ticket_type_create(*, event: Event, name: str, price: int, quantity: int) -> TicketType:
    return TicketType.objects.create(event=event, name=name, price=price, quantity=quantity)


def ticket_type_update(*, ticket_type: TicketType, **changes) -> TicketType:
    with transaction.atomic(using=DB):
        # Locked so a sale landing now cannot slip under a shrinking quantity.
        ticket_type = lock(TicketType, ticket_type.pk, "Ticket type")
        quantity = changes.get("quantity")
        if quantity is not None and quantity < ticket_type.quantity_sold:
            raise invalid(
                "quantity",
                f"quantity cannot be below the {ticket_type.quantity_sold} tickets already sold",
                quantity_sold=ticket_type.quantity_sold,
            )
        for name, value in changes.items():
            setattr(ticket_type, name, value)
        ticket_type.save()
    return ticket_type
