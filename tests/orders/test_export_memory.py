"""Exports hold one API page, not the event: peak memory at 20,000 orders is that at 2,000.

A file held in memory would show: 20,000 orders are several MB of CSV. How the
peak is measured, and why the collector runs at each page: tests/memory.py.
One seeding serves the three exports (subtests).
"""

import pytest
from django.db.models import Count

from sandbox.models import Event
from sandbox.services.seed import sandbox_seed
from tests.memory import collect_at_each_page, streamed

pytestmark = [pytest.mark.django_db(transaction=True, databases="__all__"), pytest.mark.slow]

SMALL, BIG = 2_000, 20_000


@pytest.fixture
def small_and_big(account):
    """Two events of the account, one with 2,000 orders and one with 20,000 (each with its attendees)."""
    for orders in (SMALL, BIG):
        sandbox_seed(account=account, events=1, orders_per_event=orders, seed=orders)
    events = Event.objects.filter(account=account).annotate(n=Count("orders")).order_by("n")
    small, big = events
    assert (small.n, big.n) == (SMALL, BIG)
    return small, big


EXPORTS = ["/orders/event/{id}/export.csv", "/orders/event/{id}/export.xlsx", "/events/{id}/attendees/export.csv"]


def test_memory_stays_flat_from_2000_to_20000_rows(client_as, small_and_big, monkeypatch, subtests):
    client = client_as("box_office")
    small, big = small_and_big
    for event in (small, big):  # the event and its names cached: only the export itself is measured
        client.get(f"/events/{event.id}/")
    collect_at_each_page(monkeypatch)
    for path in EXPORTS:
        with subtests.test(path=path):
            small_peak, small_size = streamed(client, path.format(id=small.id))
            big_peak, big_size = streamed(client, path.format(id=big.id))
            assert big_size > 8 * small_size  # ten times the rows, really read
            # Flat: ten times the rows cost at most a quarter more at the peak, and a file
            # (or its rows) kept in memory would have grown it by at least the extra bytes.
            assert big_peak < small_peak * 1.25 + 256 * 1024, (small_peak, big_peak)
            # Far less than what was written: a file held in memory would grow by all of it. (A quarter was
            # too tight on PostgreSQL: its driver's buffers moved the XLSX peak by 26% of the file, once.)
            assert big_peak - small_peak < (big_size - small_size) / 2, (small_peak, big_peak, small_size, big_size)
