"""The counts kept beside the scan log and the orders (migration 0007's triggers), and what is read from them.

Each test checks the tallies, or a figure or page read from them, against the
same thing computed the slow way from the rows themselves: whatever writes
the rows (bulk inserts, updates that move a scan to another bucket or door,
deletes, an event's cascade, a refund), the two must agree.
"""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Max

from sandbox import selectors, stats
from sandbox.models import Event, Order, SalesTally, Scan, ScanTally
from sandbox.services.refunds import order_refund
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

GATES = ["North", "South", "East", None]
REASONS = ["ALREADY_CHECKED_IN", "TICKET_VOID", "NOT_FOUND"]
# A bucket boundary, to put scans exactly on it and a microsecond either side.
EDGE = datetime(2031, 1, 14, 18, 0, tzinfo=UTC)


def random_scans(event: Event, n: int, *, seed: int, start: datetime = EDGE) -> list[Scan]:
    """`n` scans around `start`: many share a time (ties), some sit exactly on a bucket's edge."""
    rng = random.Random(seed)
    times = [start + timedelta(seconds=rng.randrange(-1800, 1800)) for _ in range(n // 2)]
    times += [start + timedelta(microseconds=rng.choice([-1, 0, 1])) for _ in range(n // 4)]
    times += [start + timedelta(minutes=5 * rng.randrange(-6, 6)) for _ in range(n - len(times))]
    rows = []
    for i, at in enumerate(times):
        refused = rng.random() < 0.4
        rows.append(
            Scan(
                id=f"scn_t{seed}_{i:05d}",
                event=event,
                barcode=f"B{i}",
                result="refused" if refused else "admitted",
                reason=rng.choice(REASONS) if refused else None,
                gate=rng.choice(GATES),
                scanned_at=at,
            )
        )
    return Scan.objects.bulk_create(rows)


def counted_from_the_log() -> set[tuple]:
    out = Counter()
    last: dict[tuple, datetime] = {}
    for s in Scan.objects.all():
        key = (s.event_id, int(s.scanned_at.timestamp()) // 300, s.gate or "", s.result, s.reason or "")
        out[key] += 1
        last[key] = max(last.get(key, s.scanned_at), s.scanned_at)
    return {(*key, n, last[key]) for key, n in out.items()}


def tallied() -> set[tuple]:
    return set(ScanTally.objects.values_list("event_id", "bucket", "gate", "result", "reason", "count", "last_scan_at"))


def test_the_scan_tally_is_the_log_counted_whatever_writes_it(account, api):
    event, other = event_make(account), event_make(account, title="Other")
    random_scans(event, 400, seed=1)
    random_scans(other, 50, seed=2)
    assert tallied() == counted_from_the_log()
    # Moved to another bucket, door, result; the newest of a bucket deleted (its last_scan_at is recomputed).
    rng = random.Random(3)
    ids = list(Scan.objects.filter(event=event).values_list("pk", flat=True))
    Scan.objects.filter(pk__in=rng.sample(ids, 40)).update(scanned_at=EDGE + timedelta(hours=2))
    Scan.objects.filter(pk__in=rng.sample(ids, 40)).update(gate=None)
    Scan.objects.filter(pk__in=rng.sample(ids, 40)).update(gate="West", result="refused", reason="TICKET_VOID")
    newest = Scan.objects.filter(event=event).latest("scanned_at", "id")
    Scan.objects.filter(pk__in=[newest.pk, *rng.sample(ids, 30)]).delete()
    # A check-in through the API, and a save() of one row.
    ticket = order_make(event, ticket_type_make(event), quantity=1).attendees.get()
    api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "gate": "North"})
    one = Scan.objects.filter(event=event).first()
    one.scanned_at -= timedelta(days=1)
    one.save()
    assert tallied() == counted_from_the_log()
    other.delete()  # the event's cascade takes its scans and its tally
    assert tallied() == counted_from_the_log()
    assert not ScanTally.objects.filter(event_id=other.pk).exists()


def test_the_sales_tally_is_the_orders_counted_whatever_writes_them(account):
    event = event_make(account)
    general = ticket_type_make(event, quantity=1000)
    vip = ticket_type_make(event, name="VIP", price=9000, quantity=1000)
    rng = random.Random(4)
    orders = [
        order_make(
            event,
            rng.choice([general, vip]),
            quantity=rng.randrange(1, 4),
            created_at=EDGE + timedelta(minutes=rng.randrange(-900, 900)),
        )
        for _ in range(40)
    ]
    order_refund(order=orders[0], amount=None, reason="R", expected_amount_refunded=None)
    order_refund(order=orders[1], amount=100, reason="R", expected_amount_refunded=None)
    Order.objects.filter(pk=orders[2].pk).update(created_at=EDGE + timedelta(days=3))
    Order.objects.filter(pk=orders[3].pk).update(created_at=EDGE - timedelta(days=3), amount_refunded=7)
    orders[4].delete()
    orders[5].items.all().delete()
    orders[6].items.update(ticket_type=vip if orders[6].items.get().ticket_type_id == general.pk else general)

    def from_orders():
        out: dict[tuple, list[int]] = {}
        for o in Order.objects.prefetch_related("items"):
            slot = int(o.created_at.timestamp()) // 900
            figures = out.setdefault((o.event_id, slot, ""), [0, 0, 0, 0])
            for i, value in enumerate((1, 0, o.total, o.amount_refunded)):
                figures[i] += value
            for item in o.items.all():
                out.setdefault((o.event_id, slot, item.ticket_type_id), [0, 0, 0, 0])[1] += item.quantity
        return {(*key, *figures) for key, figures in out.items()}

    tally = SalesTally.objects.values_list("event_id", "slot", "ticket_type", "orders", "sold", "gross", "refunded")
    assert set(tally) == from_orders()


@pytest.mark.parametrize(
    "zone",
    [
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "America/St_Johns",
        "Pacific/Chatham",
    ],
)
def test_sales_per_day_are_the_events_local_days_across_daylight_saving(account, zone):
    event = event_make(account)
    Event.objects.filter(pk=event.pk).update(timezone=zone)
    event.refresh_from_db()
    general = ticket_type_make(event, quantity=10_000)
    # Every 37 minutes for 12 days across both 2031 switches of each hemisphere, some on local midnights.
    rng = random.Random(5)
    times = []
    for switch in (
        datetime(2031, 3, 30, tzinfo=UTC),
        datetime(2031, 4, 6, tzinfo=UTC),
        datetime(2031, 10, 26, tzinfo=UTC),
    ):
        times += [
            switch - timedelta(days=3) + timedelta(minutes=37 * k + rng.randrange(0, 30)) for k in range(0, 12 * 39, 5)
        ]
        local = switch.astimezone(ZoneInfo(zone)).replace(hour=0, minute=0, second=0, microsecond=0)
        times += [local.astimezone(UTC) + timedelta(seconds=s) for s in (-1, 0, 1)]
    for at in times:
        order_make(event, general, quantity=1 + at.minute % 3, created_at=at)
    expected: dict = {}
    for o in Order.objects.filter(event=event).prefetch_related("items"):
        day = expected.setdefault(o.created_at.astimezone(ZoneInfo(zone)).date(), [0, 0, 0])
        day[0] += sum(i.quantity for i in o.items.all())
        day[1] += o.total
        day[2] += o.amount_refunded
    assert stats.sales_by_day(event=event, ticket_type_ids=[general.pk]) == [
        {
            "day": day,
            "sold": sold,
            "gross": gross,
            "refunded": refunded,
            "ticket_types": [{"id": general.pk, "sold": sold}],
        }
        for day, (sold, gross, refunded) in sorted(expected.items())
    ]


def test_the_doors_figures_are_the_log_counted(account):
    event = event_make(account)
    random_scans(event, 300, seed=6, start=datetime.now(UTC) - timedelta(minutes=40))
    now = datetime.now(UTC)
    body = stats.event_stats(event=event, hours=3)
    rows = list(Scan.objects.filter(event=event))
    expected_gates = {}
    for s in rows:
        g = expected_gates.setdefault(
            s.gate, {"admitted": 0, "refused": 0, "last_scan_at": s.scanned_at, "recent": 0, "reasons": Counter()}
        )
        g[s.result] += 1
        if s.result == "refused":
            g["reasons"][s.reason] += 1
        g["last_scan_at"] = max(g["last_scan_at"], s.scanned_at)
        g["recent"] += now - timedelta(minutes=5) < s.scanned_at <= now
    assert [g["gate"] for g in body.gates] == ["East", "North", "South", None]
    for g in body.gates:
        e = expected_gates[g["gate"]]
        assert (g["admitted"], g["refused"], g["last_scan_at"]) == (e["admitted"], e["refused"], e["last_scan_at"])
        assert g["per_minute"] == round(e["recent"] / 5, 1)
        assert g["refusals"] == dict(sorted(e["reasons"].items())) and sum(g["refusals"].values()) == g["refused"]
    assert sum(len(g["refusals"]) > 1 for g in body.gates) >= 2  # the recount means something: doors differ by reason
    assert body.refusals == dict(sorted(Counter(s.reason for s in rows if s.result == "refused").items()))
    for bucket in body.buckets:
        inside = [s for s in rows if bucket["start"] <= s.scanned_at < bucket["start"] + timedelta(minutes=5)]
        assert bucket["admitted"] == sum(s.result == "admitted" for s in inside)
        assert bucket["refused"] == sum(s.result == "refused" for s in inside)
    assert sum(b["admitted"] + b["refused"] for b in body.buckets) == len(rows)  # all within the 3 hours


# --- the log's pages -----------------------------------------------------------------------


FILTERS = [
    {},
    {"result": "admitted"},
    {"result": "refused"},
    {"reason": "TICKET_VOID"},
    {"reason": "NOT_FOUND", "result": "refused"},
    {"reason": "NOT_FOUND", "result": "admitted"},  # nothing: only refusals have a reason
    {"gate": "North"},
    {"gate": "North", "result": "refused"},
    {"gate": "Nowhere"},
    {"since": EDGE},  # exactly on a bucket's edge
    {"since": EDGE + timedelta(microseconds=1)},
    {"since": EDGE - timedelta(minutes=7, seconds=30)},  # inside a bucket: that bucket counted on the index
    {"since": EDGE - timedelta(minutes=12), "gate": "South", "result": "admitted"},
    {"since": EDGE + timedelta(days=1)},  # after every scan
]


@pytest.mark.parametrize("filters", FILTERS, ids=[str(f) for f in FILTERS])
def test_a_page_found_by_the_tally_is_the_page_offset_finds(account, filters):
    event = event_make(account)
    random_scans(event, 300, seed=7)
    random_scans(event_make(account, title="Other"), 40, seed=8)  # another event's scans stay out
    reference = selectors.scan_list(event=event, **filters)
    total = reference.count()
    for limit in (1, 7, 100):
        for offset in sorted({0, 1, limit, total // 2, total - limit, total - 1, total, total + 1, 10_000} - {-1}):
            if offset < 0:
                continue
            found_total, rows = selectors.scan_page(event=event, **filters, limit=limit, offset=offset)
            assert found_total == total
            assert [r.pk for r in rows] == [r.pk for r in reference[offset : offset + limit]], (limit, offset)


def test_an_empty_log_and_a_single_scan(account):
    event = event_make(account)
    assert selectors.scan_page(event=event, limit=20, offset=0) == (0, [])
    assert selectors.scan_page(event=event, limit=20, offset=40) == (0, [])
    [only] = random_scans(event, 1, seed=9)
    assert selectors.scan_page(event=event, limit=20, offset=0) == (1, [only])
    assert selectors.scan_page(event=event, limit=20, offset=1) == (1, [])
    assert selectors.scan_page(event=event, since=only.scanned_at, limit=20, offset=0) == (1, [only])
    later = only.scanned_at + timedelta(microseconds=1)
    assert selectors.scan_page(event=event, since=later, limit=20, offset=0) == (0, [])


def test_the_listing_headers_past_the_end(api, account):
    event = event_make(account)
    random_scans(event, 30, seed=10)
    response = api.get(f"/events/{event.pk}/scans", params={"limit": 20, "offset": 40, "result": "refused"})
    assert response.status_code == 200 and response.json() == []
    refused = Scan.objects.filter(event=event, result="refused").count()
    assert (response.headers["X-Total-Count"], response.headers["X-Page"]) == (str(refused), "3")


def test_last_scan_at_of_a_bucket_is_recomputed_when_its_newest_scan_goes(account):
    event = event_make(account)
    scans = random_scans(event, 200, seed=11)
    newest = max(scans, key=lambda s: s.scanned_at)
    key = {"gate": newest.gate or "", "result": newest.result, "reason": newest.reason or ""}
    Scan.objects.filter(pk=newest.pk).delete()
    rest = Scan.objects.filter(event=event, gate=newest.gate, result=newest.result, reason=newest.reason).aggregate(
        last=Max("scanned_at")
    )["last"]
    bucket = int(newest.scanned_at.timestamp()) // 300
    tally = ScanTally.objects.filter(event=event, bucket=bucket, **key).first()
    if tally is not None:  # else the bucket held only that scan, and its row went with it
        assert tally.last_scan_at <= rest
    assert tallied() == counted_from_the_log()


def test_the_bodies_are_what_ninja_renders_through_their_schemas(account):
    """The scans and stats bodies skip ninja's per-object validation: the JSON must be the same as with it."""
    from sandbox.api.scans import RENDERER, scans_body, stats_body
    from sandbox.api.schemas import EventStatsOut, ScanOut

    def json_of(body):
        return RENDERER.render(None, body, response_status=200)

    event = event_make(account)
    random_scans(event, 120, seed=12, start=datetime.now(UTC) - timedelta(minutes=20))
    general = ticket_type_make(event, name="General", quantity=100)
    order_refund(order=order_make(event, general, quantity=3), amount=100, reason="R", expected_amount_refunded=None)
    figures = stats.event_stats(event=event, hours=72)
    assert figures.gates and figures.refusals and figures.sales
    assert json_of(stats_body(figures)) == json_of(EventStatsOut.model_validate(figures).model_dump())
    _, rows = selectors.scan_page(event=event, limit=100, offset=0)
    assert json_of(scans_body(rows)) == json_of([ScanOut.model_validate(row).model_dump() for row in rows])
