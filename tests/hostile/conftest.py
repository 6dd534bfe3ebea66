"""One event, ticket type and order in the sandbox — with hostile text in them — and an organizer.

Made once per test function (hypothesis then runs all its examples on it):
the stored names are payloads too, so every page that shows them proves
they are escaped on the way out as well.
"""

from dataclasses import dataclass

import pytest

from sandbox.models import Attendee, Event, Order, TicketType
from tests.factories import event_make, order_make, ticket_type_make

STORED_XSS = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


@dataclass(frozen=True)
class World:
    event: Event
    ticket_type: TicketType
    order: Order
    attendee: Attendee


@pytest.fixture
def world(account) -> World:
    event = event_make(account, title=f"Gala {STORED_XSS}")
    event.venue = f"Hall {STORED_XSS}"
    event.description = STORED_XSS
    event.save()
    ticket_type = ticket_type_make(event, name=f"General {STORED_XSS}", price=2500, quantity=10_000)
    order = order_make(event, ticket_type, quantity=3, buyer_name=f"Ada {STORED_XSS}", buyer_email="ada@example.com")
    return World(event, ticket_type, order, order.attendees.order_by("id").first())


@pytest.fixture
def organizer(client_as):
    """Organizers may do everything: every form and filter is theirs to misuse."""
    return client_as("organizer")


HTMX = {"HX-Request": "true"}
