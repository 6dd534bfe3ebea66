"""Refunds (whole and by ticket) racing door check-ins of the same orders, on PostgreSQL.

A refund voids an order's tickets while the door admits them. Both write
attendee and ticket-type rows; if they took those locks in opposite orders,
PostgreSQL would break the cycle by killing one (a deadlock, answered 500),
and a ticket admitted between the refund's read and its void would stay
counted in `checked_in_count`. SQLite runs one writer at a time, so only
PostgreSQL can show either.
"""

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.db.models import Count, Q

from sandbox.dbrouter import SANDBOX_DB
from sandbox.models import Attendee, TicketType
from sandbox.services.orders_create import order_create
from tests.conftest import ApiSession
from tests.factories import event_make, ticket_type_make

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.skipif(connections[SANDBOX_DB].vendor != "postgresql", reason="SQLite has one writer at a time"),
]

ROUNDS = 30
THREADS = 16
ORDERS = 4


def deadlocks() -> int:
    with connections[SANDBOX_DB].cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def one_round(account, sandbox_url, key, rng) -> list[int]:
    event = event_make(account)
    types = [ticket_type_make(event, name="Stalls", price=3000), ticket_type_make(event, name="Circle", price=2000)]
    orders = [
        order_create(
            event=event,
            buyer_name=f"Buyer {n}",
            buyer_email=f"b{n}@example.com",
            items=[(types[n % 2], 2), (types[(n + 1) % 2], 2)],
        )
        for n in range(ORDERS)
    ]
    tickets = list(Attendee.objects.filter(order__in=orders).order_by("id"))

    def refund(order):
        # Half the orders refunded whole, half two tickets at a time: both void tickets the door is scanning.
        body = {"reason": "race"}
        if orders.index(order) % 2:
            body["attendee_ids"] = sorted(t.pk for t in tickets if t.order_id == order.pk)[1:3]
        with ApiSession(sandbox_url, key) as api:
            return api.post(f"/orders/{order.pk}/refund", json=body).status_code

    def scan(ticket):
        with ApiSession(sandbox_url, key) as api:
            return api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode}).status_code

    # Some tickets are in before the race, so refunds have admissions to take back.
    for ticket in rng.sample(tickets, 4):
        assert scan(ticket) == 201
    work = [(refund, order) for order in orders] + [(scan, ticket) for ticket in tickets]
    rng.shuffle(work)
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda job: job[0](job[1]), work))


def test_refunds_racing_check_ins_neither_deadlock_nor_miscount(sandbox_url, account_and_key):
    account, key = account_and_key
    rng = random.Random(2024)
    before = deadlocks()
    statuses = [status for _ in range(ROUNDS) for status in one_round(account, sandbox_url, key, rng)]

    recount = TicketType.objects.annotate(
        valid=Count("attendees", filter=Q(attendees__status="valid")),
        valid_in=Count("attendees", filter=Q(attendees__status="valid", attendees__checked_in=True)),
    )
    wrong = [
        (t.pk, t.quantity_sold, t.valid, t.checked_in_count, t.valid_in)
        for t in recount
        if (t.quantity_sold, t.checked_in_count) != (t.valid, t.valid_in)
    ]
    # All three figures in one assertion, so a failure reports each of them.
    found = {"500s": statuses.count(500), "deadlocks": deadlocks() - before, "miscounted ticket types": len(wrong)}
    assert found == {"500s": 0, "deadlocks": 0, "miscounted ticket types": 0}, wrong[:5]
    assert set(statuses) <= {201, 409}
