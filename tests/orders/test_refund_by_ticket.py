"""Refunds say what they will do before they are sent, and can void exactly the tickets staff tick.

The confirmation is a second step on the server, so it shows the amount as the
dashboard parsed it (never as typed), the buyer, and the tickets that will be
refused at the door; nothing reaches BrightStar until it is confirmed.
"""

import pytest

from sandbox.models import Attendee, Refund
from tests.orders.conftest import refund_form_fields
from tests.orders.test_views import html

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def four(event, ticket_type):
    from tests.factories import order_make

    order = order_make(event, ticket_type, quantity=4, buyer_name="Nadia Bianchi", buyer_email="nadia@example.com")
    names = ["Chidi Bianchi", "Eleanor Bianchi", "Jason Bianchi", "Tahani Bianchi"]
    for attendee, name in zip(order.attendees.order_by("id"), names, strict=True):
        attendee.name = name
        attendee.save(update_fields=["name"])
    return order


def _first_step(client, refund_post, order_id, **data):
    return refund_post(client, order_id, confirmed="", **data)


def test_nothing_is_refunded_until_the_confirmation_says_what_will_happen(client_as, four, refund_post):
    desk = client_as("box_office")
    response = _first_step(desk, refund_post, four.pk, amount="10.00")
    page = html(response)
    assert response.status_code == 200 and 'id="refund-confirm"' in page
    assert "Refund $10.00 to Nadia Bianchi?" in page
    # A refund of money only: the dialog says the tickets still get in.
    assert "No ticket is voided" in page and "all 4 tickets of this order stay valid" in page
    assert not Refund.objects.filter(order_id=four.pk).exists()


def test_a_decimal_comma_is_refused_in_an_en_us_box_office_and_nothing_is_sent(client_as, four, refund_post):
    # "2,5" once refunded $25.00: it could mean 2.50 or 25, so it is never guessed.
    desk = client_as("box_office")
    for step in ("", "true"):
        response = refund_post(desk, four.pk, amount="2,5", confirmed=step)
        assert response.status_code == 422
        assert "is not an amount here. Write it like 2.50." in html(response)
    assert not Refund.objects.filter(order_id=four.pk).exists()


def test_two_fifty_refunds_250_cents(client_as, four, refund_post):
    desk = client_as("box_office")
    assert "Refund $2.50 to Nadia Bianchi?" in html(_first_step(desk, refund_post, four.pk, amount="2.50"))
    response = refund_post(desk, four.pk, amount="2.50")
    assert "Refunded $2.50." in html(response)
    assert list(Refund.objects.filter(order_id=four.pk).values_list("amount", flat=True)) == [250]


def test_the_confirmation_names_the_tickets_and_the_amount_they_cost(client_as, four, refund_post):
    desk = client_as("box_office")
    chidi = four.attendees.get(name="Chidi Bianchi")
    response = _first_step(desk, refund_post, four.pk, amount="", tickets=[chidi.pk])
    page = html(response)
    # The amount left blank is what the ticket cost; the ticket type is named, not its id.
    assert "Refund $25.00 to Nadia Bianchi and void 1 ticket?" in page
    assert "Chidi Bianchi, General" in page and "3 tickets stay valid" in page


def test_refunding_one_ticket_of_four_voids_only_that_one_and_the_door_refuses_only_it(
    client_as, four, refund_post, api
):
    desk = client_as("box_office")
    chidi = four.attendees.get(name="Chidi Bianchi")
    response = refund_post(desk, four.pk, amount="", tickets=[chidi.pk])
    assert "Refunded $25.00 and voided 1 ticket. Still refundable: $75.00." in html(response)
    states = dict(Attendee.objects.filter(order_id=four.pk).values_list("name", "status"))
    assert states == {
        "Chidi Bianchi": "void",
        "Eleanor Bianchi": "valid",
        "Jason Bianchi": "valid",
        "Tahani Bianchi": "valid",
    }
    refused = api.post(f"/events/{four.event_id}/checkins", json={"barcode": chidi.barcode})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "TICKET_VOID"
    sibling = four.attendees.get(name="Eleanor Bianchi")
    assert api.post(f"/events/{four.event_id}/checkins", json={"barcode": sibling.barcode}).status_code == 201


def test_more_than_the_ticked_tickets_cost_is_refused_before_anything_is_sent(client_as, four, refund_post):
    desk = client_as("box_office")
    chidi = four.attendees.get(name="Chidi Bianchi")
    response = _first_step(desk, refund_post, four.pk, amount="30.00", tickets=[chidi.pk])
    assert response.status_code == 422
    assert "Those tickets cost $25.00: refund at most that, or untick them." in html(response)


def test_a_voided_ticket_is_no_longer_offered(client_as, four, refund_post):
    desk = client_as("box_office")
    chidi = four.attendees.get(name="Chidi Bianchi")
    refund_post(desk, four.pk, amount="", tickets=[chidi.pk])
    page = html(desk.get(f"/orders/{four.pk}/"))
    assert f'value="{chidi.pk}"' not in page
    assert refund_form_fields(page)["expected_amount_refunded"] == "2500"


def test_the_refund_form_offers_every_reason(client_as, four):
    page = html(client_as("box_office").get(f"/orders/{four.pk}/"))
    for reason in ("Customer request", "Event change", "Duplicate order", "Other"):
        assert f'<option value="{reason}">{reason}</option>' in page
