"""The API key is read from the environment only: never rendered, logged or sent to the browser.

Every page, fragment and error path, as every role, is fetched and searched
for the key (and for its secret part, in case something trims the prefix).
"""

import logging

import pytest

from boxoffice.brightstar import client, errors
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

ROLES = ("door", "box_office", "organizer", "admin", "nobody")


@pytest.fixture
def pages(account):
    event = event_make(account, title="Leak check gala")
    ticket_type = ticket_type_make(event)
    order = order_make(event, ticket_type, quantity=2, buyer_email="leak@example.com")
    attendee = order.attendees.first()
    e, o, t = event.pk, order.pk, ticket_type.pk
    gets = [
        "/",
        "/login/",
        "/events/",
        "/events/?status=draft&sort=title",
        "/events/new/",
        f"/events/{e}/",
        f"/events/{e}/summary/",
        f"/events/{e}/edit/",
        f"/events/{e}/tickets/{t}/",
        f"/events/{e}/tickets/{t}/edit/",
        "/orders/lookup/?q=leak",
        f"/orders/lookup/?q={o}",
        f"/orders/event/{e}/",
        f"/orders/{o}/",
        "/audit/",
        f"/events/{e}/door/",
        f"/events/{e}/door/counters/",
        f"/events/{e}/door/search/?q=Ada",
        f"/events/{e}/attendees/",
        f"/events/{e}/attendees/export.csv",
        "/admin/",
        "/events/evt_0000000000000000/",
        "/orders/ord_0000000000000000/",
    ]
    posts = [
        (f"/orders/{o}/refund/", {"amount": "12.345", "reason": "Other"}),
        (f"/orders/{o}/resend/", {}),
        (f"/events/{e}/door/", {"barcode": attendee.barcode, "idempotency_key": "leak-1"}),
        (f"/events/{e}/door/", {"barcode": "NOPE", "idempotency_key": "leak-2"}),
        (f"/events/{e}/tickets/{t}/edit/", {"name": "", "price": "abc", "quantity": "-1"}),
    ]
    return gets, posts


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _assert_clean(text: str, key: str, where: str) -> None:
    secret = key.removeprefix("bs_test_")
    assert key not in text and secret not in text, f"API key leaked in {where}"


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_log_line_carries_the_key(client_as, account_and_key, pages, role, caplog):
    key = account_and_key[1]
    gets, posts = pages
    browser = client_as(role)
    caplog.set_level(logging.DEBUG)
    for url in gets:
        for headers in ({}, {"HX-Request": "true"}):
            response = browser.get(url, headers=headers)
            assert response.status_code < 500, (url, response.status_code)
            _assert_clean(_body(response), key, f"GET {url} as {role}")
            _assert_clean(str(response.headers), key, f"headers of GET {url} as {role}")
    for url, data in posts:
        response = browser.post(url, data, headers={"HX-Request": "true"})
        assert response.status_code < 500, (url, response.status_code)
        _assert_clean(_body(response), key, f"POST {url} as {role}")
    _assert_clean(caplog.text, key, f"the log while {role} browsed")


def test_error_pages_do_not_carry_the_key_either(client_as, account_and_key, monkeypatch, caplog):
    key = account_and_key[1]

    def refused(method, path, **kwargs):
        raise errors.ConnectionFailed(f"could not reach BrightStar with {key}", may_have_reached_server=False)

    monkeypatch.setattr(client, "_request", refused)
    caplog.set_level(logging.DEBUG)
    browser = client_as("organizer")
    for headers in ({}, {"HX-Request": "true"}):
        response = browser.get("/events/", headers=headers)
        assert response.status_code in (200, 503)
        _assert_clean(_body(response), key, "the unreachable page")
    _assert_clean(caplog.text, key, "the log of a failed request")
