"""Events name the time zone they are shown in; their times stay UTC on the wire."""

import pytest

from sandbox import errors
from sandbox.models import Event
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

NEW_EVENT = {"title": "Winter Ball", "start_date": "2030-12-24T19:00:00+01:00"}


def test_a_new_event_takes_the_accounts_time_zone(api, account):
    assert api.post("/events", json=NEW_EVENT).json()["timezone"] == "UTC"  # every account's default
    account.timezone = "Europe/Berlin"
    account.save()
    event = api.post("/events", json=NEW_EVENT).json()
    assert event["timezone"] == "Europe/Berlin"
    assert event["start_date"] == "2030-12-24T18:00:00Z"  # still UTC on the wire


def test_an_event_may_name_its_own_time_zone(api, account):
    account.timezone = "Europe/Berlin"
    account.save()
    event = api.post("/events", json={**NEW_EVENT, "timezone": "America/New_York"}).json()
    assert event["timezone"] == "America/New_York"
    assert api.get(f"/events/{event['id']}").json()["timezone"] == "America/New_York"
    assert [e["timezone"] for e in api.get("/events").json()] == ["America/New_York"]


@pytest.mark.parametrize(
    "zone",
    [
        "Mars/Olympus_Mons",
        "europe/berlin",
        "",
        "localtime",
        "../../etc/passwd",
        "/usr/share/zoneinfo/UTC",
        "Europe/Berlin\x00",
        None,
        5,
        "X" * 65,
    ],
)
def test_an_unknown_time_zone_is_400_on_timezone(api, account, zone):
    assert_api_error(
        api.post("/events", json={**NEW_EVENT, "timezone": zone}), 400, errors.VALIDATION_ERROR, "timezone"
    )
    assert not Event.objects.exists()
    event = event_make(account)
    assert_api_error(
        api.patch(f"/events/{event.pk}", json={"timezone": zone}), 400, errors.VALIDATION_ERROR, "timezone"
    )
    event.refresh_from_db()
    assert event.timezone == "UTC"


def test_the_time_zone_changes_at_any_time_and_moves_no_time(api, account):
    event = event_make(account, status="published")
    order_make(event, ticket_type_make(event))  # sold tickets pin the currency, not the time zone
    before = api.get(f"/events/{event.pk}").json()
    after = api.patch(f"/events/{event.pk}", json={"timezone": "Australia/Adelaide"})
    assert after.status_code == 200, after.text
    assert after.json()["timezone"] == "Australia/Adelaide"
    assert {k: v for k, v in after.json().items() if k not in ("timezone", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("timezone", "updated_at")
    }


def test_the_order_pages_event_names_its_time_zone(api, account):
    event = event_make(account)
    event.timezone = "Asia/Kolkata"
    event.save()
    order = order_make(event, ticket_type_make(event))
    body = api.get(f"/orders/{order.pk}", params={"expand": "event"}).json()
    assert body["event"]["timezone"] == "Asia/Kolkata"
