"""The changes feed of an event's attendees, for a replica at the venue.

`GET /events/{id}/attendees?changes_after=<cursor>` pages through the event's
attendees in (updated_at, id) order, strictly after the cursor, which names the
last row the client has. Keyset, never offset: each page is one range of the
index att_event_changes, however deep into 100,000 rows, and a row that changes
while a replica walks moves to the end, where it is seen again. (An offset
would shift under the walk and skip rows.)

A row is stamped when its transaction writes it but seen only once that
transaction commits. Were a row stamped earlier to commit after one stamped
later, a reader that had already moved past the later stamp would skip it for
good. SQLite cannot do that here: write transactions begin IMMEDIATE
(boxoffice/settings.py), so writers run one at a time from BEGIN to COMMIT,
and every service stamps inside its transaction: stamps follow commit order.
PostgreSQL runs writers side by side, so there the feed holds back changes
younger than SETTLE_SECONDS, far longer than any of our transactions runs
between its stamp and its commit. `SANDBOX_CHANGES_SETTLE_SECONDS` overrides.
"""

import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone

from sandbox.dbrouter import SANDBOX_DB
from sandbox.errors import ApiError, invalid
from sandbox.models import Attendee, Event

FIELD = "changes_after"
BEGINNING = frozenset({"", "0"})
SETTLE_SECONDS = {"postgresql": 2.0}  # other databases: 0, as above
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


def settle_seconds() -> float:
    configured = getattr(settings, "SANDBOX_CHANGES_SETTLE_SECONDS", None)
    if configured is not None:
        return float(configured)
    return SETTLE_SECONDS.get(connections[SANDBOX_DB].vendor, 0.0)


def attendee_changes(*, event: Event, after: tuple[datetime, str] | None, limit: int) -> list[Attendee]:
    """Up to `limit` of the event's attendees (void ones too) changed after `after`, oldest change first."""
    qs = Attendee.objects.filter(event=event)
    if after is not None:
        at, pk = after
        # The >= bounds the index range; the OR then drops the cursor's own
        # stamp up to and including its row (ties go by id).
        qs = qs.filter(updated_at__gte=at).filter(Q(updated_at__gt=at) | Q(pk__gt=pk))
    settle = settle_seconds()
    if settle:
        qs = qs.filter(updated_at__lte=timezone.now() - timedelta(seconds=settle))
    return list(qs.order_by("updated_at", "pk")[:limit])
