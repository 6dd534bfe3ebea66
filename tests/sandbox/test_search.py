"""The indexed searches answer exactly what a scan of every row would."""

import pytest
from django.db import connections

from sandbox import search
from sandbox.dbrouter import SANDBOX_DB
from sandbox.models import Account, Attendee, Order
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

PEOPLE = [
    ("Zoë Quinn", "zoe.quinn@example.com"),
    ("Alan Turing", "alan@example.org"),
    ("Grace Hopper", "grace@navy.example"),
    ("Ann O'Neil", "ann_oneil@example.com"),
    ('Jo "JJ" Smith', "100%jo@example.net"),
    ("Smithson Anna", "s.anna@example.com"),
]
QUERIES = [
    "smith",
    "SMITH",
    "ith",
    "ann",
    "Ann O",
    "example",
    "navy.ex",
    "o'ne",
    '"jj"',
    "100%",
    "n_o",
    "zoë",
    "ZOË",
    "an",
    "x",
    "nobody here",
    "alan@example.org",
    "%",
    "_",
    '"',
    "OR",
    "NEAR(a b)",
    "name:ann",
]


@pytest.fixture
def crowd(account):
    event = event_make(account)
    general = ticket_type_make(event, name="General")
    for name, email in PEOPLE:
        order_make(event, general, quantity=1, buyer_name=name, buyer_email=email)
    # The same names elsewhere must never show up: another event, live mode, another account.
    for elsewhere in (
        event_make(account),
        event_make(account, livemode=True),
        event_make(Account.objects.create(slug="other", name="Other")),
    ):
        order_make(
            elsewhere, ticket_type_make(elsewhere), quantity=2, buyer_name="Jo Smith", buyer_email="jo@example.net"
        )
    return event


def _has(text: str, q: str) -> bool:
    # LIKE's case-blindness is ASCII only; FTS5 folds all of Unicode (documented in sandbox/search.py).
    return q.lower() in text.lower() if q.isascii() else q.casefold() in text.casefold()


def _order_has(order: Order, q: str) -> bool:
    return (
        _has(order.buyer_name, q)
        or _has(order.buyer_email, q)
        or order.pk == q.lower()
        or any(ticket.barcode == q.upper() for ticket in order.attendees.all())
    )


# name -> (the index's answer, the definition: a scan of every row in scope)
SEARCHES = {
    "attendees of an event": (
        lambda event, q: search.attendees_matching(event_id=event.pk, q=q),
        lambda event, q: [
            a.pk
            for a in Attendee.objects.filter(event=event)
            if _has(a.name, q) or _has(a.email, q) or a.barcode == q.upper()
        ],
    ),
    "orders of an event": (
        lambda event, q: search.orders_matching(scope={"event_id": event.pk}, q=q),
        lambda event, q: [o.pk for o in Order.objects.filter(event=event) if _order_has(o, q)],
    ),
    "orders of an account": (
        lambda event, q: search.orders_matching(scope={"account_id": event.account_id, "livemode": False}, q=q),
        lambda event, q: [
            o.pk for o in Order.objects.filter(account_id=event.account_id, livemode=False) if _order_has(o, q)
        ],
    ),
}


def by_index(name: str, event, q: str) -> list[str]:
    return sorted(SEARCHES[name][0](event, q).values_list("pk", flat=True))


def by_scan(name: str, event, q: str) -> list[str]:
    return sorted(SEARCHES[name][1](event, q))


@pytest.mark.parametrize("name", SEARCHES)
def test_the_index_finds_what_a_scan_finds(crowd, name):
    for q in QUERIES:
        assert by_index(name, crowd, q) == by_scan(name, crowd, q), q
    assert by_index(name, crowd, "smith") != []  # the definition itself finds something


def test_a_barcode_or_an_order_id_in_any_case_finds_its_row(crowd):
    ticket = Attendee.objects.filter(event=crowd).first()
    assert by_index("attendees of an event", crowd, ticket.barcode.lower()) == [ticket.pk]
    assert by_index("orders of an event", crowd, ticket.order_id.upper()) == [ticket.order_id]


@pytest.mark.parametrize("name", ["orders of an event", "orders of an account"])
def test_a_ticket_barcode_in_any_case_finds_its_order_and_nothing_else(crowd, name):
    ticket = Attendee.objects.filter(event=crowd).first()
    for q in (ticket.barcode, ticket.barcode.lower(), ticket.barcode.title()):
        assert by_index(name, crowd, q) == by_scan(name, crowd, q) == [ticket.order_id], q
    assert by_index(name, crowd, ticket.barcode[:-1]) == []  # the whole barcode, not a part of it
    # Another account's ticket, or another environment's, finds nothing here.
    for stray in Attendee.objects.exclude(event__account=crowd.account, event__livemode=False):
        assert by_index(name, crowd, stray.barcode) == []


