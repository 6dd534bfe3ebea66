"""An open event with two ticket types and a few attendees, and helpers to scan them."""

import uuid

import pytest

from sandbox.models import Attendee
from sandbox.services.refunds import order_refund
from tests.factories import event_make, order_make, ticket_type_make


def door_event(account):
    """An open event, General and VIP tiers, three General tickets (Ada) and one VIP (Grace).

    A plain function so the browser tests can build the same night.
    """
    event = event_make(account, title="Spring Gala")
    general = ticket_type_make(event, name="General", price=2500, quantity=500)
    vip = ticket_type_make(event, name="VIP Balcony", price=9000, quantity=50)
    order_make(event, general, quantity=3, buyer_name="Ada Lovelace", buyer_email="ada@example.com")
    order_make(event, vip, quantity=1, buyer_name="Grace Hopper", buyer_email="grace@example.com")
    tickets = list(Attendee.objects.filter(event=event).order_by("ticket_type__price", "id"))
    return event, general, vip, tickets


def refunded_ticket(event, general) -> Attendee:
    order = order_make(event, general, quantity=1, buyer_name="Refunded Rita", buyer_email="rita@example.com")
    order_refund(order=order, amount=None, reason="changed plans", expected_amount_refunded=None)
    return Attendee.objects.get(order=order)


@pytest.fixture
def night(account):
    return door_event(account)


@pytest.fixture
def event(night):
    return night[0]


@pytest.fixture
def general(night):
    return night[1]


@pytest.fixture
def vip(night):
    return night[2]


@pytest.fixture
def tickets(night) -> list[Attendee]:
    """Three General (Ada's order) and one VIP (Grace's order), ordered as made."""
    return night[3]


@pytest.fixture
def refunded(event, general) -> Attendee:
    return refunded_ticket(event, general)


def door_url(event) -> str:
    return f"/events/{event.id}/door/"


def scan(client, event, barcode: str, key: str | None = None, *, htmx: bool = True):
    headers = {"HX-Request": "true"} if htmx else {}
    data = {"barcode": barcode, "idempotency_key": key or str(uuid.uuid4())}
    return client.post(door_url(event), data, headers=headers)


def outcome(response) -> str:
    html = response.content.decode()
    marker = 'data-outcome="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
