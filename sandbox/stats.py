"""An event's doors-and-sales overview (GET /events/{id}/stats), in a handful of indexed queries.

Each figure is one GROUP BY over an index that holds every column it reads
(models.py: scn_event_time, scn_event_gate, scn_event_result, ord_event_sales),
so at 100,000 scans no table row is fetched; ticket figures come from the
ticket types' own counters, never from attendees.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Func, IntegerField, Max, Q, Sum
from django.utils import timezone

from sandbox.models import Event, Order, OrderItem, Scan, TicketType

BUCKET_SECONDS = 300
# Sales are grouped by the quarter-hour in the database, then by the event's local day here: every time zone's
# offset is a whole number of quarter-hours, so no quarter straddles a local midnight.
QUARTER_SECONDS = 900
RATE_WINDOW = timedelta(minutes=5)  # a gate's per_minute is its scans over the last 5 minutes, / 5


class _Bucket(Func):
    """The 5-minute bucket a time falls in, as whole buckets since 1970, computed by the database itself.

    SQLite's strftime and PostgreSQL's EXTRACT are native: Django's Trunc would
    call back into Python for every row on SQLite.
    """

    output_field = IntegerField()
    seconds = BUCKET_SECONDS

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template=f"(CAST(strftime('%%%%s', %(expressions)s) AS INTEGER) / {self.seconds})"
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template=f"FLOOR(EXTRACT(EPOCH FROM %(expressions)s) / {self.seconds})::bigint"
        )


class _Quarter(_Bucket):
    seconds = QUARTER_SECONDS


def _local_day(quarter: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(quarter * QUARTER_SECONDS, zone).date()


@dataclass(frozen=True)
class Stats:
    buckets: list[dict]
    gates: list[dict]
    refusals: dict[str, int]
    ticket_types: list[dict]
    sales: list[dict]
    checked_in: int
    sold: int
    capacity: int


# Count("scanned_at"), not the pk: every scan index holds scanned_at, none the id column's text.
def _admitted_refused():
    return {
        "admitted": Count("scanned_at", filter=Q(result=Scan.Result.ADMITTED)),
        "refused": Count("scanned_at", filter=Q(result=Scan.Result.REFUSED)),
    }


# The queries, one per figure: tests/sandbox/test_stats.py checks each one's plan.
def bucket_rows(*, event: Event, start: datetime, end: datetime):
    return (
        Scan.objects.filter(event=event, scanned_at__gte=start, scanned_at__lt=end)
        .annotate(bucket=_Bucket("scanned_at"))
        .values("bucket")
        .annotate(**_admitted_refused())
        .order_by()
    )


def gate_rows(*, event: Event, now: datetime):
    return (
        Scan.objects.filter(event=event)
        .values("gate")
        .annotate(
            **_admitted_refused(),
            last_scan_at=Max("scanned_at"),
            recent=Count("scanned_at", filter=Q(scanned_at__gt=now - RATE_WINDOW, scanned_at__lte=now)),
        )
        .order_by()
    )


def refusal_rows(*, event: Event):
    return (
        Scan.objects.filter(event=event, result=Scan.Result.REFUSED)
        .values("reason")
        .annotate(count=Count("scanned_at"))
        .order_by()
    )


def sales_money_rows(*, event: Event):
    return (
        Order.objects.filter(event=event)
        .annotate(quarter=_Quarter("created_at"))
        .values("quarter")
        .annotate(gross=Sum("total"), refunded=Sum("amount_refunded"))
        .order_by()
    )


def sales_ticket_rows(*, event: Event):
    return (
        OrderItem.objects.filter(order__event=event)
        .annotate(quarter=_Quarter("order__created_at"))
        .values("quarter", "ticket_type")
        .annotate(sold=Sum("quantity"))
        .order_by()
    )


def scan_buckets(*, event: Event, hours: int, now: datetime) -> list[dict]:
    """12 buckets an hour of 5 minutes, oldest first, the last one the current (partial) one; empty ones too."""
    last = int(now.timestamp()) // BUCKET_SECONDS
    first = last - hours * 3600 // BUCKET_SECONDS + 1
    start = datetime.fromtimestamp(first * BUCKET_SECONDS, UTC)
    end = datetime.fromtimestamp((last + 1) * BUCKET_SECONDS, UTC)
    counts = {row["bucket"]: row for row in bucket_rows(event=event, start=start, end=end)}
    return [
        {
            "start": datetime.fromtimestamp(n * BUCKET_SECONDS, UTC),
            "admitted": counts.get(n, {}).get("admitted", 0),
            "refused": counts.get(n, {}).get("refused", 0),
        }
        for n in range(first, last + 1)
    ]


def gate_stats(*, event: Event, now: datetime) -> list[dict]:
    """Per door, the whole event: admitted, refused, the last scan, and the pace over the last 5 minutes."""
    gates = [
        {
            "gate": row["gate"],
            "admitted": row["admitted"],
            "refused": row["refused"],
            "last_scan_at": row["last_scan_at"],
            "per_minute": round(row["recent"] / (RATE_WINDOW.total_seconds() / 60), 1),
        }
        for row in gate_rows(event=event, now=now)
    ]
    # By name, the unnamed door (scans sent without a gate) last.
    return sorted(gates, key=lambda g: (g["gate"] is None, g["gate"] or ""))


def refusal_counts(*, event: Event) -> dict[str, int]:
    rows = refusal_rows(event=event)
    return {row["reason"]: row["count"] for row in sorted(rows, key=lambda r: r["reason"])}


def sales_by_day(*, event: Event, ticket_type_ids: list[str]) -> list[dict]:
    """Orders per day of the event's time zone, oldest first: tickets (in all, and per ticket type, in the order
    of `ticket_type_ids`; only types sold that day), order totals, and what was refunded of them."""
    zone = ZoneInfo(event.timezone)
    money: dict[date, dict] = {}
    for row in sales_money_rows(event=event):
        day = money.setdefault(_local_day(row["quarter"], zone), {"gross": 0, "refunded": 0})
        day["gross"] += row["gross"]
        day["refunded"] += row["refunded"]
    sold: dict[date, dict[str, int]] = {}
    for row in sales_ticket_rows(event=event):
        per_type = sold.setdefault(_local_day(row["quarter"], zone), {})
        per_type[row["ticket_type"]] = per_type.get(row["ticket_type"], 0) + row["sold"]
    rank = {tt_id: i for i, tt_id in enumerate(ticket_type_ids)}
    days = []
    for day in sorted(money):
        per_type = sorted(sold.get(day, {}).items(), key=lambda item: rank.get(item[0], len(rank)))
        days.append(
            {
                "day": day,
                "sold": sum(n for _, n in per_type),
                "gross": money[day]["gross"],
                "refunded": money[day]["refunded"],
                "ticket_types": [{"id": tt_id, "sold": n} for tt_id, n in per_type],
            }
        )
    return days


def event_stats(*, event: Event, hours: int) -> Stats:
    now = timezone.now()
    ticket_types = list(
        TicketType.objects.filter(event=event)
        .order_by("created_at", "id")
        .values("id", "name", "quantity", "price", sold=F("quantity_sold"), checked_in=F("checked_in_count"))
    )
    return Stats(
        buckets=scan_buckets(event=event, hours=hours, now=now),
        gates=gate_stats(event=event, now=now),
        refusals=refusal_counts(event=event),
        ticket_types=ticket_types,
        sales=sales_by_day(event=event, ticket_type_ids=[t["id"] for t in ticket_types]),
        checked_in=sum(t["checked_in"] for t in ticket_types),
        sold=sum(t["sold"] for t in ticket_types),
        capacity=sum(t["quantity"] for t in ticket_types),
    )
