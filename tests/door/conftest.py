"""An open event with two ticket types and a few attendees, and helpers to scan and list them."""

import uuid

import pytest

from boxoffice.brightstar import client as bs_client
from boxoffice.brightstar.errors import ConnectionFailed
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


def crowd_make(event, general, vip, *, hundreds: int, vips: int, gone: str = "Gone Guest"):
    """`hundreds` orders of 100 General, one of `vips` VIP, and one VIP bought by `gone` and refunded."""
    for i in range(hundreds):
        order_make(event, general, quantity=100, buyer_name=f"Crowd {i}", buyer_email=f"crowd{i}@example.com")
    order_make(event, vip, quantity=vips, buyer_name="Balcony Box", buyer_email="box@example.com")
    gone_order = order_make(event, vip, quantity=1, buyer_name=gone, buyer_email="gone@example.com")
    order_refund(order=gone_order, amount=None, reason="changed plans", expected_amount_refunded=None)
    return Attendee.objects.filter(event=event)


# Named apart from their fixtures so that tests/browser can take the same night by importing them.
@pytest.fixture(name="night")
def fixture_night(account):
    return door_event(account)


@pytest.fixture(name="event")
def fixture_event(night):
    return night[0]


@pytest.fixture(name="general")
def fixture_general(night):
    return night[1]


@pytest.fixture(name="vip")
def fixture_vip(night):
    return night[2]


@pytest.fixture(name="tickets")
def fixture_tickets(night) -> list[Attendee]:
    """Three General (Ada's order) and one VIP (Grace's order), ordered as made."""
    return night[3]


@pytest.fixture(name="refunded")
def fixture_refunded(event, general) -> Attendee:
    return refunded_ticket(event, general)


@pytest.fixture(name="queue")
def fixture_queue(event, general) -> list[Attendee]:
    """Twelve more General tickets in one order: people waiting at the door."""
    order_make(event, general, quantity=12, buyer_name="Queue Person", buyer_email="queue@example.com")
    return list(Attendee.objects.filter(event=event, order__buyer_name="Queue Person").order_by("id"))


@pytest.fixture
def requests_made(monkeypatch):
    """(method, path, params) of every exchange with BrightStar."""
    made = []
    real = bs_client._request

    def recording(method, path, **kwargs):
        made.append((method, path, dict(kwargs.get("params") or {})))
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", recording)
    return made


@pytest.fixture
def lose_brightstar_after_two_pages(monkeypatch, settings):
    """Call it, and BrightStar serves two more pages of attendees, then none (and nothing is tried twice)."""
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 1
    monkeypatch.setattr("boxoffice.brightstar.attendees.EXPORT_MAX_ATTEMPTS", 1)
    real = bs_client._request

    def lose():
        served = []

        def flaky(method, path, **kwargs):
            if path.endswith("/attendees"):
                if len(served) >= 2:
                    raise ConnectionFailed("gone", may_have_reached_server=False)
                served.append(path)
            return real(method, path, **kwargs)

        monkeypatch.setattr(bs_client, "_request", flaky)

    return lose


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
