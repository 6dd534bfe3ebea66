"""The order pages against the live sandbox: every page and action, every role."""

import pytest
from django.core import mail

from boxoffice.audit.models import AuditEntry
from boxoffice.brightstar import client as bs_client
from boxoffice.brightstar.errors import ConnectionFailed
from sandbox.models import ConfirmationSend, Refund
from sandbox.models import Order as SandboxOrder
from tests.factories import event_make, order_make
from tests.orders.conftest import refund_form_fields, resend_key
from tests.pager import assert_pager, pager_of

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

FORBIDDEN_FOR = ("door", "nobody")
ALLOWED_FOR = ("box_office", "organizer", "admin")


def html(response) -> str:
    return response.content.decode()


# --- who may see what ---------------------------------------------------------


def _order_urls(order):
    return [
        ("get", "/orders/lookup/?q=ada"),
        ("get", f"/orders/event/{order.event_id}/"),
        ("get", f"/orders/{order.id}/"),
        ("post", f"/orders/{order.id}/refund/"),
        ("post", f"/orders/{order.id}/resend/"),
    ]


@pytest.mark.parametrize("role", FORBIDDEN_FOR)
def test_door_and_roleless_staff_cannot_reach_any_order_page(client_as, order, role, api_calls):
    client = client_as(role)
    for method, url in _order_urls(order):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "Box office" in html(response) and "Organizer" in html(response), url
    assert api_calls == []  # refused before BrightStar is asked anything
    assert not Refund.objects.exists()


def test_forbidden_htmx_request_gets_the_message_fragment(client_as, order):
    response = client_as("door").post(f"/orders/{order.id}/refund/", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "<html" not in html(response)
    assert "refund orders" in html(response)


def test_anonymous_visitors_are_sent_to_log_in(client, dashboard, order):
    for method, url in _order_urls(order):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize("role", ALLOWED_FOR)
def test_order_page_shows_everything_in_one_api_call(client_as, order, role, api_calls):
    response = client_as(role).get(f"/orders/{order.id}/")
    assert response.status_code == 200
    page = html(response)
    # expand=event,ticket_types: the names staff read out come with the order, cold or warm.
    assert api_calls == [("GET", f"orders/{order.id}")]
    assert "Ada Lovelace" in page and "ada@example.com" in page
    item = order.items.get()
    assert order.event.title in page and item.ticket_type.name in page
    assert f"<td>{item.ticket_type_id}</td>" not in page  # names, not ids
    assert "$25.00" in page and "$50.00" in page
    for attendee in order.attendees.all():
        assert attendee.barcode in page
    assert "Not checked in" in page
    assert "No refunds." in page
    # Box office and organizers may refund and resend: both actions are offered.
    assert 'name="idempotency_key"' in page and "Resend confirmation" in page
    assert 'value="50.00"' in page  # the whole refundable amount, ready for a full refund


def test_order_page_shows_check_in_state(client_as, api, order):
    attendee = order.attendees.order_by("id").first()
    response = api.post(f"/events/{order.event_id}/checkins", json={"attendee_id": attendee.id})
    assert response.status_code == 201, response.text
    page = html(client_as("box_office").get(f"/orders/{order.id}/"))
    assert "Checked in" in page and "Not checked in" in page


def test_unknown_order_is_a_404_page(client_as, dashboard):
    response = client_as("box_office").get("/orders/ord_doesnotexist/")
    assert response.status_code == 404


def test_order_page_read_failure_is_a_message_not_a_500(client_as, order, monkeypatch):
    def down(method, path, **kwargs):
        raise ConnectionFailed("refused", may_have_reached_server=False)

    monkeypatch.setattr(bs_client, "_request", down)
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)
    response = client_as("box_office").get(f"/orders/{order.id}/")
    assert response.status_code == 503
    assert "BrightStar is unreachable" in html(response)
    htmx = client_as("box_office").get(f"/orders/{order.id}/", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx["HX-Retarget"] == "#alerts"
    assert "BrightStar is unreachable" in html(htmx)


# --- refunds ------------------------------------------------------------------


def test_partial_then_full_refund(client_as, order, refund_post):
    client = client_as("box_office")
    response = refund_post(client, order.id, amount="10.00")
    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page  # the #order section only
    assert "Refunded $10.00. Still refundable: $40.00." in page
    assert 'hx-swap-oob="beforeend:#toasts"' not in page  # told once, in place, not again in a toast
    order.refresh_from_db()
    assert order.amount_refunded == 1000 and order.status == "partially_refunded"
    # The refreshed section offers the rest, with a new key and the new baseline.
    fields = refund_form_fields(page)
    assert fields["expected_amount_refunded"] == "1000"
    assert 'value="40.00"' in page

    response = refund_post(client, order.id, fields=fields, amount="40.00", reason="Event change")
    page = html(response)
    assert "Refunded $40.00 and voided" in page and "Still refundable: $0.00." in page  # a full refund voids all
    assert "Nothing is left to refund" in page
    order.refresh_from_db()
    assert order.amount_refunded == 5000 and order.status == "refunded"
    assert [r.amount for r in Refund.objects.filter(order=order).order_by("created_at")] == [1000, 4000]
    assert set(order.attendees.values_list("status", flat=True)) == {"void"}
    entries = AuditEntry.objects.filter(order_id=order.id, action="order.refund").order_by("id")
    assert [(e.outcome, e.amount, e.staff_username) for e in entries] == [
        ("succeeded", 1000, "box_office"),
        ("succeeded", 4000, "box_office"),
    ]


def test_refund_without_htmx_redirects_to_the_order_with_a_message(client_as, order, refund_post):
    client = client_as("organizer")
    response = refund_post(client, order.id, amount="5", htmx=False)
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.id}/"
    page = html(client.get(response["Location"]))
    assert "Refunded $5.00" in page
    assert Refund.objects.get(order=order).amount == 500


