"""GET /events/{id}/stats: the doors and sales overview, and the indexes that keep it fast."""

import itertools
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.utils import timezone

from sandbox import errors, stats
from sandbox.dbrouter import SANDBOX_DB
from sandbox.models import Event, Order, Scan
from tests.conftest import make_account
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def night(api, account):
    event = event_make(account)
    general = ticket_type_make(event, name="General", price=2500, quantity=100)
    vip = ticket_type_make(event, name="VIP", price=9000, quantity=10)
    yesterday = timezone.now() - timedelta(days=1)
    first = order_make(event, general, quantity=3, created_at=yesterday)
    second = order_make(event, vip, quantity=2)
    tickets = list(first.attendees.order_by("id")) + list(second.attendees.order_by("id"))
    for ticket in tickets[:3]:
        api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "gate": "North"})
    api.post(f"/events/{event.pk}/checkins", json={"barcode": tickets[3].barcode, "gate": "South"})
    api.post(f"/events/{event.pk}/checkins", json={"barcode": tickets[0].barcode, "gate": "South"})
    api.post(f"/events/{event.pk}/checkins", json={"barcode": "NOPE"})
    api.post(f"/orders/{second.pk}/refund", json={"amount": 1000, "reason": "Goodwill"})
    return event, general, vip, first, second


def get_stats(api, event_id, **params) -> dict:
    response = api.get(f"/events/{event_id}/stats", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_overview_adds_up(api, night):
    event, general, vip, *_ = night
    body = get_stats(api, event.pk)
    assert (body["sold"], body["checked_in"], body["capacity"]) == (5, 4, 110)
    assert body["ticket_types"] == [
        {"id": general.pk, "name": "General", "sold": 3, "checked_in": 3, "quantity": 100, "price": 2500},
        {"id": vip.pk, "name": "VIP", "sold": 2, "checked_in": 1, "quantity": 10, "price": 9000},
    ]
    assert body["refusals"] == {errors.ALREADY_CHECKED_IN: 1, errors.NOT_FOUND: 1}
    gates = {g["gate"]: g for g in body["gates"]}
    assert [g["gate"] for g in body["gates"]] == ["North", "South", None]
    assert (gates["North"]["admitted"], gates["North"]["refused"]) == (3, 0)
    assert (gates["South"]["admitted"], gates["South"]["refused"]) == (1, 1)
    assert (gates[None]["admitted"], gates[None]["refused"]) == (0, 1)
    # Per door, by reason: the event's refusals split where they happened.
    assert [gates[name]["refusals"] for name in ("North", "South", None)] == [
        {},
        {errors.ALREADY_CHECKED_IN: 1},
        {errors.NOT_FOUND: 1},
    ]
    assert gates["North"]["per_minute"] == 0.6  # 3 scans in the last 5 minutes
    last = Scan.objects.filter(gate="South").latest("scanned_at").scanned_at
    assert datetime.fromisoformat(gates["South"]["last_scan_at"]) == last.replace(
        microsecond=last.microsecond // 1000 * 1000
    )


def test_buckets_are_five_minutes_over_the_hours_asked_for(api, night):
    event, *_ = night
    body = get_stats(api, event.pk)
    assert len(body["buckets"]) == 6 * 12
    starts = [datetime.fromisoformat(b["start"]) for b in body["buckets"]]
    assert all(b - a == timedelta(minutes=5) for a, b in itertools.pairwise(starts))
    assert all(s.minute % 5 == 0 and s.second == 0 for s in starts)
    assert starts[-1] <= timezone.now() < starts[-1] + timedelta(minutes=5) + timedelta(seconds=30)
    assert sum(b["admitted"] for b in body["buckets"]) == 4
    assert sum(b["refused"] for b in body["buckets"]) == 2
    assert len(get_stats(api, event.pk, hours=1)["buckets"]) == 12
    assert len(get_stats(api, event.pk, hours=72)["buckets"]) == 72 * 12


def test_an_offline_scan_lands_in_the_bucket_it_was_made_in(api, account):
    event = event_make(account)
    ticket = order_make(event, ticket_type_make(event), quantity=1).attendees.get()
    when = timezone.now() - timedelta(hours=2)
    api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "scanned_at": when.isoformat()})
    [bucket] = [b for b in get_stats(api, event.pk)["buckets"] if b["admitted"]]
    start = datetime.fromisoformat(bucket["start"])
    assert start <= when < start + timedelta(minutes=5)
    assert not any(b["admitted"] for b in get_stats(api, event.pk, hours=1)["buckets"])


