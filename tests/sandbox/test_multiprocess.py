"""The sandbox's guarantees across processes: two gunicorn workers, one database.

Row locks, conditional updates and idempotency records live in the database,
so they must hold when the racing requests land in different processes —
the way a scaled-out deployment serves them. In CI's second leg this runs on
PostgreSQL; in the first, on the SQLite file.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connections

from sandbox.models import Attendee, Refund
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]


def _database_url(alias: str) -> str:
    db = connections[alias].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    return f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_sandbox(transactional_db):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sandbox.settings",
        "SANDBOX_DATABASE_URL": _database_url("sandbox"),
        "DATABASE_URL": _database_url("default"),
        "SANDBOX_RATE_LIMIT": "100000/minute",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "8",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py", "sandbox.wsgi"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1/test"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/openapi.json", timeout=5)
            break
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting its workers
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not start: " + process.stdout.read().decode()[-2000:])
    yield url
    process.terminate()
    process.wait(timeout=15)


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
            json={"barcode": ticket.barcode}, headers=headers, timeout=30,
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
            f"{gunicorn_sandbox}/orders/{order.pk}/refund", json={"amount": 3000, "reason": "race"},
            headers=headers, timeout=30,
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
            f"{gunicorn_sandbox}/orders/{order.pk}/refund", json={"amount": 100, "reason": "retry"},
            headers=headers, timeout=30,
        )
        return response.status_code, response.json().get("id")

    results = _race(12, refund)
    assert {status for status, _ in results} <= {201, 409}
    assert len({refund_id for status, refund_id in results if status == 201}) == 1
    assert Refund.objects.count() == 1
