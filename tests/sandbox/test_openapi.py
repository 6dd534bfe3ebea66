import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

OPERATIONS = {
    ("get", "/events"),
    ("post", "/events"),
    ("get", "/events/{event_id}"),
    ("patch", "/events/{event_id}"),
    ("delete", "/events/{event_id}"),
    ("get", "/events/{event_id}/tickets"),
    ("post", "/events/{event_id}/tickets"),
    ("patch", "/tickets/{ticket_type_id}"),
    ("get", "/events/{event_id}/attendees"),
    ("get", "/events/{event_id}/orders"),
    ("get", "/orders"),
    ("get", "/orders/{order_id}"),
    ("post", "/orders/{order_id}/refund"),
    ("post", "/orders/{order_id}/resend"),
    ("post", "/events/{event_id}/checkins"),
    ("delete", "/events/{event_id}/checkins/{attendee_id}"),
    ("get", "/events/{event_id}/scans"),
    ("post", "/events/{event_id}/scans"),
    ("get", "/events/{event_id}/stats"),
}


@pytest.mark.parametrize("root", ["/v1", "/v1/test"])
def test_the_openapi_document_needs_no_key_and_lists_every_operation(live_server, root):
    document = requests.get(f"{live_server.url}{root}/openapi.json", timeout=10).json()
    found = {(method, path.removeprefix(root)) for path, item in document["paths"].items() for method in item}
    assert found == OPERATIONS
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"]), (method, path)
    assert document["components"]["securitySchemes"]["KeyAuth"]["scheme"] == "bearer"


@pytest.mark.slow
def test_schemathesis_with_every_check_finds_nothing(live_server, account_and_key):
    """Property-based conformance: generated valid and invalid requests, all checks."""
    account, key = account_and_key
    event = event_make(account)
    ticket_type = ticket_type_make(event)
    order = order_make(event, ticket_type, quantity=3)
    env = {
        **os.environ,
        "ST_EVENT_ID": event.pk,
        "ST_ORDER_ID": order.pk,
        "ST_TICKET_TYPE_ID": ticket_type.pk,
        "ST_ATTENDEE_ID": order.attendees.first().pk,
    }
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(Path(settings.BASE_DIR) / "schemathesis.toml"),
        "run",
        f"{live_server.url}/v1/test/openapi.json",
        "--checks",
        "all",
        # A heuristic that misreads correct 404s here (see schemathesis.toml); --checks all would re-enable it.
        "--exclude-checks",
        "ensure_resource_availability",
        "--header",
        f"Authorization: Bearer {key}",
        "--max-examples",
        os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"),
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "20261127"),
        "--workers",
        "1",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert " passed" in summary and "failures" not in summary.lower().split("summary")[-1], summary
