import pytest
from django.core import mail

from sandbox import errors
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_resend_mails_the_confirmation_and_says_where(api, account):
    event = event_make(account, title="Spring Gala")
    order = order_make(event, ticket_type_make(event), buyer_email="ada@example.com")
    response = api.post(f"/orders/{order.pk}/resend")
    assert response.status_code == 200
    body = response.json()
    assert body["order_id"] == order.pk and body["email"] == "ada@example.com" and body["sent_at"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@example.com"] and "Spring Gala" in message.subject
    assert order.attendees.first().barcode in message.body


def test_at_most_five_resends_an_hour(api, account):
    event = event_make(account)
    order = order_make(event, ticket_type_make(event))
    for _ in range(5):
        assert api.post(f"/orders/{order.pk}/resend").status_code == 200
    response = api.post(f"/orders/{order.pk}/resend")
    assert_api_error(response, 429, errors.RATE_LIMITED)
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600
    assert len(mail.outbox) == 5


def test_resend_of_an_unknown_order_is_404(api):
    assert_api_error(api.post("/orders/ord_0000000000000000/resend"), 404, errors.NOT_FOUND)
