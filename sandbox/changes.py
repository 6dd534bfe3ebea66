"""The changes feed of an event's attendees, for a replica at the venue.

`GET /events/{id}/attendees?changes_after=<cursor>` pages through the event's
attendees in (updated_at, id) order, strictly after the cursor, which names the
last row the client has. Keyset, never offset: each page is one range of the
index att_event_changes, however deep into 100,000 rows, and a row that changes
while a replica walks moves to the end, where it is seen again. (An offset
would shift under the walk and skip rows.)

A row is stamped when its transaction writes it, but seen only once that
transaction commits. Were a row stamped earlier to commit after one stamped
later, a reader that had already moved past the later stamp would skip it for
good. So stamps must be taken in an order the feed can trust:

- SQLite: write transactions begin IMMEDIATE (boxoffice/settings.py), so
  writers run one at a time from BEGIN to COMMIT, and every service stamps
  inside its transaction: stamps follow commit order.
- PostgreSQL runs writers side by side. Each takes its event's changes lock
  shared before it stamps (locking.py); a feed read takes it exclusive, so it
  waits for the writers in flight to commit, and any writer after it stamps
  later than everything it read. The cost is a pause of that event's writes
  for one feed query (a few milliseconds), never a wait on the feed's side
  longer than the slowest write in flight.

Stamps come from the clock of the process that writes: several hosts writing
to one database must keep their clocks closer than the feed's readers poll.
"""

import re
from datetime import UTC, datetime

from django.db import transaction
from django.db.models import Q

from sandbox.dbrouter import SANDBOX_DB
from sandbox.errors import ApiError, invalid
from sandbox.models import Attendee, Event
from sandbox.services.locking import changes_lock_read

FIELD = "changes_after"
BEGINNING = frozenset({"", "0"})
_TIME = "%Y-%m-%dT%H:%M:%S.%f"
# Opaque to clients; for us, the last row's stamp (UTC, to the microsecond) and id.
_CURSOR = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})Z~(att_[0-9a-z]{1,28})")


def cursor_of(attendee: Attendee) -> str:
    return f"{attendee.updated_at.astimezone(UTC).strftime(_TIME)}Z~{attendee.pk}"


def _bad_cursor() -> ApiError:
    return invalid(FIELD, f"{FIELD} must be empty or 0 (from the start), or an X-Next-Cursor this API sent")


def cursor_parse(cursor: str) -> tuple[datetime, str] | None:
    """(updated_at, id) of the last row seen; None to start from the beginning."""
    if cursor in BEGINNING:
        return None
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise _bad_cursor()
    try:
        return datetime.strptime(match[1], _TIME).replace(tzinfo=UTC), match[2]
    except ValueError:  # shaped like one, but no such time (a 13th month)
        raise _bad_cursor() from None


def attendee_changes(*, event: Event, after: tuple[datetime, str] | None, limit: int) -> tuple[list[Attendee], int]:
    """Up to `limit` of the event's attendees (void ones too) changed after `after`, oldest change first,
    and how many there are after `after` in all (the seed's X-Total-Count, counted on the same index)."""
    qs = Attendee.objects.filter(event=event)
    if after is not None:
        at, pk = after
        # The >= bounds the index range; the OR then drops the cursor's own
        # stamp up to and including its row (ties go by id).
        qs = qs.filter(updated_at__gte=at).filter(Q(updated_at__gt=at) | Q(pk__gt=pk))
    with transaction.atomic(using=SANDBOX_DB):
        changes_lock_read(event.pk)
        rows = list(qs.order_by("updated_at", "pk")[:limit])
        # Fewer than a page: the count is the page, no second query.
        total = len(rows) if len(rows) < limit else qs.count()
        return rows, total
