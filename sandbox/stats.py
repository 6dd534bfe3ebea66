"""An event's doors-and-sales overview (GET /events/{id}/stats), from counts kept beside the rows.

The scan log and the orders are counted as they are written (models.ScanTally
per 5 minutes, door, result and reason; models.SalesTally per 15 minutes
and ticket type;
database triggers of migration 0007): each figure sums a few thousand tally
rows, however many scans and orders there are. Summing 200,000 scans at each
refresh cost 0.3 s per figure on SQLite, and the sales per local day 1.6 s
(a Python time-zone call per order). Only `per_minute`, a window that moves
with the clock, reads scans: those of the last 5 minutes, from an index.
Ticket figures come from the ticket types' own counters, never from attendees.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import BigIntegerField, Case, F, Max, Q, Sum, Value, When
from django.utils import timezone

from sandbox.models import SALES_SLOT_SECONDS, SCAN_BUCKET_SECONDS, Event, SalesTally, Scan, ScanTally, TicketType

BUCKET_SECONDS = SCAN_BUCKET_SECONDS
SLOT_SECONDS = SALES_SLOT_SECONDS
RATE_WINDOW = timedelta(minutes=5)  # a gate's per_minute is its scans over the last 5 minutes, / 5
NO_GATE = ""  # the tallies' "no gate" / "no reason": NULLs would never meet in the upsert's unique key


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


def _admitted_refused():
    return {
        "admitted": Sum("count", filter=Q(result=Scan.Result.ADMITTED), default=0),
        "refused": Sum("count", filter=Q(result=Scan.Result.REFUSED), default=0),
    }


# The queries, one per figure: tests/sandbox/test_stats.py checks each one's plan.
def bucket_rows(*, event: Event, first: int, last: int):
    return (
        ScanTally.objects.filter(event=event, bucket__gte=first, bucket__lte=last)
        .values("bucket")
        .annotate(**_admitted_refused())
        .order_by()
    )


def door_rows(*, event: Event):
    """The whole event per door, result and reason: both the gates' figures and the refusals come from these."""
    return (
        ScanTally.objects.filter(event=event)
        .values("gate", "result", "reason")
        .annotate(count=Sum("count"), last_scan_at=Max("last_scan_at"))
        .order_by()
    )


def recent_rows(*, event: Event, now: datetime):
    """The gate of each scan of the last 5 minutes: a window that moves with the clock, so from the log itself.

    Counted here, not grouped in SQL: a GROUP BY gate makes SQLite walk the
    event's whole gate index (200,000 entries) to skip a sort of a few
    thousand; this is one range of scn_event_time, which holds the gate.
    """
    return (
        Scan.objects.filter(event=event, scanned_at__gt=now - RATE_WINDOW, scanned_at__lte=now)
        .order_by()
        .values_list("gate", flat=True)
    )


def scan_buckets(*, event: Event, hours: int, now: datetime) -> list[dict]:
    """12 buckets an hour of 5 minutes, oldest first, the last one the current (partial) one; empty ones too."""
    last = int(now.timestamp()) // BUCKET_SECONDS
    first = last - hours * 3600 // BUCKET_SECONDS + 1
    counts = {row["bucket"]: row for row in bucket_rows(event=event, first=first, last=last)}
    return [
        {
            "start": datetime.fromtimestamp(n * BUCKET_SECONDS, UTC),
            "admitted": counts.get(n, {}).get("admitted", 0),
            "refused": counts.get(n, {}).get("refused", 0),
        }
        for n in range(first, last + 1)
    ]


def gate_stats(*, doors: list[dict], recent: dict[str, int]) -> list[dict]:
    """Per door, the whole event: admitted, refused (and why), the last scan, and the pace over the last 5 minutes.

    The reasons come from the same rows as the totals (door_rows groups by
    reason already), so a door's refusals always add up to its `refused`.
    """
    gates: dict[str, dict] = {}
    for row in doors:
        gate = gates.setdefault(
            row["gate"],
            {"gate": row["gate"] or None, "admitted": 0, "refused": 0, "last_scan_at": row["last_scan_at"]},
        )
        gate[row["result"]] += row["count"]
        gate["last_scan_at"] = max(gate["last_scan_at"], row["last_scan_at"])
        if row["result"] == Scan.Result.REFUSED:
            gate.setdefault("reasons", Counter())[row["reason"]] += row["count"]
    for name, gate in gates.items():
        gate["per_minute"] = round(recent.get(name, 0) / (RATE_WINDOW.total_seconds() / 60), 1)
        gate["refusals"] = dict(sorted(gate.pop("reasons", {}).items()))
    # By name, the unnamed door (scans sent without a gate) last.
    return sorted(gates.values(), key=lambda g: (g["gate"] is None, g["gate"] or ""))


def refusal_counts(*, doors: list[dict]) -> dict[str, int]:
    refusals: dict[str, int] = {}
    for row in doors:
        if row["result"] == Scan.Result.REFUSED:
            refusals[row["reason"]] = refusals.get(row["reason"], 0) + row["count"]
    return dict(sorted(refusals.items()))


