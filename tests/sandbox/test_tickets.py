import pytest

from sandbox import errors
from sandbox.models import TicketType
from tests.conftest import make_account
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_create_and_list_ticket_types(api, account):
    event = event_make(account)
    created = api.post(f"/events/{event.pk}/tickets", json={"name": "Early bird", "price": 1999, "quantity": 50})
    assert created.status_code == 201
    body = created.json()
    assert body["id"].startswith("tkt_") and body["event_id"] == event.pk
    assert (body["price"], body["quantity"], body["quantity_sold"], body["checked_in_count"]) == (1999, 50, 0, 0)
    listed = api.get(f"/events/{event.pk}/tickets")
    assert listed.json() == [body] and listed.headers["X-Total-Count"] == "1"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": 100, "quantity": 1}, "name"),
        ({"name": "", "price": 100, "quantity": 1}, "name"),
        ({"name": "x" * 201, "price": 100, "quantity": 1}, "name"),
        ({"name": "A", "price": -1, "quantity": 1}, "price"),
        ({"name": "A", "price": "100", "quantity": 1}, "price"),
        ({"name": "A", "price": 12.5, "quantity": 1}, "price"),
        ({"name": "A", "price": True, "quantity": 1}, "price"),
        ({"name": "A", "price": 100, "quantity": -5}, "quantity"),
        ({"name": "A", "price": 100}, "quantity"),
        ({"name": "A", "price": 100, "quantity": 1, "currency": "EUR"}, "currency"),
    ],
)
def test_bad_ticket_types_are_rejected_on_the_right_field(api, account, body, field):
    event = event_make(account)
    assert_api_error(api.post(f"/events/{event.pk}/tickets", json=body), 400, errors.VALIDATION_ERROR, field=field)
    assert not TicketType.objects.exists()


def test_patch_updates_name_price_quantity(api, account):
    ticket_type = ticket_type_make(event_make(account))
    response = api.patch(f"/tickets/{ticket_type.pk}", json={"name": "Standing", "price": 3000, "quantity": 80})
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("name", "price", "quantity")} == {
        "name": "Standing",
        "price": 3000,
        "quantity": 80,
    }


def test_quantity_cannot_go_below_what_is_sold(api, account):
    event = event_make(account)
    ticket_type = ticket_type_make(event, quantity=20)
    for _ in range(6):
        order_make(event, ticket_type, quantity=2)
    error = assert_api_error(
        api.patch(f"/tickets/{ticket_type.pk}", json={"quantity": 11}), 400, errors.VALIDATION_ERROR, field="quantity"
    )
    assert "12 tickets already sold" in error["message"]
    assert api.patch(f"/tickets/{ticket_type.pk}", json={"quantity": 12}).status_code == 200


def test_ticket_types_of_other_accounts_and_unknown_events_are_404(api):
    other, _ = make_account("globex")
    theirs = ticket_type_make(event_make(other))
    assert_api_error(api.patch(f"/tickets/{theirs.pk}", json={"price": 1}), 404, errors.NOT_FOUND)
    assert_api_error(api.get(f"/events/{theirs.event_id}/tickets"), 404, errors.NOT_FOUND)
    assert_api_error(api.get("/events/evt_0000000000000000/tickets"), 404, errors.NOT_FOUND)
