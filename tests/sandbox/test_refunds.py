from concurrent.futures import ThreadPoolExecutor

import pytest

from sandbox import errors
from sandbox.models import Event, Order, Refund, TicketType
from tests.conftest import ApiSession
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def order(account):
    event = event_make(account)
    return order_make(event, ticket_type_make(event, price=2500), quantity=4)  # total 10000


def refund(api, order, **body):
    return api.post(f"/orders/{order.pk}/refund", json={"reason": "Customer request", **body})


def test_partial_refund_keeps_tickets_valid(api, order):
    response = refund(api, order, amount=2500)
    assert response.status_code == 201
    body = response.json()
    assert body["id"].startswith("ref_") and body["amount"] == 2500 and body["reason"] == "Customer request"
    assert body["order"]["status"] == "partially_refunded" and body["order"]["amount_refunded"] == 2500
    assert {a["status"] for a in body["order"]["attendees"]} == {"valid"}
    assert TicketType.objects.get().quantity_sold == 4


def test_refunding_the_rest_voids_the_tickets_and_returns_them_to_stock(api, order):
    refund(api, order, amount=2500)
    body = refund(api, order).json()  # no amount: the whole remaining balance
    assert body["amount"] == 7500
    assert body["order"]["status"] == "refunded" and body["order"]["amount_refunded"] == 10000
    assert {a["status"] for a in body["order"]["attendees"]} == {"void"}
    assert TicketType.objects.get().quantity_sold == 0
    assert Event.objects.get().amount_refunded == 10000
    assert_api_error(refund(api, order), 409, errors.ORDER_NOT_REFUNDABLE)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 10001}, "amount"),
        ({"amount": 12.5}, "amount"),
        ({"amount": "100"}, "amount"),
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 501}, "reason"),
        ({"note": "hi"}, "note"),
    ],
)
def test_bad_refunds_are_400_on_the_field_and_change_nothing(api, order, body, field):
    assert_api_error(refund(api, order, **body), 400, errors.VALIDATION_ERROR, field)
    assert not Refund.objects.exists()


def test_reason_is_required(api, order):
    assert_api_error(api.post(f"/orders/{order.pk}/refund", json={"amount": 1}), 400, "VALIDATION_ERROR", "reason")


def test_a_stale_page_cannot_refund(api, order):
    refund(api, order, amount=1000, expected_amount_refunded=0)
    error = assert_api_error(refund(api, order, amount=1000, expected_amount_refunded=0), 409, errors.REFUND_STALE)
    assert error["amount_refunded"] == 1000
    assert refund(api, order, amount=1000, expected_amount_refunded=1000).status_code == 201


def test_concurrent_refunds_never_exceed_the_total(sandbox_url, account_and_key, order):
    sessions = [ApiSession(sandbox_url, account_and_key[1]) for _ in range(8)]

    def attempt(session):
        return refund(session, order, amount=3000).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(attempt, sessions))
    assert statuses == [201, 201, 201, 400, 400, 400, 400, 400]  # 3 x 3000 fit in 10000, a fourth does not
    order.refresh_from_db()
    assert order.amount_refunded == 9000 and Refund.objects.count() == 3
    assert Order.objects.get().status == "partially_refunded"