def test_the_same_form_posted_twice_refunds_once(client_as, order, refund_post, api_calls):
    client = client_as("box_office")
    fields = refund_form_fields(html(client.get(f"/orders/{order.id}/")))
    first = refund_post(client, order.id, fields=fields, amount="20.00")
    second = refund_post(client, order.id, fields=fields, amount="20.00")
    assert "Refunded $20.00" in html(first)
    assert "already made" in html(second) and "Nothing was refunded twice" in html(second)
    assert Refund.objects.filter(order=order).count() == 1
    order.refresh_from_db()
    assert order.amount_refunded == 2000
    attempts = AuditEntry.objects.filter(idempotency_key=fields["idempotency_key"]).order_by("id")
    assert [a.outcome for a in attempts] == ["succeeded", "replayed"]
    assert ("POST", f"orders/{order.id}/refund") in api_calls


def test_stale_page_refreshes_the_order_and_refunds_nothing(client_as, order, refund_post, api):
    client = client_as("box_office")
    fields = refund_form_fields(html(client.get(f"/orders/{order.id}/")))
    # A colleague refunds $5 from another desk meanwhile.
    assert api.post(f"/orders/{order.id}/refund", json={"amount": 500, "reason": "desk 2"}).status_code == 201
    response = refund_post(client, order.id, fields=fields, amount="10.00")
    page = html(response)
    assert response.status_code == 200
    assert "Someone refunded this order meanwhile" in page
    assert Refund.objects.filter(order=order).count() == 1  # only the colleague's
    new_fields = refund_form_fields(page)
    assert new_fields["expected_amount_refunded"] == "500"
    assert new_fields["idempotency_key"] != fields["idempotency_key"]
    assert 'value="10.00"' in page  # what the user typed is kept
    assert "$45.00" in page  # the refreshed order
    assert AuditEntry.objects.get(idempotency_key=fields["idempotency_key"]).error_code == "REFUND_STALE"
    # Trying again on the refreshed form works.
    assert "Refunded $10.00" in html(refund_post(client, order.id, fields=new_fields, amount="10.00"))


def test_reusing_a_spent_form_for_another_amount_is_refused_and_refreshed(client_as, order, refund_post):
    client = client_as("box_office")
    fields = refund_form_fields(html(client.get(f"/orders/{order.id}/")))
    refund_post(client, order.id, fields=fields, amount="5.00")
    # The same key with a different body (a back-button resubmit, edited): BrightStar refuses it.
    page = html(refund_post(client, order.id, fields=fields, amount="6.00"))
    assert "already used for a different request" in page
    assert Refund.objects.filter(order=order).count() == 1
    fresh = refund_form_fields(page)
    assert fresh["idempotency_key"] != fields["idempotency_key"] and fresh["expected_amount_refunded"] == "500"