def test_sales_are_per_day_in_the_events_time_zone(api, night):
    event, general, vip, first, second = night
    body = get_stats(api, event.pk)
    zone = ZoneInfo(event.timezone)
    assert body["sales"] == [
        {
            "day": first.created_at.astimezone(zone).date().isoformat(),
            "sold": 3,
            "gross": 7500,
            "refunded": 0,
            "ticket_types": [{"id": general.pk, "sold": 3}],
        },
        {
            "day": second.created_at.astimezone(zone).date().isoformat(),
            "sold": 2,
            "gross": 18000,
            "refunded": 1000,
            "ticket_types": [{"id": vip.pk, "sold": 2}],
        },
    ]


def test_a_local_midnight_off_the_hour_splits_the_days_where_it_falls(api, account):
    # Kathmandu is UTC+5:45: 18:10 UTC is 23:55 there, 18:20 UTC is 00:05 the next day.
    event = event_make(account)
    Event.objects.filter(pk=event.pk).update(timezone="Asia/Kathmandu")
    general = ticket_type_make(event, name="General", price=1000, quantity=10)
    late = datetime(2026, 3, 1, 18, 10, tzinfo=ZoneInfo("UTC"))
    order_make(event, general, quantity=1, created_at=late)
    order_make(event, general, quantity=2, created_at=late + timedelta(minutes=10))
    days = [(day["day"], day["sold"], day["gross"]) for day in get_stats(api, event.pk)["sales"]]
    assert days == [("2026-03-01", 1, 1000), ("2026-03-02", 2, 2000)]


def test_a_days_sales_are_split_per_ticket_type_in_the_ticket_types_order(api, night):
    event, general, vip, *_ = night
    order_make(event, vip, quantity=1)  # VIP first today, yet listed after General
    order_make(event, general, quantity=4)
    today = get_stats(api, event.pk)["sales"][-1]
    assert today["ticket_types"] == [{"id": general.pk, "sold": 4}, {"id": vip.pk, "sold": 3}]
    assert today["sold"] == 7


def test_an_event_with_nothing_yet(api, account):
    event = event_make(account, status=Event.Status.DRAFT)
    body = get_stats(api, event.pk, hours=1)
    assert body["gates"] == [] and body["refusals"] == {} and body["sales"] == [] and body["ticket_types"] == []
    assert (body["sold"], body["checked_in"], body["capacity"]) == (0, 0, 0)
    assert all(b["admitted"] == b["refused"] == 0 for b in body["buckets"])


@pytest.mark.parametrize("hours", ["0", "73", "1.5", "x"])
def test_hours_is_1_to_72(api, account, hours):
    event = event_make(account)
    assert_api_error(
        api.get(f"/events/{event.pk}/stats", params={"hours": hours}), 400, errors.VALIDATION_ERROR, "hours"
    )


def test_another_accounts_stats_are_404(api):
    theirs, _ = make_account("globex")
    assert_api_error(api.get(f"/events/{event_make(theirs).pk}/stats"), 404, errors.NOT_FOUND)


# --- the indexes ---------------------------------------------------------------------


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connections[SANDBOX_DB].cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


def _queries(event: Event) -> dict:
    """Each figure's query, and the plan it must have: a range of one event's entries of one index, and no table."""
    now = timezone.now()
    last = int(now.timestamp()) // stats.BUCKET_SECONDS
    return {
        "buckets": (
            stats.bucket_rows(event=event, first=last - 71, last=last),
            "COVERING INDEX scn_tally_time (event_id=? AND bucket>? AND bucket<?)",
        ),
        "doors": (stats.door_rows(event=event), "COVERING INDEX scn_tally_door (event_id=?)"),
        "recent": (
            stats.recent_rows(event=event, now=now),
            "INDEX scn_event_time (event_id=? AND scanned_at>? AND scanned_at<?)",
        ),
        "sales": (
            stats.sales_rows(event=event, zone=ZoneInfo("Europe/Berlin")),
            "COVERING INDEX sales_tally_sums (event_id=?)",
        ),
    }


@pytest.mark.skipif(connections[SANDBOX_DB].vendor != "sqlite", reason="reads SQLite's query plans")
@pytest.mark.parametrize("figure", ["buckets", "doors", "recent", "sales"])
def test_each_figure_reads_one_events_range_of_an_index(night, figure):
    event, *_ = night
    qs, index = _queries(event)[figure]
    plan = _plan(qs)
    assert index in plan, plan
    assert "SCAN" not in plan.replace("USE TEMP B-TREE", ""), plan


