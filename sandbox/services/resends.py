import math
from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.models import ConfirmationSend, Order
from sandbox.services.locking import lock

DB = "sandbox"
LIMIT = 5
WINDOW = timedelta(hours=1)


def order_resend(*, order: Order) -> ConfirmationSend:
    """Email the order confirmation again, at most LIMIT times an hour."""
    now = timezone.now()
    with transaction.atomic(using=DB):
        order = lock(Order, order.pk, "Order")
        recent = list(
            ConfirmationSend.objects.filter(order=order, sent_at__gt=now - WINDOW)
            .order_by("sent_at")
            .values_list("sent_at", flat=True)
        )
        if len(recent) >= LIMIT:
            retry_after = max(1, math.ceil((recent[-LIMIT] + WINDOW - now).total_seconds()))
            raise ApiError(
                errors.RATE_LIMITED,
                f"This confirmation was already sent {LIMIT} times in the last hour",
                headers={"Retry-After": str(retry_after)},
                retry_after=retry_after,
                limit=LIMIT,
                period_seconds=int(WINDOW.total_seconds()),
            )
        send = ConfirmationSend.objects.create(order=order, email=order.buyer_email, sent_at=now)
    send_mail(
        subject=f"Your tickets for {order.event.title} (order {order.id})",
        message=_confirmation_text(order),
        from_email=None,
        recipient_list=[order.buyer_email],
    )
    return send


def _confirmation_text(order: Order) -> str:
    lines = [
        f"Hello {order.buyer_name},",
        "",
        f"This is your confirmation for {order.event.title}, order {order.id}.",
        "",
    ]
    for attendee in order.attendees.select_related("ticket_type").order_by("name", "id"):
        lines.append(f"  {attendee.ticket_type.name}: {attendee.name} — barcode {attendee.barcode} ({attendee.status})")
    return "\n".join(lines)
