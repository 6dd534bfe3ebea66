"""The sandbox's guarantees across processes: two gunicorn workers, one database.

Row locks, conditional updates and idempotency records live in the database,
so they must hold when the racing requests land in different processes —
the way a scaled-out deployment serves them. In CI's second leg this runs on
PostgreSQL; in the first, on the SQLite file.
"""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from sandbox.models import Attendee, Refund
from tests.factories import event_make, order_make, ticket_type_make
from tests.sandbox.servers import serve

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def gunicorn_sandbox(transactional_db):
    with serve("gunicorn") as url:
        yield url


def _race(count, call):
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: call(), range(count)))


def test_one_admission_per_ticket_across_workers(gunicorn_sandbox, account_and_key):
    account, key = account_and_key
    event = event_make(account)
    ticket = order_make(event, ticket_type_make(event)).attendees.first()
    headers = {"Authorization": f"Bearer {key}"}

    def scan():
        return requests.post(
            f"{gunicorn_sandbox}/events/{event.pk}/checkins",
            json={"barcode": ticket.barcode},
            headers=headers,
            timeout=30,
        ).status_code

    assert sorted(_race(16, scan)) == [201] + [409] * 15
    assert Attendee.objects.filter(checked_in=True).count() == 1


def test_refunds_never_exceed_the_total_across_workers(gunicorn_sandbox, account_and_key):
    account, key = account_and_key
    event = event_make(account)
    order = order_make(event, ticket_type_make(event, price=2500), quantity=4)  # 10000
    headers = {"Authorization": f"Bearer {key}"}

    def refund():
        return requests.post(
            f"{gunicorn_sandbox}/orders/{order.pk}/refund",
            json={"amount": 3000, "reason": "race"},
            headers=headers,
            timeout=30,
        ).status_code

    assert sorted(_race(12, refund)) == [201] * 3 + [400] * 9
    order.refresh_from_db()
    assert order.amount_refunded == 9000 == sum(Refund.objects.values_list("amount", flat=True))


def test_idempotent_replays_across_workers(gunicorn_sandbox, account_and_key):
    account, key = account_and_key
    event = event_make(account)
    order = order_make(event, ticket_type_make(event), quantity=2)
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())}

    def refund():
        response = requests.post(
            f"{gunicorn_sandbox}/orders/{order.pk}/refund",
            json={"amount": 100, "reason": "retry"},
            headers=headers,
            timeout=30,
        )
        return response.status_code, response.json().get("id")

    results = _race(12, refund)
    assert {status for status, _ in results} <= {201, 409}
    assert len({refund_id for status, refund_id in results if status == 201}) == 1
    assert Refund.objects.count() == 1
