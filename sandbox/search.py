"""The attendees whose name or email holds `q`, or whose barcode is `q`: indexed.

Migration 0003 gives each database its index; this module asks each one in
the form that index serves. The results are the same either way, so callers
(and X-Total-Count) never know which path answered.
"""

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from sandbox.dbrouter import SANDBOX_DB
from sandbox.models import Attendee

# The trigram index sees only strings of three characters or more.
TRIGRAM = 3

# `+event_id` keeps SQLite off the event's index: walking 100,000 index
# entries to test each rowid costs more than fetching the few thousand rows
# the FTS match names. The barcode arm rides the barcode's unique index.
_SQLITE_MATCH = (
    '+"sandbox_attendee"."event_id" = %s AND ("sandbox_attendee".rowid IN '
    "(SELECT rowid FROM sandbox_attendee_search WHERE sandbox_attendee_search MATCH %s)"
    ' OR "sandbox_attendee"."barcode" = %s)'
)


def _phrase(q: str) -> str:
    # One FTS5 string: no operator, column filter or prefix syntax gets through.
    return '"' + q.replace('"', '""') + '"'


def attendees_matching(*, event_id: str, q: str) -> QuerySet[Attendee]:
    # Barcodes are issued in upper case (orders_create.BARCODE_ALPHABET), so
    # this equals a case-blind match and can use the unique index.
    barcode = q.upper()
    if connections[SANDBOX_DB].vendor == "sqlite" and len(q) >= TRIGRAM:
        match = RawSQL(_SQLITE_MATCH, [event_id, _phrase(q), barcode], output_field=BooleanField())  # noqa: S611 - values are bound parameters
        return Attendee.objects.filter(match)
    # PostgreSQL's pg_trgm indexes serve this LIKE as written; on SQLite a
    # query this short is a scan, as it would be for any index.
    return Attendee.objects.filter(event_id=event_id).filter(
        Q(name__icontains=q) | Q(email__icontains=q) | Q(barcode=barcode)
    )
