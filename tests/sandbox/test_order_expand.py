"""GET /orders/{id}?expand=event,ticket_types: the order page's names in one call."""

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sandbox import errors
from sandbox.dbrouter import SANDBOX_DB
from sandbox.services.orders_create import order_create
from tests.factories import assert_api_error, event_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def order(account):
    event = event_make(account, title="Winter Ball", currency="EUR")
    stalls, circle = ticket_type_make(event, name="Stalls"), ticket_type_make(event, name="Circle", price=1500)
    ticket_type_make(event, name="Unsold box")  # the event's, not the order's
    return order_create(event=event, buyer_name="Ada", buyer_email="ada@example.com", items=[(stalls, 1), (circle, 2)])


def test_expand_embeds_the_event_and_the_orders_ticket_types(api, order):
    body = api.get(f"/orders/{order.pk}", params={"expand": "event,ticket_types"}).json()
    event = order.event
    assert set(body["event"]) == {"id", "title", "start_date", "currency", "timezone"}
    assert body["event"]["timezone"] == "UTC"
    assert (body["event"]["id"], body["event"]["title"], body["event"]["currency"]) == (event.pk, "Winter Ball", "EUR")
    assert body["event"]["start_date"].startswith(event.start_date.strftime("%Y-%m-%dT%H:%M:%S"))
    assert sorted((t["id"], t["name"]) for t in body["ticket_types"]) == sorted(
        (item.ticket_type_id, item.ticket_type.name) for item in order.items.all()
    )


@pytest.mark.parametrize(
    ("expand", "present"),
    [
        ("event", {"event"}),
        ("ticket_types", {"ticket_types"}),
        ("ticket_types,event", {"event", "ticket_types"}),
        (None, set()),
    ],
)
def test_only_what_is_asked_for_is_embedded(api, order, expand, present):
    body = api.get(f"/orders/{order.pk}", params={"expand": expand} if expand else None).json()
    assert {name for name in ("event", "ticket_types") if body[name] is not None} == present
    assert body["id"] == order.pk and len(body["attendees"]) == 3


@pytest.mark.parametrize("expand", ["attendees", "event,", "", "event,buyer", "EVENT"])
def test_an_unknown_expansion_is_400(api, order, expand):
    assert_api_error(api.get(f"/orders/{order.pk}", params={"expand": expand}), 400, errors.VALIDATION_ERROR, "expand")


def test_expanding_costs_no_extra_query(account_and_key, order):
    # The test client, not the live server: its queries run on this thread's connection, where they are counted.
    client = Client(headers={"Authorization": f"Bearer {account_and_key[1]}"})

    def queries(params):
        with CaptureQueriesContext(connections[SANDBOX_DB]) as captured:
            assert client.get(f"/v1/test/orders/{order.pk}", params).status_code == 200
        return len(captured)

    queries({})  # the first request also looks the key up (then cached)
    plain = queries({})
    assert plain >= 4 and queries({"expand": "event,ticket_types"}) == plain


# --- order lists: GET /orders and GET /events/{id}/orders ---------------------------


@pytest.fixture
def orders_across_events(account):
    """Five events, two orders each: a page of rows from many events."""
    made = []
    for i in range(5):
        event = event_make(account, title=f"Show {i}", currency="EUR" if i % 2 else "USD")
        event.timezone = "Europe/Lisbon" if i % 2 else "America/Chicago"
        event.save()
        ticket_type = ticket_type_make(event)
        made += [
            order_create(
                event=event, buyer_name=f"Buyer {i}", buyer_email=f"b{i}@example.com", items=[(ticket_type, 1)]
            )
            for _ in range(2)
        ]
    return made


@pytest.mark.parametrize("path", ["/orders", "event"])
def test_a_list_embeds_each_rows_event_when_asked(api, orders_across_events, path):
    if path == "event":
        path = f"/events/{orders_across_events[0].event_id}/orders"
    plain = api.get(path).json()
    assert plain and all(row["event"] is None for row in plain)
    rows = api.get(path, params={"expand": "event"}).json()
    assert [row["id"] for row in rows] == [row["id"] for row in plain]
    for row in rows:
        event = next(o.event for o in orders_across_events if o.pk == row["id"])
        assert set(row["event"]) == {"id", "title", "start_date", "currency", "timezone"}
        assert row["event"]["id"] == row["event_id"] == event.pk
        assert (row["event"]["title"], row["event"]["currency"], row["event"]["timezone"]) == (
            event.title,
            event.currency,
            event.timezone,
        )


def test_a_searched_list_embeds_events_too(api, orders_across_events):
    rows = api.get("/orders", params={"expand": "event", "q": "Buyer 3"}).json()
    assert len(rows) == 2 and {row["event"]["title"] for row in rows} == {"Show 3"}


@pytest.mark.parametrize("expand", ["ticket_types", "event,ticket_types", "", "EVENT", "event,"])
def test_a_list_expands_the_event_only(api, orders_across_events, expand):
    assert_api_error(api.get("/orders", params={"expand": expand}), 400, errors.VALIDATION_ERROR, "expand")


def test_expanding_a_list_costs_no_query_per_row(account_and_key, orders_across_events):
    client = Client(headers={"Authorization": f"Bearer {account_and_key[1]}"})
    event_id = orders_across_events[0].event_id

    def queries(path, params):
        with CaptureQueriesContext(connections[SANDBOX_DB]) as captured:
            response = client.get(path, params)
            assert response.status_code == 200
        return len(captured), len(response.json())

    queries("/v1/test/orders", {})  # the first request also looks the key up (then cached)
    for path in ("/v1/test/orders", f"/v1/test/events/{event_id}/orders"):
        plain, rows = queries(path, {})
        assert queries(path, {"expand": "event"}) == (plain, rows)
    assert queries("/v1/test/orders", {})[1] == 10  # ten rows of five events, still no query more
