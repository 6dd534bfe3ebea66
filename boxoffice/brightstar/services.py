"""The verbs the dashboard's views call, all in one namespace.

    from boxoffice.brightstar import services
    services.order_refund(order_id=..., reason=..., idempotency_key=..., staff=request.user)

Reads return resources (or a Page of them); every mutation sends an
Idempotency-Key and writes an audit row; failures raise BrightStarError
subclasses from `boxoffice.brightstar.errors`.
"""

from boxoffice.brightstar.attendees import attendee_check_in, attendee_check_in_undo, attendee_iter, attendee_list
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.brightstar.events import (
    event_create,
    event_delete,
    event_get,
    event_list,
    event_update,
    ticket_type_create,
    ticket_type_list,
    ticket_type_update,
)
from boxoffice.brightstar.orders import order_get, order_list, order_lookup, order_refund, order_resend

__all__ = [
    "attendee_check_in",
    "attendee_check_in_undo",
    "attendee_iter",
    "attendee_list",
    "event_create",
    "event_delete",
    "event_get",
    "event_list",
    "event_update",
    "new_idempotency_key",
    "order_get",
    "order_list",
    "order_lookup",
    "order_refund",
    "order_resend",
    "ticket_type_create",
    "ticket_type_list",
    "ticket_type_update",
]
