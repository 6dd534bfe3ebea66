"""Rows whose name or email holds `q`, or whose id or barcode is `q`: indexed.

An order also matches the barcode of any of its tickets: the desk types what
is printed on the ticket in front of it.

Migration 0003 gives each database its index; this module asks each one in
the form that index serves. The results are the same either way, so callers
(and X-Total-Count) never know which path answered.
"""

from django.db import connections
from django.db.models import BooleanField, Model, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL

from sandbox.dbrouter import SANDBOX_DB
from sandbox.models import Attendee, Order

# The trigram index sees only strings of three characters or more.
TRIGRAM = 3


def _phrase(q: str) -> str:
    # One FTS5 string: no operator, column filter or prefix syntax gets through.
    return '"' + q.replace('"', '""') + '"'


def _matching(
    model: type[Model],
    *,
    scope: dict,
    q: str,
    texts: tuple[str, str],
    key: str,
    key_value: str,
    ticket_column: str | None = None,
):
    """`ticket_column`: the Attendee column naming this model's row, when a ticket's barcode finds it."""
    barcode = q.upper()  # issued in upper case (orders_create.BARCODE_ALPHABET)
    if connections[SANDBOX_DB].vendor == "sqlite" and len(q) >= TRIGRAM:
        table = model._meta.db_table
        # A unary + keeps SQLite off the scope's own index: walking 100,000
        # entries to test each rowid costs more than fetching the few thousand
        # rows the FTS match names. The key arm rides its unique index.
        # Only names from this module go into the text; q goes in as a parameter.
        in_scope = " AND ".join(f'+"{table}"."{column}" = %s' for column in scope)
        fts = f"{table}_search"
        arms = f'"{table}".rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s) OR "{table}"."{key}" = %s'  # noqa: S608
        params = [*scope.values(), _phrase(q), key_value]
        if ticket_column:
            # Rides the unique barcode index, then this table's primary key.
            tickets = Attendee._meta.db_table
            arms += f' OR "{table}"."id" IN (SELECT "{ticket_column}" FROM "{tickets}" WHERE "barcode" = %s)'  # noqa: S608
            params.append(barcode)
        sql = f"{in_scope} AND ({arms})"
        return model.objects.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 - bound values
    # PostgreSQL's pg_trgm indexes serve this LIKE as written; on SQLite a
    # query this short is a scan, as it would be for any index.
    a, b = texts
    match = Q(**{f"{a}__icontains": q}) | Q(**{f"{b}__icontains": q}) | Q(**{key: key_value})
    if ticket_column:
        # A scalar subquery (barcodes are unique): PostgreSQL runs it once, as
        # an InitPlan, and the equality joins the trigram scans in a BitmapOr
        # on the primary key. "IN (subquery)" would be a filter on every row.
        holder = Attendee.objects.filter(barcode=barcode).values(ticket_column)[:1]
        match |= Q(pk=Subquery(holder))
    return model.objects.filter(**scope).filter(match)


def attendees_matching(*, event_id: str, q: str) -> QuerySet[Attendee]:
    # Barcodes are issued in upper case (orders_create.BARCODE_ALPHABET): an
    # equality on the unique index is the case-blind match.
    return _matching(
        Attendee, scope={"event_id": event_id}, q=q, texts=("name", "email"), key="barcode", key_value=q.upper()
    )


def orders_matching(*, scope: dict, q: str) -> QuerySet[Order]:
    """`scope`: {"event_id": …} or {"account_id": …, "livemode": …}."""
    # Order ids are issued in lower case (models.new_id).
    return _matching(
        Order,
        scope=scope,
        q=q,
        texts=("buyer_name", "buyer_email"),
        key="id",
        key_value=q.lower(),
        ticket_column="order_id",
    )
