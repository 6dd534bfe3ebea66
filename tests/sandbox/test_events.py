import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sandbox import errors
from sandbox.models import Event
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

NEW_EVENT = {"title": "Winter Ball", "start_date": "2030-12-24T19:00:00Z"}


def test_create_needs_only_title_and_start_date_and_defaults_to_draft_usd(api):
    response = api.post("/events", json=NEW_EVENT)
    assert response.status_code == 201
    event = response.json()
    assert event["id"].startswith("evt_")
    assert event["status"] == "draft" and event["currency"] == "USD"
    assert event["start_date"] == "2030-12-24T19:00:00Z"
    assert event["capacity"] == event["tickets_sold"] == event["gross_sales"] == 0
    assert api.get(f"/events/{event['id']}").json() == event


def test_a_time_without_offset_is_utc(api):
    event = api.post("/events", json={"title": "x", "start_date": "2030-01-02T03:04:05"}).json()
    assert event["start_date"] == "2030-01-02T03:04:05Z"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start_date": "2030-01-01T00:00:00Z"}, "title"),
        ({"title": "x"}, "start_date"),
        ({"title": "", "start_date": "2030-01-01T00:00:00Z"}, "title"),
        ({"title": 5, "start_date": "2030-01-01T00:00:00Z"}, "title"),
        ({"title": "x", "start_date": "next tuesday"}, "start_date"),
        ({"title": "x", "start_date": "2030-01-01T00:00:00Z", "colour": "red"}, "colour"),
        ({"title": "x", "start_date": "2030-01-01T00:00:00Z", "currency": "usd"}, "currency"),
        ({"title": "x", "start_date": "2030-01-01T00:00:00Z", "status": "sold_out"}, "status"),
        ({"title": "x", "start_date": "2030-01-01T00:00:00Z", "end_date": "2029-01-01T00:00:00Z"}, "end_date"),
    ],
)
def test_bad_input_names_the_field(api, body, field):
    assert_api_error(api.post("/events", json=body), 400, errors.VALIDATION_ERROR, field=field)
    assert not Event.objects.exists()


def test_list_is_an_array_with_the_totals_in_headers(api, account):
    for i in range(45):
        event_make(account, title=f"Show {i:02d}", days_ahead=i + 1)
    response = api.get("/events", params={"limit": 20, "offset": 40})
    assert response.status_code == 200
    assert [e["title"] for e in response.json()] == ["Show 40", "Show 41", "Show 42", "Show 43", "Show 44"]
    assert response.headers["X-Total-Count"] == "45"
    assert response.headers["X-Page"] == "3"
    assert response.headers["X-Per-Page"] == "20"
    default = api.get("/events")
    assert len(default.json()) == 20 and default.headers["X-Per-Page"] == "20"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 1.5}, "offset"),
        ({"status": "sold_out"}, "status"),
        ({"sort": "venue"}, "sort"),
        ({"ends_after": "tomorrow"}, "ends_after"),
        ({"ends_before": "0"}, "ends_before"),
    ],
)
def test_bad_list_parameters_are_400(api, params, field):
    assert_api_error(api.get("/events", params=params), 400, errors.VALIDATION_ERROR, field=field)


def test_status_filter_and_sorts(api, account):
    event_make(account, title="B draft", status="draft", days_ahead=3)
    event_make(account, title="A published", status="published", days_ahead=2)
    event_make(account, title="C cancelled", status="cancelled", days_ahead=1)
    titles = lambda **p: [e["title"] for e in api.get("/events", params=p).json()]  # noqa: E731
    assert titles(status="draft") == ["B draft"]
    assert titles() == ["C cancelled", "A published", "B draft"]
    assert titles(sort="-start_date") == ["B draft", "A published", "C cancelled"]
    assert titles(sort="title") == ["A published", "B draft", "C cancelled"]
    assert titles(sort="-title") == ["C cancelled", "B draft", "A published"]
    assert titles(sort="created_at") == ["B draft", "A published", "C cancelled"]
    assert titles(sort="-created_at") == ["C cancelled", "A published", "B draft"]


