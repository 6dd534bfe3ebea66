"""The indexed attendee search answers exactly what a scan of every row would."""

import pytest
from django.db import connections

from sandbox import search
from sandbox.dbrouter import SANDBOX_DB
from sandbox.models import Attendee
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
    "smith", "SMITH", "ith", "ann", "Ann O", "example", "navy.ex", "o'ne", '"jj"', "100%", "n_o",
    "zoë", "ZOË", "an", "x", "nobody here", "alan@example.org", "%", "_", '"', "OR", "NEAR(a b)", "name:ann",
]


@pytest.fixture
def crowd(account):
    event = event_make(account)
    general = ticket_type_make(event, name="General")
    for name, email in PEOPLE:
        order_make(event, general, quantity=1, buyer_name=name, buyer_email=email)
    # Same names at another event must never show up.
    other = event_make(account)
    order_make(other, ticket_type_make(other), quantity=2, buyer_name="Jo Smith", buyer_email="jo@example.net")
    return event


def by_scan(event, q: str) -> list[str]:
    """The definition: a substring of name or email, ASCII case-blind as LIKE is, or the barcode."""
    def has(text: str) -> bool:
        return q.lower() in text.lower() if q.isascii() else q.casefold() in text.casefold()

    rows = Attendee.objects.filter(event=event)
    return sorted(a.pk for a in rows if has(a.name) or has(a.email) or a.barcode == q.upper())


def by_index(event, q: str) -> list[str]:
    return sorted(search.attendees_matching(event_id=event.pk, q=q).values_list("pk", flat=True))


@pytest.mark.parametrize("q", QUERIES)
def test_the_index_finds_what_a_scan_finds(crowd, q):
    assert by_index(crowd, q) == by_scan(crowd, q)


def test_a_barcode_in_any_case_finds_its_ticket(crowd):
    ticket = Attendee.objects.filter(event=crowd).first()
    assert by_index(crowd, ticket.barcode.lower()) == [ticket.pk]


def test_renames_and_deletions_reach_the_index(crowd):
    ticket = Attendee.objects.get(event=crowd, name="Grace Hopper")
    Attendee.objects.filter(pk=ticket.pk).update(name="Grace Brewster", email="gb@example.org")
    assert by_index(crowd, "hopper") == [] and by_index(crowd, "navy") == []
    assert by_index(crowd, "brewster") == [ticket.pk] == by_scan(crowd, "brewster")

    ticket.order.delete()
    assert by_index(crowd, "brewster") == [] and by_index(crowd, "Turing") != []
    _assert_index_in_step()


def test_the_api_counts_through_the_index(api, crowd):
    response = api.get(f"/events/{crowd.pk}/attendees", params={"q": "smith", "limit": 1})
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "2"
    assert [a["name"] for a in response.json()] == ['Jo "JJ" Smith']


def _assert_index_in_step():
    connection = connections[SANDBOX_DB]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # Raises when an index entry names a rowid whose row says otherwise.
        cursor.execute(
            "INSERT INTO sandbox_attendee_search(sandbox_attendee_search, rank) VALUES ('integrity-check', 1)"
        )


@pytest.mark.skipif(connections[SANDBOX_DB].vendor != "sqlite", reason="the FTS5 path is SQLite's")
def test_sqlite_counts_from_the_fts_table_not_the_events_index(crowd):
    qs = search.attendees_matching(event_id=crowd.pk, q="smith")
    sql, params = qs.values("pk").query.sql_with_params()
    with connections[SANDBOX_DB].cursor() as cursor:
        plan = " | ".join(row[-1] for row in cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "sandbox_attendee_search VIRTUAL TABLE" in plan, plan
    assert "att_event_name_cover" not in plan, plan


@pytest.mark.skipif(connections[SANDBOX_DB].vendor != "postgresql", reason="the pg_trgm path is PostgreSQL's")
def test_postgresql_answers_from_the_trigram_indexes(crowd):
    # On a few rows every plan is a scan: give the event the bench's crowd.
    first = Attendee.objects.filter(event=crowd).first()
    sql, params = search.attendees_matching(event_id=crowd.pk, q="smith").values("pk").query.sql_with_params()
    with connections[SANDBOX_DB].cursor() as cursor:
        cursor.execute(
            "INSERT INTO sandbox_attendee (id, event_id, order_id, ticket_type_id, name, email, barcode, status,"
            " checked_in) SELECT 'att_bulk' || n, %s, %s, %s, 'Guest ' || n, 'guest' || n || '@example.com',"
            " 'BULK' || n, 'valid', false FROM generate_series(1, 100000) AS n",
            [crowd.pk, first.order_id, first.ticket_type_id],
        )
        cursor.execute("ANALYZE sandbox_attendee")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = " | ".join(row[0] for row in cursor.fetchall())
    assert "att_name_trgm" in plan and "att_email_trgm" in plan, plan
