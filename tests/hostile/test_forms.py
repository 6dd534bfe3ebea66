"""Hostile values in every dashboard form: never a 500, never unescaped output, input refused in words.

Each test posts as an organizer (every capability) against the live sandbox,
as htmx and as a plain form, and — when the form went through — also opens
the page that shows what was saved, so stored payloads are checked on the
way out as well.
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boxoffice.events.forms import CURRENCIES
from boxoffice.orders.forms import REASONS
from sandbox.models import Order
from tests.hostile.conftest import HTMX
from tests.hostile.strategies import HOSTILE, XSS, assert_calm, dateish, hostile, numberish
from tests.hostile.strategies import keyish as key

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

# Mostly-plausible values, so many examples get past the form and reach BrightStar.
title = st.one_of(hostile(), st.sampled_from(XSS).map(lambda p: f"Gala {p}"))
start = st.one_of(st.just("2030-06-01T19:00"), dateish)
end = st.one_of(st.just(""), st.just("2030-06-01T23:00"), dateish)
currency = st.one_of(st.sampled_from(CURRENCIES), hostile())
price = st.one_of(st.sampled_from(("25.00", "0", "12.5", "1,000.00")), numberish)
quantity = st.one_of(st.sampled_from(("10", "0", "10000000")), numberish)


def _follow(client, response, *, sent) -> None:
    """After a save, open the page that shows it (plain redirect or htmx's HX-Redirect)."""
    target = response.get("Location") or response.get("HX-Redirect")
    if target and response.status_code in (200, 302):
        assert_calm(client.get(target), sent=sent)


@HOSTILE
@given(
    title=title,
    start=start,
    end=end,
    venue=hostile(),
    currency=currency,
    description=hostile(),
    key=key,
    htmx=st.booleans(),
)
def test_event_create(organizer, world, title, start, end, venue, currency, description, key, htmx):
    data = {
        "title": title,
        "start_date": start,
        "end_date": end,
        "venue": venue,
        "currency": currency,
        "description": description,
        "idempotency_key": key,
    }
    response = organizer.post("/events/new/", data, headers=HTMX if htmx else {})
    assert_calm(response, sent=data)
    assert response.status_code in (200, 302, 422)
    _follow(organizer, response, sent=data)


@HOSTILE
@given(title=title, start=start, end=end, venue=hostile(), currency=currency, description=hostile(), htmx=st.booleans())
def test_event_edit(organizer, world, title, start, end, venue, currency, description, htmx):
    data = {
        "event-title": title,
        "event-start_date": start,
        "event-end_date": end,
        "event-venue": venue,
        "event-currency": currency,
        "event-description": description,
    }
    response = organizer.post(f"/events/{world.event.pk}/edit/", data, headers=HTMX if htmx else {})
    assert_calm(response, sent=data)
    assert response.status_code in (200, 302, 422)
    _follow(organizer, response, sent=data)
    assert_calm(organizer.get(f"/events/{world.event.pk}/"), sent=data)


@HOSTILE
@given(name=title, price=price, quantity=quantity, key=key, htmx=st.booleans())
def test_ticket_type_create(organizer, world, name, price, quantity, key, htmx):
    data = {"new-name": name, "new-price": price, "new-quantity": quantity, "new-idempotency_key": key}
    response = organizer.post(f"/events/{world.event.pk}/tickets/new/", data, headers=HTMX if htmx else {})
    assert_calm(response, sent=data)
    assert response.status_code in (200, 302, 422)
    _follow(organizer, response, sent=data)


@HOSTILE
@given(name=title, price=price, quantity=quantity, htmx=st.booleans())
def test_ticket_type_edit(organizer, world, name, price, quantity, htmx):
    prefix = f"tt-{world.ticket_type.pk}"
    data = {f"{prefix}-name": name, f"{prefix}-price": price, f"{prefix}-quantity": quantity}
    url = f"/events/{world.event.pk}/tickets/{world.ticket_type.pk}/edit/"
    response = organizer.post(url, data, headers=HTMX if htmx else {})
    assert_calm(response, sent=data)
    assert response.status_code in (200, 302, 422)
    _follow(organizer, response, sent=data)


@HOSTILE
@given(
    amount=st.one_of(st.sampled_from(("0.01", "1.00", "75.00", "75.01")), numberish),
    reason=st.one_of(st.sampled_from(REASONS), hostile()),
    note=hostile(),
    key=key,
    expected=st.one_of(st.just("0"), numberish),
    htmx=st.booleans(),
)
def test_refund(organizer, world, amount, reason, note, key, expected, htmx):
    data = {
        "amount": amount,
        "reason": reason,
        "note": note,
        "idempotency_key": key,
        "expected_amount_refunded": expected,
    }
    response = organizer.post(f"/orders/{world.order.pk}/refund/", data, headers=HTMX if htmx else {})
    assert_calm(response, sent=data)
    assert response.status_code in (200, 302, 422)
    _follow(organizer, response, sent=data)
    order = Order.objects.get(pk=world.order.pk)
    assert 0 <= order.amount_refunded <= order.total  # whatever was typed, never more than was paid


@HOSTILE
@given(key=key, htmx=st.booleans())
def test_resend(organizer, world, key, htmx):
    response = organizer.post(
        f"/orders/{world.order.pk}/resend/", {"idempotency_key": key}, headers=HTMX if htmx else {}
    )
    assert_calm(response, sent=key)
    assert response.status_code in (200, 302)


@HOSTILE
@given(
    barcode=st.one_of(st.just("REAL"), hostile()),
    attendee_id=st.one_of(st.just(""), st.just("REAL"), hostile()),
    key=key,
    htmx=st.booleans(),
)
def test_door_scan(organizer, world, barcode, attendee_id, key, htmx):
    data = {
        "barcode": world.attendee.barcode if barcode == "REAL" else barcode,
        "attendee_id": world.attendee.pk if attendee_id == "REAL" else attendee_id,
        "idempotency_key": key,
    }
    response = organizer.post(f"/events/{world.event.pk}/door/", data, headers=HTMX if htmx else {})
    text = assert_calm(response, sent=data)
    assert response.status_code in (200, 204, 302)
    assert "Scan again" not in text or "Admitted" not in text


@HOSTILE
@given(attendee_id=st.one_of(st.just("REAL"), hostile()), htmx=st.booleans())
def test_door_undo(organizer, world, attendee_id, htmx):
    data = {"attendee_id": world.attendee.pk if attendee_id == "REAL" else attendee_id}
    response = organizer.post(f"/events/{world.event.pk}/door/undo/", data, headers=HTMX if htmx else {})
    assert_calm(response, sent=data)
    assert response.status_code in (200, 204, 302)


@HOSTILE
@given(username=hostile("organizer"), password=hostile())
def test_login(client, staff_users, username, password):
    response = client.post("/login/", {"username": username, "password": password})
    assert_calm(response, sent=(username, password))


# --- the hidden idempotency key travels as an HTTP header ----------------------------------
# A form posted by hand (or a tampered page) can carry any text there; HTTP headers
# are Latin-1, so the key must be refused or replaced, never crash the request.

NON_LATIN1_KEY = "ключ-💥-\u202ekey"


def _valid_write(world, key: str) -> tuple[str, dict]:
    return {
        "event_create": (
            "/events/new/",
            {"title": "Gala", "start_date": "2030-06-01T19:00", "currency": "USD", "idempotency_key": key},
        ),
        "ticket_type_create": (
            f"/events/{world.event.pk}/tickets/new/",
            {"new-name": "VIP", "new-price": "10.00", "new-quantity": "5", "new-idempotency_key": key},
        ),
        "refund": (
            f"/orders/{world.order.pk}/refund/",
            {
                "amount": "1.00",
                "reason": "Customer request",
                "note": "",
                "idempotency_key": key,
                "expected_amount_refunded": "0",
            },
        ),
        "resend": (f"/orders/{world.order.pk}/resend/", {"idempotency_key": key}),
        "door_scan": (f"/events/{world.event.pk}/door/", {"barcode": world.attendee.barcode, "idempotency_key": key}),
    }


@pytest.mark.parametrize("write", ["event_create", "ticket_type_create", "refund", "resend", "door_scan"])
def test_a_non_latin1_idempotency_key_is_not_a_crash(organizer, world, write):
    url, data = _valid_write(world, NON_LATIN1_KEY)[write]
    response = organizer.post(url, data, headers=HTMX)
    assert_calm(response, sent=data)