def test_refund_refused_when_nothing_is_refundable(client_as, order, refund_post):
    client = client_as("box_office")
    fields = refund_form_fields(html(client.get(f"/orders/{order.id}/")))
    SandboxOrder.objects.filter(pk=order.pk).update(status="cancelled")
    page = html(refund_post(client, order.id, fields=fields, amount="10.00"))
    assert "Nothing is left to refund on this order." in page
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("12.345", "at most 2 decimal places"),
        ("-1", "cannot be negative"),
        ("abc", "is not an amount"),
        ("50.01", "Only $50.00 is left to refund"),
        ("0", "above zero"),
        ("", "Enter the amount to refund"),
    ],
)
def test_invalid_amounts_keep_the_input_and_show_the_field_error(
    client_as, order, refund_post, api_calls, typed, error
):
    client = client_as("box_office")
    fields = refund_form_fields(html(client.get(f"/orders/{order.id}/")))
    response = refund_post(client, order.id, fields=fields, amount=typed)
    page = html(response)
    assert response.status_code == 422
    assert error in page
    assert f'value="{typed}"' in page and 'aria-invalid="true"' in page
    # Same form, same key: nothing was sent, so nothing to protect against.
    assert refund_form_fields(page)["idempotency_key"] == fields["idempotency_key"]
    assert not [call for call in api_calls if call[0] == "POST"]
    assert not Refund.objects.exists()


def test_reason_is_required_and_other_needs_details(client_as, order, refund_post):
    client = client_as("box_office")
    fields = refund_form_fields(html(client.get(f"/orders/{order.id}/")))
    page = html(refund_post(client, order.id, fields=fields, amount="1", reason=""))
    assert "Choose a reason for the refund." in page
    page = html(refund_post(client, order.id, fields=fields, amount="1", reason="Other", note=" "))
    assert "Say why" in page
    page = html(refund_post(client, order.id, fields=fields, amount="1", reason="Other", note="Broken seat"))
    assert "Refunded $1.00" in page
    assert Refund.objects.get(order=order).reason == "Other: Broken seat"


def test_lost_answer_keeps_the_same_key_so_a_retry_cannot_double_refund(client_as, order, refund_post, monkeypatch):
    client = client_as("box_office")
    fields = refund_form_fields(html(client.get(f"/orders/{order.id}/")))
    real = bs_client._request

    def refund_reaches_server_but_answer_is_lost(method, path, **kwargs):
        if method == "POST":
            real(method, path, **kwargs)  # BrightStar refunds…
            raise ConnectionFailed("read timeout", may_have_reached_server=True)  # …but we never hear it
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", refund_reaches_server_but_answer_is_lost)
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)
    response = refund_post(client, order.id, fields=fields, amount="15.00")
    page = html(response)
    assert response.status_code == 200
    assert "Not confirmed" in page and "Check the order before trying again" in page
    assert refund_form_fields(page) == fields  # the SAME key and baseline
    assert 'value="15.00"' in page

    monkeypatch.setattr(bs_client, "_request", real)
    retry = html(refund_post(client, order.id, fields=fields, amount="15.00"))
    assert "already made" in retry
    assert Refund.objects.filter(order=order).count() == 1
    attempts = AuditEntry.objects.filter(idempotency_key=fields["idempotency_key"]).order_by("id")
    assert [a.outcome for a in attempts] == ["unknown", "replayed"]


def test_unreachable_refund_is_not_shown_as_success(client_as, order, refund_post, monkeypatch):
    client = client_as("box_office")
    fields = refund_form_fields(html(client.get(f"/orders/{order.id}/")))
    real = bs_client._request

    def writes_fail(method, path, **kwargs):
        if method == "POST":
            raise ConnectionFailed("timeout", may_have_reached_server=True)
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", writes_fail)
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)
    response = refund_post(client, order.id, fields=fields, amount="15.00", htmx=False)
    assert response.status_code == 200
    page = html(response)
    assert "Not confirmed" in page and "Refunded $" not in page
    assert "<html" in page  # the full page, for a plain POST
    assert refund_form_fields(page) == fields
    assert not Refund.objects.exists()


# --- resend -------------------------------------------------------------------


def _resend(client, order_id, key, *, htmx=True):
    headers = {"HX-Request": "true", "HX-Target": "resend"} if htmx else {}
    return client.post(f"/orders/{order_id}/resend/", {"idempotency_key": key}, headers=headers)


def test_resend_says_where_and_when_it_went(client_as, order):
    client = client_as("box_office")
    key = resend_key(html(client.get(f"/orders/{order.id}/")))
    response = _resend(client, order.id, key)
    page = html(response)
    assert response.status_code == 200 and "<html" not in page
    assert "Sent to <strong>ada@example.com</strong>" in page
    sent = ConfirmationSend.objects.get(order=order)
    assert f"{sent.sent_at:%H:%M}" in page
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert resend_key(page) != key  # the next click is a new resend
    entry = AuditEntry.objects.get(action="order.resend")
    assert (entry.order_id, entry.outcome, entry.staff_username) == (order.id, "succeeded", "box_office")


