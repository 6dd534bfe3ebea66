"""An event's times are shown and typed in its own time zone, labelled with the zone's abbreviation.

The dashboard may run in one zone (TIME_ZONE) while an event happens in
another: "19:30" on the event page means 19:30 where the doors open, and the
label says which zone that is. Times not about an event (the audit log) are
in the dashboard's zone, labelled too.
"""

from datetime import UTC, datetime

import pytest

from sandbox.models import Event
from tests.events.conftest import HTMX, field_values, main_of
from tests.factories import event_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def seagull(account):
    event = event_make(account, title="The Seagull")
    event.timezone = "America/Los_Angeles"
    event.start_date = datetime(2031, 1, 15, 3, 30, tzinfo=UTC)  # 19:30 the evening before, in Los Angeles
    event.save()
    return event


@pytest.mark.parametrize("dashboard_zone", ["UTC", "Europe/Berlin"])
def test_the_event_pages_show_its_times_where_it_happens(client_as, seagull, settings, dashboard_zone):
    settings.TIME_ZONE = dashboard_zone  # whatever zone the dashboard runs in
    listed = main_of(client_as("box_office").get("/events/"))
    assert "Tue 14 Jan 2031" in listed and "19:30 PST" in listed
    page = main_of(client_as("box_office").get(f"/events/{seagull.pk}/"))
    assert "Tuesday 14 January 2031, 19:30 PST" in page
    assert "(UTC)" not in page


def test_a_new_event_is_typed_in_its_own_zone(client_as, account):
    response = client_as("organizer").post(
        "/events/new/",
        {
            "title": "Winter Ball",
            "start_date": "2031-01-20T19:30",
            "currency": "EUR",
            "timezone": "Europe/Berlin",
            "venue": "",
            "description": "",
            "end_date": "",
        },
        headers=HTMX,
    )
    assert response.status_code == 200 and response["HX-Redirect"], main_of(response)
    created = Event.objects.get(title="Winter Ball")
    # 19:30 in Berlin in January is 18:30 UTC: the API keeps the instant, the event its zone.
    assert created.start_date == datetime(2031, 1, 20, 18, 30, tzinfo=UTC)
    assert created.timezone == "Europe/Berlin"


def test_the_edit_form_shows_the_start_in_the_events_zone(client_as, seagull):
    form = field_values(main_of(client_as("organizer").get(f"/events/{seagull.pk}/edit/", headers=HTMX)))
    assert form["event-start_date"] == "2031-01-14T19:30"
    assert form["event-timezone"] == "America/Los_Angeles"


def test_an_unknown_zone_is_refused_with_a_sentence(client_as, seagull):
    response = client_as("organizer").post(
        f"/events/{seagull.pk}/edit/",
        {
            "event-title": "The Seagull",
            "event-start_date": "2031-01-14T19:30",
            "event-currency": "USD",
            "event-timezone": "Mars/Olympus_Mons",
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "“Mars/Olympus_Mons” is not a time zone. Write an IANA name, like Europe/Berlin." in main_of(response)
    seagull.refresh_from_db()
    assert seagull.timezone == "America/Los_Angeles"
