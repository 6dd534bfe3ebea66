"""An error whose sentence states a number or a status also carries it as a field of the envelope.

The dashboard shows its own sentences; it reads these, never the English.
"""

import pytest

from sandbox import errors
from sandbox.models import Event
from sandbox.services.orders_create import order_create
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def sold(account):
    """A ticket type with 12 sold, in one order of 12 at 1000: total 12000."""
    event = event_make(account)
    ticket_type = ticket_type_make(event, price=1000, quantity=20)
    return ticket_type, order_make(event, ticket_type, quantity=12)


def test_quantity_below_sold_says_how_many_are_sold(api, sold):
    ticket_type, _ = sold
    error = assert_api_error(
        api.patch(f"/tickets/{ticket_type.pk}", json={"quantity": 11}), 400, errors.VALIDATION_ERROR, "quantity"
    )
    assert error["quantity_sold"] == 12


def test_a_refund_over_the_balance_says_what_remains(api, sold):
    _, order = sold
    api.post(f"/orders/{order.pk}/refund", json={"reason": "x", "amount": 2000})
    error = assert_api_error(
        api.post(f"/orders/{order.pk}/refund", json={"reason": "x", "amount": 10001}),
        400,
        errors.VALIDATION_ERROR,
        "amount",
    )
    assert error["remaining"] == error["maximum"] == 10000


def test_a_closed_door_says_the_event_status(api, sold):
    _, order = sold
    Event.objects.filter(pk=order.event_id).update(status="cancelled")
    ticket = order.attendees.first()
    error = assert_api_error(
        api.post(f"/events/{order.event_id}/checkins", json={"barcode": ticket.barcode}), 409, errors.EVENT_NOT_ACTIVE
    )
    assert error["event_status"] == "cancelled"


def test_the_resend_limit_says_the_limit_and_when_to_retry(api, sold):
    _, order = sold
    for _ in range(5):
        assert api.post(f"/orders/{order.pk}/resend").status_code == 200
    error = assert_api_error(api.post(f"/orders/{order.pk}/resend"), 429, errors.RATE_LIMITED)
    assert (error["limit"], error["period_seconds"]) == (5, 3600) and 1 <= error["retry_after"] <= 3600


def test_the_rate_limit_says_the_limit(api, settings):
    settings.SANDBOX_RATE_LIMIT = "2/minute"
    api.get("/events"), api.get("/events")
    error = assert_api_error(api.get("/events"), 429, errors.RATE_LIMITED)
    assert (error["limit"], error["period_seconds"]) == (2, 60)


def test_a_long_idempotency_key_says_the_maximum(api):
    response = api.post(
        "/events", json={"title": "x", "start_date": "2030-01-01"}, headers={"Idempotency-Key": "k" * 256}
    )
    error = assert_api_error(response, 400, errors.VALIDATION_ERROR, "Idempotency-Key")
    assert (error["min_length"], error["max_length"]) == (1, 255)


@pytest.mark.parametrize(
    ("method", "path", "body", "field", "limit"),
    [
        ("post", "/events", {"title": "x" * 201, "start_date": "2030-01-01"}, "title", {"max_length": 200}),
        ("post", "/events", {"title": "", "start_date": "2030-01-01"}, "title", {"min_length": 1}),
        ("get", "/events?limit=101", None, "limit", {"maximum": 100}),
        ("get", "/events?offset=-1", None, "offset", {"minimum": 0}),
    ],
)
def test_a_value_out_of_bounds_says_the_bound(api, method, path, body, field, limit):
    error = assert_api_error(api.request(method, path, json=body), 400, errors.VALIDATION_ERROR, field)
    assert {name: error[name] for name in limit} == limit


def test_a_refund_amount_below_one_says_the_minimum(api, sold):
    _, order = sold
    error = assert_api_error(
        api.post(f"/orders/{order.pk}/refund", json={"reason": "x", "amount": 0}),
        400,
        errors.VALIDATION_ERROR,
        "amount",
    )
    assert error["minimum"] == 1


def test_selling_past_the_stock_says_how_many_are_left(sold):
    from sandbox.errors import ApiError

    ticket_type, order = sold
    with pytest.raises(ApiError) as raised:
        order_create(event=order.event, buyer_name="B", buyer_email="b@example.com", items=[(ticket_type, 9)])
    assert raised.value.extra == {"ticket_type_id": ticket_type.pk, "available": 8}
