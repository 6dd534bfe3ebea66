import pytest

from sandbox import errors
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def crowd(account):
    event = event_make(account)
    general = ticket_type_make(event, name="General")
    vip = ticket_type_make(event, name="VIP", price=9000)
    order_make(event, general, quantity=1, buyer_name="Zoe Quinn", buyer_email="zoe@example.com")
    order_make(event, vip, quantity=1, buyer_name="Alan Turing", buyer_email="alan@example.org")
    grace = order_make(event, general, quantity=1, buyer_name="Grace Hopper", buyer_email="grace@navy.example")
    return event, general, vip, grace.attendees.get()


def names(response):
    return [a["name"] for a in response.json()]


def test_attendees_are_listed_by_name_with_totals(api, crowd):
    event, *_ = crowd
    response = api.get(f"/events/{event.pk}/attendees")
    assert names(response) == ["Alan Turing", "Grace Hopper", "Zoe Quinn"]
    assert response.headers["X-Total-Count"] == "3"
    page = api.get(f"/events/{event.pk}/attendees", params={"limit": 2, "offset": 2})
    assert names(page) == ["Zoe Quinn"] and page.headers["X-Page"] == "2"


def test_filters(api, crowd):
    event, _, vip, grace = crowd
    api.post(f"/events/{event.pk}/checkins", json={"barcode": grace.barcode})
    url = f"/events/{event.pk}/attendees"
    assert names(api.get(url, params={"ticket_type": vip.pk})) == ["Alan Turing"]
    assert names(api.get(url, params={"checked_in": "true"})) == ["Grace Hopper"]
    assert names(api.get(url, params={"checked_in": "false"})) == ["Alan Turing", "Zoe Quinn"]
    assert names(api.get(url, params={"q": "ZOE"})) == ["Zoe Quinn"]
    assert names(api.get(url, params={"q": "navy.example"})) == ["Grace Hopper"]
    assert names(api.get(url, params={"q": grace.barcode.lower()})) == ["Grace Hopper"]


@pytest.mark.parametrize(("params", "field"), [({"checked_in": "yes"}, "checked_in"), ({"limit": 1000}, "limit")])
def test_bad_filters_are_400(api, crowd, params, field):
    event, *_ = crowd
    assert_api_error(api.get(f"/events/{event.pk}/attendees", params=params), 400, errors.VALIDATION_ERROR, field)
