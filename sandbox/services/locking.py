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

Before all of these, at level 0, every transaction that writes an event's
attendees (check-in and undo, refunds, order_create, Attendee.save) takes that
event's *changes lock* shared, and a read of the changes feed takes it
exclusive (sandbox/changes.py says why). Writers never wait on each other for
it; taken before any row lock, it cannot close a cycle with them either.
"""

import zlib

from django.core.exceptions import ObjectDoesNotExist
from django.db import connections
from django.db.models import Model, QuerySet

from sandbox.dbrouter import SANDBOX_DB
from sandbox.errors import not_found

# The first key of PostgreSQL's two-key advisory locks: this lock's namespace.
CHANGES_LOCK = 0x5B0C


def _changes_lock(event_id: str, function: str) -> None:
    connection = connections[SANDBOX_DB]
    if connection.vendor != "postgresql":
        return  # SQLite runs one writer at a time: there is nothing to order
    # Two events sharing a key (a crc32 collision) only ever wait for each other.
    key = zlib.crc32(event_id.encode()) - 2**31  # int4
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [CHANGES_LOCK, key])


def changes_lock_write(event_id: str) -> None:
    """Call first thing inside transaction.atomic, before any row lock and before stamping updated_at."""
    _changes_lock(event_id, "pg_advisory_xact_lock_shared")


def changes_lock_read(event_id: str) -> None:
    """Call inside transaction.atomic, before reading the feed: waits for the event's writers in flight."""
    _changes_lock(event_id, "pg_advisory_xact_lock")


def lock(model: type[Model], pk: str, what: str):
    """Re-read a row under a row lock; gone since it was looked up means 404.

    Call inside transaction.atomic: the lock lasts until the transaction ends.
    """
    try:
        return model._default_manager.select_for_update().get(pk=pk)
    except ObjectDoesNotExist:
        raise not_found(what) from None


def lock_all(qs: QuerySet) -> list:
    """Lock every row of `qs`, by id: two callers with overlapping rows queue, never cross.

    PostgreSQL sorts before it locks, so the ORDER BY is the locking order.
    """
    return list(qs.select_for_update().order_by("pk"))