def _offsets(zone: ZoneInfo, first: int, last: int) -> list[tuple[int, int]]:
    """The zone's UTC offset, in slots, over slots `first` to `last`: [(from this slot on, offset), …].

    Found day by day, and to the slot inside a day where it changes (a
    daylight-saving switch): a few hundred calls for a year of sales.
    """

    def offset(slot: int) -> int:
        delta = datetime.fromtimestamp(slot * SLOT_SECONDS, zone).utcoffset() or timedelta()
        return int(delta.total_seconds()) // SLOT_SECONDS

    per_day = 86400 // SLOT_SECONDS
    runs = [(first, offset(first))]
    at = first
    while at < last:
        step = min(per_day, last - at)
        if offset(at + step) != runs[-1][1]:
            low, high = at, at + step  # offset(low) is the run's, offset(high) is not
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == runs[-1][1] else (low, middle)
            runs.append((high, offset(high)))
        at += step
    return runs


def sales_rows(*, event: Event, zone: ZoneInfo):
    """The tally's 15-minute slots summed per local day and ticket type, in the database.

    (day since 1970, ticket type, figures…): the order-level figures (orders,
    gross, refunded) are on the rows whose ticket type is "", the tickets on
    one row per ticket type. A local day is (slot + the zone's offset then)
    // 96, every offset being whole quarter hours; the offset is written into
    the query as one CASE per daylight-saving switch in the range of the
    event's sales.
    """
    tally = SalesTally.objects.filter(event=event)
    # Two queries, not one aggregate(Min, Max): SQLite reads an index's end for a lone MIN or MAX, but walks
    # the event's whole range (21,000 rows at 40,000 orders, ~5 ms) to give both at once.
    slots = tally.order_by().values_list("slot", flat=True)
    first, last = slots.order_by("slot").first(), slots.order_by("-slot").first()
    if first is None or last is None:
        return []
    runs = _offsets(zone, first, last)
    shift = Case(
        *(When(slot__lt=start, then=Value(before)) for (start, _), (_, before) in zip(runs[1:], runs, strict=False)),
        default=Value(runs[-1][1]),
        output_field=BigIntegerField(),
    )
    return (
        tally.annotate(day=(F("slot") + shift) / (86400 // SLOT_SECONDS))
        .values("day", "ticket_type")
        .annotate(orders=Sum("orders"), sold=Sum("sold"), gross=Sum("gross"), refunded=Sum("refunded"))
        .order_by()
    )


def sales_by_day(*, event: Event, ticket_type_ids: list[str]) -> list[dict]:
    """Orders per day of the event's time zone, oldest first: tickets (in all, and per ticket type, in the order
    of `ticket_type_ids`; only types sold that day), order totals, and what was refunded of them."""
    epoch = date(1970, 1, 1)
    days: dict[int, dict] = {}
    for row in sales_rows(event=event, zone=ZoneInfo(event.timezone)):
        day = days.setdefault(row["day"], {"orders": 0, "gross": 0, "refunded": 0, "types": {}})
        if row["ticket_type"]:
            day["types"][row["ticket_type"]] = row["sold"]
        else:
            day["orders"], day["gross"], day["refunded"] = row["orders"], row["gross"], row["refunded"]
    rank = {tt_id: i for i, tt_id in enumerate(ticket_type_ids)}
    return [
        {
            "day": epoch + timedelta(days=n),
            "sold": sum(day["types"].values()),
            "gross": day["gross"],
            "refunded": day["refunded"],
            "ticket_types": [
                {"id": tt_id, "sold": sold}
                for tt_id, sold in sorted(day["types"].items(), key=lambda item: rank.get(item[0], len(rank)))
            ],
        }
        for n, day in sorted(days.items())
        if day["orders"]
    ]


def event_stats(*, event: Event, hours: int) -> Stats:
    now = timezone.now()
    ticket_types = list(
        TicketType.objects.filter(event=event)
        .order_by("created_at", "id")
        .values("id", "name", "quantity", "price", sold=F("quantity_sold"), checked_in=F("checked_in_count"))
    )
    doors = list(door_rows(event=event))
    recent = Counter(gate or NO_GATE for gate in recent_rows(event=event, now=now))
    return Stats(
        buckets=scan_buckets(event=event, hours=hours, now=now),
        gates=gate_stats(doors=doors, recent=recent),
        refusals=refusal_counts(doors=doors),
        # In the schema's order: the body is rendered as built (api/scans.py).
        ticket_types=[
            {k: t[k] for k in ("id", "name", "sold", "checked_in", "quantity", "price")} for t in ticket_types
        ],
        sales=sales_by_day(event=event, ticket_type_ids=[t["id"] for t in ticket_types]),
        checked_in=sum(t["checked_in"] for t in ticket_types),
        sold=sum(t["sold"] for t in ticket_types),
        capacity=sum(t["quantity"] for t in ticket_types),
    )