@pytest.mark.skipif(connections[SANDBOX_DB].vendor != "sqlite", reason="reads SQLite's query plans")
@pytest.mark.parametrize(
    ("params", "index"),
    [
        ({}, "scn_event_time"),
        ({"since": "2030-01-01T00:00:00Z"}, "scn_event_time"),
        ({"result": "refused"}, "scn_event_time"),  # filtered in the index, already in order
        ({"reason": "TICKET_VOID"}, "scn_event_result"),
        ({"gate": "North"}, "scn_event_gate"),
    ],
)
def test_each_listing_filter_rides_an_index(night, params, index):
    from sandbox import selectors

    event, *_ = night
    since = datetime.fromisoformat(params.pop("since")) if "since" in params else None
    qs = selectors.scan_list(event=event, since=since, **params)
    plan = _plan(qs.values("pk"))
    assert f"INDEX {index} (event_id=?" in plan, plan
    assert "SCAN sandbox_scan" not in plan, plan


@pytest.mark.slow
def test_the_overview_at_100000_attendees_and_100000_scans(api, account):
    """Timed once at the size of a big night; prints the figure (pytest -s)."""
    event = event_make(account)
    general = ticket_type_make(event, quantity=200_000)
    order = order_make(event, general, quantity=1)
    ticket = order.attendees.get()
    now = timezone.now()
    with connections[SANDBOX_DB].cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
            " INSERT INTO sandbox_order (id, event_id, account_id, livemode, status, buyer_name, buyer_email,"
            " currency, total, amount_refunded, created_at) SELECT 'ord_bulk' || i, %s, %s, %s, 'completed',"
            " 'Guest ' || i, 'g' || i || '@example.com', 'USD', 2500, 0, %s FROM n",
            # Booleans as parameters: PostgreSQL refuses a 0 in a boolean column, SQLite stores either.
            [event.pk, account.pk, False, now - timedelta(days=30)],
        )
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
            " INSERT INTO sandbox_orderitem (order_id, ticket_type_id, quantity, unit_price)"
            " SELECT 'ord_bulk' || i, %s, 1, 2500 FROM n",
            [general.pk],
        )
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
            " INSERT INTO sandbox_attendee (id, event_id, order_id, ticket_type_id, name, email, barcode, status,"
            " checked_in, updated_at) SELECT 'att_bulk' || i, %s, 'ord_bulk' || i, %s, 'Guest ' || i,"
            " 'g' || i || '@example.com', 'BULK' || i, 'valid', %s, %s FROM n",
            [event.pk, general.pk, False, now],
        )
        gates = ["North", "South", "East", "West", None]
        rows = [
            (f"scn_bulk{i}", event.pk, ticket.pk, ticket.barcode, "admitted" if i % 10 else "refused",
             None if i % 10 else "ALREADY_CHECKED_IN", gates[i % 5], now - timedelta(seconds=i))
            for i in range(100_000)
        ]  # fmt: skip
        cursor.executemany(
            "INSERT INTO sandbox_scan (id, event_id, attendee_id, barcode, result, reason, gate, scanned_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
        if connections[SANDBOX_DB].vendor == "sqlite":
            cursor.execute("ANALYZE")
    Order.objects.filter(pk__startswith="ord_bulk").update(created_at=now - timedelta(days=30))
    api.get(f"/events/{event.pk}/stats")  # warm
    started = time.perf_counter()
    body = get_stats(api, event.pk, hours=72)
    elapsed = time.perf_counter() - started
    print(f"\nGET /events/{{id}}/stats at 100,000 attendees and 100,000 scans, 72 h: {elapsed * 1000:.0f} ms")
    assert sum(g["admitted"] + g["refused"] for g in body["gates"]) == 100_000
    assert body["refusals"] == {"ALREADY_CHECKED_IN": 10_000}
    assert sum(day["sold"] for day in body["sales"]) == 100_001
    # 0.7 s when each figure summed the scans themselves; the tallies make it tens of milliseconds.
    assert elapsed < 0.5, elapsed
    # With this one event's statistics, SQLite may read a whole tally table rather than its index: it is all
    # this event's. Never the log, the orders or the attendees themselves.
    for figure, (qs, _) in _queries(event).items():
        if connections[SANDBOX_DB].vendor == "sqlite":
            assert not re.search(r"SCAN sandbox_(scan|order|orderitem|attendee)\b", _plan(qs)), figure