def test_resend_double_click_sends_one_email(client_as, order):
    client = client_as("organizer")
    key = resend_key(html(client.get(f"/orders/{order.id}/")))
    _resend(client, order.id, key)
    _resend(client, order.id, key)
    assert ConfirmationSend.objects.filter(order=order).count() == 1
    assert list(AuditEntry.objects.filter(idempotency_key=key).order_by("id").values_list("outcome", flat=True)) == [
        "succeeded",
        "replayed",
    ]


def test_resend_limit_is_explained(client_as, order, monkeypatch):
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)  # the client retries a 429 briefly
    client = client_as("box_office")
    key = resend_key(html(client.get(f"/orders/{order.id}/")))
    for _ in range(5):
        key = resend_key(html(_resend(client, order.id, key)))
    response = _resend(client, order.id, key)
    page = html(response)
    assert response.status_code == 200
    assert "already sent 5 times this hour" in page and "Try again in 60 minutes" in page
    assert "Sent to" not in page
    assert ConfirmationSend.objects.filter(order=order).count() == 5
    assert AuditEntry.objects.filter(action="order.resend", outcome="rejected", error_code="RATE_LIMITED").count() == 1


def test_resend_without_htmx_redirects_with_a_message(client_as, order):
    client = client_as("box_office")
    response = _resend(client, order.id, "k-" + order.id, htmx=False)
    assert response.status_code == 302
    assert "Confirmation sent to ada@example.com" in html(client.get(response["Location"]))


def test_resend_connection_failure_is_a_message(client_as, order, monkeypatch):
    def down(method, path, **kwargs):
        raise ConnectionFailed("refused", may_have_reached_server=False)

    monkeypatch.setattr(bs_client, "_request", down)
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)
    page = html(_resend(client_as("box_office"), order.id, "key-1"))
    assert "BrightStar is unreachable" in page and "Sent to" not in page
    assert 'value="key-1"' in page  # a retry reuses the key: one email at most


# --- lookup -------------------------------------------------------------------


def test_lookup_by_order_id_goes_straight_to_the_order(client_as, order, api_calls):
    client = client_as("box_office")
    response = client.get("/orders/lookup/", {"q": order.id})
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.id}/"
    assert api_calls == [("GET", f"orders/{order.id}")]
    # Read out over the phone and typed in capitals: still found.
    response = client.get("/orders/lookup/", {"q": " " + order.id.upper() + " "})
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.id}/"


def test_lookup_by_email_lists_the_orders(client_as, order, event, ticket_type):
    other = order_make(event, ticket_type, buyer_name="Grace Hopper", buyer_email="grace@example.com")
    response = client_as("organizer").get("/orders/lookup/", {"q": "ada@example"})
    page = html(response)
    assert response.status_code == 200
    assert order.id in page and other.id not in page
    assert 'value="ada@example"' in page  # the search box keeps the query


def test_lookup_dropdown_for_htmx(client_as, order, api_calls):
    response = client_as("box_office").get("/orders/lookup/", {"q": "lovelace"}, headers={"HX-Request": "true"})
    page = html(response)
    assert "<html" not in page
    assert "Ada Lovelace" in page and "ada@example.com" in page and order.id in page and "$50.00" in page
    assert f'href="/orders/{order.id}/"' in page
    assert len(api_calls) == 1


def test_lookup_dropdown_says_when_nothing_matches(client_as, order):
    page = html(client_as("box_office").get("/orders/lookup/", {"q": "nobody@nowhere"}, headers={"HX-Request": "true"}))
    assert "No orders match" in page