def test_the_api_finds_an_order_by_a_ticket_barcode(api, crowd):
    ticket = Attendee.objects.filter(event=crowd).last()
    for path in ("/orders", f"/events/{crowd.pk}/orders"):
        response = api.get(path, params={"q": ticket.barcode.lower()})
        assert response.headers["X-Total-Count"] == "1" and [o["id"] for o in response.json()] == [ticket.order_id]


def test_changes_and_deletions_reach_the_indexes(crowd):
    ticket = Attendee.objects.get(event=crowd, name="Grace Hopper")
    Attendee.objects.filter(pk=ticket.pk).update(name="Grace Brewster", email="gb@example.org")
    Order.objects.filter(pk=ticket.order_id).update(buyer_name="G. Brewster", buyer_email="gb@example.org")
    for name in SEARCHES:
        assert by_index(name, crowd, "hopper") == [] and by_index(name, crowd, "navy") == []
        assert by_index(name, crowd, "brewster") == by_scan(name, crowd, "brewster") != []

    Order.objects.get(pk=ticket.order_id).delete()
    for name in SEARCHES:
        assert by_index(name, crowd, "brewster") == [] and by_index(name, crowd, "Turing") != []
    _assert_indexes_in_step()


def test_the_api_counts_through_the_indexes(api, crowd):
    attendees = api.get(f"/events/{crowd.pk}/attendees", params={"q": "smith", "limit": 1})
    assert attendees.status_code == 200 and attendees.headers["X-Total-Count"] == "2"
    assert [a["name"] for a in attendees.json()] == ['Jo "JJ" Smith']
    orders = api.get("/orders", params={"q": "jo@example", "limit": 1})
    assert orders.status_code == 200 and orders.headers["X-Total-Count"] == "2"  # this event's and the other's


def _assert_indexes_in_step():
    connection = connections[SANDBOX_DB]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for fts in ("sandbox_attendee_search", "sandbox_order_search"):
            # Raises when an index entry names a rowid whose row says otherwise.
            cursor.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def _plan(qs) -> str:
    sql, params = qs.values("pk").query.sql_with_params()
    with connections[SANDBOX_DB].cursor() as cursor:
        cursor.execute(
            f"EXPLAIN QUERY PLAN {sql}" if connections[SANDBOX_DB].vendor == "sqlite" else f"EXPLAIN {sql}", params
        )
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(connections[SANDBOX_DB].vendor != "sqlite", reason="the FTS5 path is SQLite's")
@pytest.mark.parametrize("name", SEARCHES)
def test_sqlite_starts_from_the_fts_table(crowd, name):
    plan = _plan(SEARCHES[name][0](crowd, "smith"))
    table = "sandbox_attendee" if name.startswith("attendees") else "sandbox_order"
    assert f"{table}_search VIRTUAL TABLE" in plan, plan
    assert "event" not in plan and "account" not in plan, plan  # not walking the scope's index
    if table == "sandbox_order":  # a ticket's barcode, through its unique index
        assert "(barcode=?)" in plan and "SCAN sandbox_order " not in plan, plan


@pytest.mark.skipif(connections[SANDBOX_DB].vendor != "postgresql", reason="the pg_trgm path is PostgreSQL's")
def test_postgresql_answers_from_the_trigram_indexes(crowd):
    # On a few rows every plan is a scan: give the event the bench's crowd.
    first = Attendee.objects.filter(event=crowd).first()
    with connections[SANDBOX_DB].cursor() as cursor:
        cursor.execute(
            "INSERT INTO sandbox_order (id, event_id, account_id, livemode, status, buyer_name, buyer_email, currency,"
            " total, amount_refunded, created_at) SELECT 'ord_bulk' || n, %s, %s, false, 'completed', 'Guest ' || n,"
            " 'guest' || n || '@example.com', 'USD', 100, 0, now() FROM generate_series(1, 100000) AS n",
            [crowd.pk, crowd.account_id],
        )
        cursor.execute(
            "INSERT INTO sandbox_attendee (id, event_id, order_id, ticket_type_id, name, email, barcode, status,"
            " checked_in, updated_at) SELECT 'att_bulk' || n, %s, %s, %s, 'Guest ' || n,"
            " 'guest' || n || '@example.com', 'BULK' || n, 'valid', false, now() FROM generate_series(1, 100000) AS n",
            [crowd.pk, first.order_id, first.ticket_type_id],
        )
        cursor.execute("ANALYZE sandbox_attendee")
        cursor.execute("ANALYZE sandbox_order")
    for name, (index, _) in SEARCHES.items():
        plan = _plan(index(crowd, "smith"))
        a, b = ("name", "email") if name.startswith("attendees") else ("buyer_name", "buyer_email")
        table = "sandbox_attendee" if name.startswith("attendees") else "sandbox_order"
        assert f"{table}_{a}_trgm" in plan and f"{table}_{b}_trgm" in plan, (name, plan)
        assert f"Seq Scan on {table}" not in plan, (name, plan)  # the barcode arm too rides an index
