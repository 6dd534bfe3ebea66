from datetime import UTC, datetime, timedelta

import pytest

from sandbox import errors
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

DAY = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.fixture
def sales(account):
    gala = event_make(account, title="Gala")
    fair = event_make(account, title="Fair")
    gala_tt, fair_tt = ticket_type_make(gala), ticket_type_make(fair, price=1000)
    ada = order_make(gala, gala_tt, quantity=2, buyer_name="Ada Lovelace", created_at=DAY - timedelta(days=2))
    bob = order_make(gala, gala_tt, quantity=1, buyer_name="Bob Stone", buyer_email="bob@x.example", created_at=DAY)
    cy = order_make(fair, fair_tt, quantity=4, buyer_name="Cy Young", buyer_email="cy@x.example", created_at=DAY)
    return gala, fair, ada, bob, cy


def ids(response):
    return [o["id"] for o in response.json()]


def test_event_orders_newest_first_with_items_and_totals(api, sales):
    gala, _, ada, bob, _ = sales
    response = api.get(f"/events/{gala.pk}/orders")
    assert ids(response) == [bob.pk, ada.pk]
    assert response.headers["X-Total-Count"] == "2"
    first = response.json()[1]
    assert first["total"] == 5000 and first["currency"] == "USD" and first["status"] == "completed"
    assert first["items"] == [{"ticket_type_id": ada.items.get().ticket_type_id, "quantity": 2, "unit_price": 2500}]
    assert "attendees" not in first


def test_order_filters(api, sales):
    gala, _, ada, bob, _ = sales
    url = f"/events/{gala.pk}/orders"
    assert ids(api.get(url, params={"date_from": "2026-06-14"})) == [bob.pk]
    assert ids(api.get(url, params={"date_to": "2026-06-13"})) == [ada.pk]
    assert ids(api.get(url, params={"date_from": "2026-06-13", "date_to": "2026-06-15"})) == [bob.pk, ada.pk]
    assert ids(api.get(url, params={"q": "LOVELACE"})) == [ada.pk]
    assert ids(api.get(url, params={"q": "bob@x"})) == [bob.pk]
    api.post(f"/orders/{ada.pk}/refund", json={"amount": 100, "reason": "Goodwill"})
    assert ids(api.get(url, params={"status": "partially_refunded"})) == [ada.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"date_from": "yesterday"}, "date_from"), ({"date_to": "2026-13-01"}, "date_to"), ({"status": "paid"}, "status")],
)
def test_bad_order_filters_are_400(api, sales, params, field):
    gala, *_ = sales
    assert_api_error(api.get(f"/events/{gala.pk}/orders", params=params), 400, errors.VALIDATION_ERROR, field)


def test_account_wide_search_spans_events(api, sales):
    _, _, _, bob, cy = sales
    # Same created_at: newest first, then by id, descending.
    assert ids(api.get("/orders", params={"q": "x.example"})) == sorted([bob.pk, cy.pk], reverse=True)
    assert ids(api.get("/orders", params={"q": cy.pk})) == [cy.pk]
    assert api.get("/orders").headers["X-Total-Count"] == "3"


def test_order_detail_embeds_attendees_and_refunds(api, sales):
    _, _, ada, _, _ = sales
    api.post(f"/orders/{ada.pk}/refund", json={"amount": 500, "reason": "Seat moved"})
    order = api.get(f"/orders/{ada.pk}").json()
    assert order["id"] == ada.pk and order["amount_refunded"] == 500
    assert len(order["attendees"]) == 2 and {a["status"] for a in order["attendees"]} == {"valid"}
    assert [(r["amount"], r["reason"]) for r in order["refunds"]] == [(500, "Seat moved")]
    assert_api_error(api.get("/orders/ord_0000000000000000"), 404, errors.NOT_FOUND)
