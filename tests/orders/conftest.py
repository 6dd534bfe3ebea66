"""An event with one order of two $25 tickets in the sandbox, and helpers to drive its page."""

import re

import pytest

from tests.factories import event_make, order_make, ticket_type_make


def _hidden(name: str, section: str) -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', section)
    assert match, section
    return match.group(1)


@pytest.fixture
def event(account):
    return event_make(account, title="Spring Gala")


@pytest.fixture
def ticket_type(event):
    return ticket_type_make(event, name="General", price=2500)


@pytest.fixture
def order(event, ticket_type):
    """Total $50.00 (5000 cents), two attendees."""
    return order_make(event, ticket_type, quantity=2, buyer_name="Ada Lovelace", buyer_email="ada@example.com")


def refund_form_fields(html: str) -> dict[str, str]:
    """The hidden fields the order page issued with its refund form."""
    section = html[html.index('/refund/"') :]
    section = section[: section.index("</form>")]
    return {name: _hidden(name, section) for name in ("idempotency_key", "expected_amount_refunded")}


def resend_key(html: str) -> str:
    return _hidden("idempotency_key", html[html.index('id="resend"') :])


@pytest.fixture
def refund_post():
    """refund_post(client, order, amount="10.00", reason=...) -> response, posting the form the page issued."""

    def post(client, order_id, *, fields=None, htmx=True, **data):
        if fields is None:
            fields = refund_form_fields(client.get(f"/orders/{order_id}/").content.decode())
        # The second step: staff confirmed what the dialog said (confirmed="" posts the first).
        payload = {"reason": "Customer request", "note": "", "confirmed": "true", **fields, **data}
        headers = {"HX-Request": "true", "HX-Target": "order"} if htmx else {}
        return client.post(f"/orders/{order_id}/refund/", payload, headers=headers)

    return post