def test_empty_lookup_asks_brightstar_nothing(client_as, dashboard, api_calls):
    response = client_as("box_office").get("/orders/lookup/", {"q": "  "}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content == b""
    page = client_as("box_office").get("/orders/lookup/")
    assert page.status_code == 200 and "Find an order" in html(page)
    assert api_calls == []


def test_unknown_order_id_lookup_shows_no_match(client_as, dashboard):
    response = client_as("box_office").get("/orders/lookup/", {"q": "ord_nope"})
    assert response.status_code == 200 and "No orders match" in html(response)


# --- an event's orders --------------------------------------------------------


def test_event_orders_filter_by_status_and_query(client_as, order, event, ticket_type, api, api_calls):
    grace = order_make(event, ticket_type, buyer_name="Grace Hopper", buyer_email="grace@example.com")
    assert api.post(f"/orders/{grace.id}/refund", json={"reason": "test"}).status_code == 201
    client = client_as("box_office")
    page = html(client.get(f"/orders/event/{event.id}/"))
    assert order.id in page and grace.id in page and "Spring Gala" in page
    assert "1\u20132 of 2 orders" in page
    assert len(api_calls) <= 2  # the event (cached after) and one page of orders
    page = html(client.get(f"/orders/event/{event.id}/", {"status": "refunded"}))
    assert grace.id in page and order.id not in page
    page = html(client.get(f"/orders/event/{event.id}/", {"q": "ada"}, headers={"HX-Request": "true"}))
    assert order.id in page and grace.id not in page and "<html" not in page and 'id="orders-results"' in page


def test_event_orders_filter_by_date_and_paginate(client_as, event, ticket_type):
    from datetime import timedelta

    from django.utils import timezone

    old = order_make(event, ticket_type, buyer_email="old@example.com", created_at=timezone.now() - timedelta(days=30))
    for n in range(21):
        order_make(event, ticket_type, quantity=1, buyer_email=f"b{n}@example.com")
    client = client_as("organizer")
    page = html(client.get(f"/orders/event/{event.id}/"))
    assert "1\u201320 of 22 orders" in page and old.id not in page and "?page=2" in page
    page = html(client.get(f"/orders/event/{event.id}/", {"page": 2}))
    assert "21\u201322 of 22 orders" in page and old.id in page
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    page = html(client.get(f"/orders/event/{event.id}/", {"date_from": since}))
    assert "of 21 orders" in page and old.id not in page
    until = (timezone.now() - timedelta(days=10)).date().isoformat()
    page = html(client.get(f"/orders/event/{event.id}/", {"date_to": until}))
    assert "1\u20131 of 1 order" in page and old.id in page


def test_event_orders_pager_keeps_the_filters(client_as, event, ticket_type, monkeypatch):
    monkeypatch.setattr("boxoffice.orders.views.PAGE_SIZE", 2)
    for n in range(15):
        order_make(event, ticket_type, quantity=1, buyer_name=f"Bob {n:02d}", buyer_email=f"b{n}@example.com")
    client = client_as("organizer")
    page = html(
        client.get(f"/orders/event/{event.id}/", {"q": "Bob", "status": "", "page": 5}, headers={"HX-Request": "true"})
    )
    assert "9\u201310 of 15 orders" in page and "??" not in page
    items = assert_pager(page, current=5, target="#orders-results", swap="outerHTML", keeps={"q": "Bob", "status": ""})
    assert [i["text"] for i in items] == ["Previous", "1", "…", "3", "4", "5", "6", "7", "8", "Next"]
    # Without JavaScript the link is followed as it stands: the filters and the page arrive.
    page = html(client.get(f"/orders/event/{event.id}/" + items[-1]["href"]))
    assert "11\u201312 of 15 orders" in page and "Ada Lovelace" not in page
    assert pager_of(html(client.get(f"/orders/event/{event.id}/", {"q": "Bob 01"}))) == []  # one page: no pager


def test_event_orders_bad_filters_are_explained(client_as, event, api_calls):
    response = client_as("box_office").get(
        f"/orders/event/{event.id}/", {"date_from": "2025-05-02", "date_to": "2025-05-01"}
    )
    assert response.status_code == 422
    assert "must not be before" in html(response)
    assert ("GET", f"events/{event.id}/orders") not in api_calls


def test_event_orders_of_unknown_event_is_404(client_as, dashboard):
    assert client_as("box_office").get("/orders/event/evt_nope/").status_code == 404


def test_other_events_orders_stay_out(client_as, account, order):
    other = event_make(account, title="Other")
    page = html(client_as("box_office").get(f"/orders/event/{other.id}/"))
    assert order.id not in page and "No orders match" in page


def test_back_button_history_restore_gets_the_whole_page(client_as, event):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    page = html(client_as("box_office").get(f"/orders/event/{event.id}/", {"status": "refunded"}, headers=headers))
    assert "<html" in page and 'id="orders-results"' in page


def test_lookup_results_name_the_event_and_its_date_in_one_call(client_as, order, api_calls):
    order.event.timezone = "Europe/Berlin"
    order.event.save(update_fields=["timezone"])
    response = client_as("box_office").get("/orders/lookup/", {"q": "ada"}, headers={"HX-Request": "true"})
    page = html(response)
    assert "Spring Gala" in page and " CE" in page  # CET or CEST: the event's own zone, named
    assert f"event <code>{order.event_id}</code>" not in page
    assert api_calls == [("GET", "orders")]
