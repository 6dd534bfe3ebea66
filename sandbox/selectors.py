"""Reads, always scoped to one account and environment.

Another tenant's object is simply not in these querysets, so it is a 404
like any unknown id — never a 403 that would confirm it exists.
"""

from datetime import UTC, date, datetime

from django.db import transaction
from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from sandbox import search
from sandbox.errors import not_found
from sandbox.models import SCAN_BUCKET_SECONDS, Account, Attendee, Event, Order, Scan, ScanTally, TicketType


def _ticket_sum(field: str):
    per_event = (
        TicketType.objects.filter(event=OuterRef("pk"))
        .order_by()
        .values("event")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(per_event, output_field=IntegerField()), Value(0))


def events(*, account: Account, livemode: bool) -> QuerySet[Event]:
    # The figures come from the ticket types' own counters: a few rows per
    # event, never the attendees.
    return Event.objects.filter(account=account, livemode=livemode).annotate(
        capacity=_ticket_sum("quantity"),
        tickets_sold=_ticket_sum("quantity_sold"),
        tickets_checked_in=_ticket_sum("checked_in_count"),
    )


def event_list(
    *,
    account: Account,
    livemode: bool,
    status: str | None,
    sort: str,
    ends_after: datetime | None = None,
    ends_before: datetime | None = None,
) -> QuerySet[Event]:
    qs = events(account=account, livemode=livemode)
    if status:
        qs = qs.filter(status=status)
    if ends_after is not None or ends_before is not None:
        # An event without an end ends as it starts: a festival running since yesterday is still on.
        qs = qs.annotate(ends=Coalesce("end_date", "start_date"))
        if ends_after is not None:
            qs = qs.filter(ends__gte=ends_after)
        if ends_before is not None:
            qs = qs.filter(ends__lt=ends_before)
    field = sort.lstrip("-")
    descending = sort.startswith("-")
    tiebreak = "-id" if descending else "id"
    return qs.order_by(F(field).desc() if descending else F(field).asc(), tiebreak)


def event_get(*, account: Account, livemode: bool, event_id: str) -> Event:
    try:
        return events(account=account, livemode=livemode).get(pk=event_id)
    except Event.DoesNotExist:
        raise not_found("Event") from None


def event_row(*, account: Account, livemode: bool, event_id: str) -> Event:
    """The event alone, without its figures: for callers that only need it to exist.

    Same scope and same 404 as event_get, minus three aggregate subqueries.
    """
    try:
        return Event.objects.get(pk=event_id, account=account, livemode=livemode)
    except Event.DoesNotExist:
        raise not_found("Event") from None


def ticket_type_list(*, event: Event) -> QuerySet[TicketType]:
    return TicketType.objects.filter(event=event).order_by("created_at", "id")


def ticket_type_get(*, account: Account, livemode: bool, ticket_type_id: str) -> TicketType:
    try:
        return TicketType.objects.select_related("event").get(
            pk=ticket_type_id, event__account=account, event__livemode=livemode
        )
    except TicketType.DoesNotExist:
        raise not_found("Ticket type") from None


def order_list(
    *,
    account: Account,
    livemode: bool,
    event: Event | None = None,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str | None = None,
) -> QuerySet[Order]:
    scope = {"event_id": event.pk} if event else {"account_id": account.pk, "livemode": livemode}
    qs = search.orders_matching(scope=scope, q=q) if q else Order.objects.filter(**scope)
    if status:
        qs = qs.filter(status=status)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    return qs.order_by("-created_at", "-id")


def order_get(*, account: Account, livemode: bool, order_id: str) -> Order:
    try:
        return Order.objects.get(pk=order_id, account=account, livemode=livemode)
    except Order.DoesNotExist:
        raise not_found("Order") from None


def attendee_list(
    *,
    event: Event,
    ticket_type: str | None = None,
    checked_in: bool | None = None,
    q: str | None = None,
) -> QuerySet[Attendee]:
    qs = search.attendees_matching(event_id=event.pk, q=q) if q else Attendee.objects.filter(event=event)
    if ticket_type:
        qs = qs.filter(ticket_type_id=ticket_type)
    if checked_in is not None:
        qs = qs.filter(checked_in=checked_in)
    return qs.order_by("name", "id")


def scan_list(
    *,
    event: Event,
    result: str | None = None,
    reason: str | None = None,
    gate: str | None = None,
    since: datetime | None = None,
) -> QuerySet[Scan]:
    qs = Scan.objects.filter(event=event)
    if reason:
        # Only refusals have one: saying so lets the (event, result, reason) index answer it.
        qs = qs.filter(result=result or Scan.Result.REFUSED, reason=reason)
    elif result:
        qs = qs.filter(result=result)
    if gate:
        qs = qs.filter(gate=gate)
    if since:
        qs = qs.filter(scanned_at__gte=since)
    return qs.order_by("-scanned_at", "-id")


def _bucket_end(bucket: int) -> datetime:
    return datetime.fromtimestamp((bucket + 1) * SCAN_BUCKET_SECONDS, UTC)


def scan_page(
    *,
    event: Event,
    result: str | None = None,
    reason: str | None = None,
    gate: str | None = None,
    since: datetime | None = None,
    limit: int,
    offset: int,
) -> tuple[int, list[Scan]]:
    """How many scans match, and one page of them, newest first: the same rows as OFFSET, found without walking it.

    The tally (models.ScanTally) says how many matching scans each 5-minute
    bucket holds. The total is their sum, and the page starts in the bucket
    where the running count, newest first, passes `offset`: the index is
    entered at that bucket's end and walked for the few rows before the page
    inside it, so the last page of 200,000 scans costs what the first does.
    `since` cuts its own bucket in two: that part is counted on the index.
    One read transaction, so the counts and the rows agree.
    """
    rows = scan_list(event=event, result=result, reason=reason, gate=gate, since=since)
    tally = ScanTally.objects.filter(event=event)
    if reason:
        tally = tally.filter(result=result or Scan.Result.REFUSED, reason=reason)
    elif result:
        tally = tally.filter(result=result)
    if gate:
        tally = tally.filter(gate=gate)
    first = None
    if since is not None:
        first = int(since.timestamp()) // SCAN_BUCKET_SECONDS
        tally = tally.filter(bucket__gt=first)
    with transaction.atomic(using=rows.db):
        buckets = list(tally.values("bucket").annotate(n=Sum("count")).order_by("-bucket").values_list("bucket", "n"))
        if first is not None:
            buckets.append((first, rows.filter(scanned_at__lt=_bucket_end(first)).count()))
        total = sum(n for _, n in buckets)
        skipped = 0
        for bucket, n in buckets:
            if skipped + n > offset:
                ids = list(
                    rows.filter(scanned_at__lt=_bucket_end(bucket)).values_list("pk", flat=True)[
                        offset - skipped : offset - skipped + limit
                    ]
                )
                found = Scan.objects.in_bulk(ids)
                return total, [found[pk] for pk in ids]
            skipped += n
    return total, []
