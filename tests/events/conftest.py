"""Events in the sandbox for the event pages, and helpers to drive them like htmx does."""

import re

import pytest

from tests.factories import event_make, order_make, ticket_type_make

HTMX = {"HX-Request": "true"}
DASH = "\N{EN DASH}"  # the list counts "1 DASH 20 of 25"
ROLES = ("door", "box_office", "organizer", "admin")
# Who may change events: the Organizer role (and superusers).
MANAGERS = ("organizer", "admin")
NOT_MANAGERS = ("door", "box_office")


@pytest.fixture
def event(account):
    """Published, one $25 ticket type of 100 with 12 sold in one order of $300."""
    event = event_make(account, title="Spring Gala")
    general = ticket_type_make(event, name="General", price=2500, quantity=100)
    order_make(event, general, quantity=12, buyer_name="Ada Lovelace", buyer_email="ada@example.com")
    return event


@pytest.fixture
def ticket_type(event):
    return event.ticket_types.get(name="General")


@pytest.fixture
def draft(account):
    return event_make(account, title="Autumn Fair", status="draft", days_ahead=60)


def field_values(html: str) -> dict[str, str]:
    """The value of each named input in an HTML fragment (what the browser would post back)."""
    found = {}
    for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            found[name.group(1)] = value.group(1) if value else ""
    return found


def main_of(response) -> str:
    """The page's <main> (or the whole fragment): what this area put there."""
    html = response.content.decode()
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html
