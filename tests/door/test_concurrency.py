"""Eight doors scan the same ticket at the same instant, through the dashboard: one gets in."""

import threading
import uuid

import pytest
from django.db import connections
from django.test import Client

from boxoffice.audit.models import AuditEntry
from sandbox.models import Attendee, TicketType
from tests.door.conftest import door_url, outcome

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

DOORS = 8


def test_the_same_barcode_from_eight_doors_admits_exactly_once(dashboard, staff_users, event, tickets):
    ticket = tickets[0]
    # Each door is its own logged-in browser session with its own keys.
    clients = []
    for _ in range(DOORS):
        client = Client()
        client.force_login(staff_users["door"])
        clients.append(client)
    start = threading.Barrier(DOORS)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def door(client: Client) -> None:
        try:
            start.wait(timeout=10)
            response = client.post(
                door_url(event),
                {"barcode": ticket.barcode, "idempotency_key": str(uuid.uuid4())},
                headers={"HX-Request": "true"},
            )
            outcomes.append(outcome(response))
        except BaseException as exc:  # reported below, on the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=door, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert not failures, failures
    assert sorted(outcomes) == ["admitted"] + ["duplicate"] * (DOORS - 1)
    assert Attendee.objects.filter(pk=ticket.pk, checked_in=True).count() == 1
    assert TicketType.objects.get(pk=ticket.ticket_type_id).checked_in_count == 1
    # Every attempt is in the audit log: one success, seven refusals.
    attempts = AuditEntry.objects.filter(action="attendee.check_in", event_id=event.id)
    assert attempts.count() == DOORS
    assert attempts.filter(outcome="succeeded").count() == 1