def test_ends_after_and_before_split_the_list_by_when_each_event_ends(api, account):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now().replace(microsecond=0)
    event_make(account, title="Last week", days_ahead=-7)
    festival = event_make(account, title="Festival, day 2", days_ahead=-1)
    Event.objects.filter(pk=festival.pk).update(end_date=now + timedelta(days=1))
    event_make(account, title="Next week", days_ahead=7)
    split = (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    titles = lambda **p: [e["title"] for e in api.get("/events", params=p).json()]  # noqa: E731
    # The festival began yesterday and ends tomorrow: still on.
    assert titles(ends_after=split) == ["Festival, day 2", "Next week"]
    assert titles(ends_before=split, sort="-start_date") == ["Last week"]
    assert api.get("/events", params={"ends_after": split}).headers["X-Total-Count"] == "2"
    # The same instant on both sides: every event in exactly one half.
    at_start = (now - timedelta(days=7)).isoformat().replace("+00:00", "Z")
    assert len(titles(ends_after=at_start)) + len(titles(ends_before=at_start)) == 3


def test_patch_changes_only_what_is_given(api, account):
    event = event_make(account, status="draft")
    response = api.patch(f"/events/{event.pk}", json={"venue": "The Barn", "status": "published"})
    assert response.status_code == 200
    body = response.json()
    assert body["venue"] == "The Barn" and body["status"] == "published" and body["title"] == "Spring Gala"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": None}, None),
        ({"title": ""}, "title"),
        ({"end_date": "2000-01-01T00:00:00Z"}, "end_date"),
        ({"id": "evt_x"}, "id"),
        ({"capacity": 5}, "capacity"),
    ],
)
def test_patch_validates_like_create(api, account, body, field):
    event = event_make(account)
    assert_api_error(api.patch(f"/events/{event.pk}", json=body), 400, errors.VALIDATION_ERROR, field=field)


def test_an_event_with_orders_keeps_its_currency_and_cannot_go_back_to_draft(api, account):
    event = event_make(account)
    order_make(event, ticket_type_make(event))
    assert_api_error(api.patch(f"/events/{event.pk}", json={"currency": "EUR"}), 409, errors.EVENT_HAS_ORDERS)
    assert_api_error(api.patch(f"/events/{event.pk}", json={"status": "draft"}), 409, errors.EVENT_HAS_ORDERS)


def test_only_a_draft_can_be_deleted(api, account):
    draft = event_make(account, status="draft")
    published = event_make(account, status="published")
    response = api.delete(f"/events/{draft.pk}")
    assert response.status_code == 204 and response.content == b""
    assert_api_error(api.get(f"/events/{draft.pk}"), 404, errors.NOT_FOUND)
    assert_api_error(api.delete(f"/events/{published.pk}"), 409, errors.EVENT_NOT_DRAFT)
    assert Event.objects.filter(pk=published.pk).exists()


def test_figures_are_exact(api, account):
    event = event_make(account)
    general = ticket_type_make(event, name="General", price=2500, quantity=100)
    vip = ticket_type_make(event, name="VIP", price=9000, quantity=10)
    order_make(event, general, quantity=3)
    vip_order = order_make(event, vip, quantity=2)
    api.post(f"/events/{event.pk}/checkins", json={"barcode": vip_order.attendees.first().barcode})
    api.post(f"/orders/{vip_order.pk}/refund", json={"reason": "Cannot come"})
    figures = api.get(f"/events/{event.pk}").json()
    assert figures["capacity"] == 110
    assert figures["tickets_sold"] == 3  # the refunded VIP tickets went back on sale
    assert figures["tickets_checked_in"] == 0  # ...and the voided check-in no longer counts
    assert figures["gross_sales"] == 3 * 2500 + 2 * 9000
    assert figures["amount_refunded"] == 2 * 9000


def test_listing_100_events_costs_the_same_queries_as_listing_1(account_and_key):
    account, key = account_and_key
    client = Client(headers={"Authorization": f"Bearer {key}"})

    def queries_for_list() -> int:
        with CaptureQueriesContext(connections["sandbox"]) as captured:
            assert client.get("/v1/test/events", {"limit": 100}).status_code == 200
        return len(captured)

    event = event_make(account)
    order_make(event, ticket_type_make(event))
    queries_for_list()  # the first request also looks the key up (then cached)
    one = queries_for_list()
    for i in range(99):
        ticket_type_make(event_make(account, title=f"Show {i}"))
    assert queries_for_list() == one


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "nul\x00byte", "start_date": "2030-01-01T00:00:00Z"}, "title"),
        ({"title": "x", "start_date": "0001-01-01T00:00:00+05:00"}, "start_date"),
    ],
)
def test_text_and_times_any_database_can_store(api, body, field):
    assert_api_error(api.post("/events", json=body), 400, errors.VALIDATION_ERROR, field=field)


def test_offsets_are_converted_to_utc(api):
    event = api.post("/events", json={"title": "x", "start_date": "2030-01-01T07:34:56+22:12"}).json()
    assert event["start_date"] == "2029-12-31T09:22:56Z"
