"""Row locks, and the one order every service takes them in.

    1. the order
    2. its attendees, by id
    3. ticket types, by id
    4. the event

A service may skip a level, never go back up one: then two transactions can
wait on each other only in one direction, and PostgreSQL never has a cycle
to break (a deadlock, which the API would answer 500). Who takes what:

- order_refund: the order; for the tickets it voids, those attendees, then
  their ticket types; the event last (its amount_refunded).
- order_resend: the order only.
- attendee_check_in and its undo: one attendee, then its ticket type (the
  check-in's guarded UPDATE is the attendee's lock; see checkins.py).
- order_create: ticket types, then the event. The order and attendees it
  inserts are invisible to everyone else until it commits, so they are in
  nobody's way.
- ticket_type_update: one ticket type. event_update and event_delete: the
  event only (a draft's delete also removes its ticket types; drafts have no
  orders through the API, so nothing else is waiting on those rows).

The counters follow from the order: whoever voids or admits a ticket holds
that attendee's lock when it moves its ticket type's counters, so a refund
reading `checked_in` under its lock sees every admission that will count.
"""

from django.db.models import Model, QuerySet

from sandbox.errors import not_found


def lock(model: type[Model], pk: str, what: str):
    """Re-read a row under a row lock; gone since it was looked up means 404.

    Call inside transaction.atomic: the lock lasts until the transaction ends.
    """
    try:
        return model.objects.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise not_found(what) from None


def lock_all(qs: QuerySet) -> list:
    """Lock every row of `qs`, by id: two callers with overlapping rows queue, never cross.

    PostgreSQL sorts before it locks, so the ORDER BY is the locking order.
    """
    return list(qs.select_for_update().order_by("pk"))
