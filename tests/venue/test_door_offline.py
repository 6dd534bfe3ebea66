"""What the door page shows while BrightStar is down: its counters, a reload, and who sees conflicts."""

import pytest
from django.core.cache import cache

from boxoffice.venue.models import EventReplica, OutboxEntry
from tests.door.conftest import door_url, outcome, scan

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

HTMX = {"HX-Request": "true"}


def counters(client, event):
    return client.get(f"/events/{event.id}/door/counters/", headers=HTMX)


def checked_in(html: str) -> int:
    marker = 'data-counter="checked-in">'
    start = html.index(marker) + len(marker)
    return int(html[start : html.index("<", start)])


def test_online_the_counters_are_one_call(opened, event, tickets, api_calls):
    scan(opened, event, tickets[0].barcode)
    api_calls.clear()
    response = counters(opened, event)
    assert response.status_code == 200 and checked_in(response.content.decode()) == 1
    assert api_calls == [("GET", f"events/{event.id}/tickets")]
    assert 'data-counters="offline"' not in response.content.decode()


def test_offline_the_counters_come_from_the_replica_and_say_so(opened, event, tickets, outage):
    scan(opened, event, tickets[0].barcode)  # online: in BrightStar's figures and the replica's
    with outage:
        assert outcome(scan(opened, event, tickets[1].barcode)) == "admitted_offline"
        assert outcome(scan(opened, event, tickets[3].barcode)) == "admitted_offline"
        response = counters(opened, event)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-counters="offline"' in html
    assert checked_in(html) == 3  # the offline admissions are counted
    assert "General" in html and "2 / 3" in html and "VIP Balcony" in html and "1 / 1" in html


def test_back_online_the_counters_count_what_still_waits_to_sync(opened, event, tickets, outage, api_calls):
    with outage:
        scan(opened, event, tickets[0].barcode)
        scan(opened, event, tickets[1].barcode)
    api_calls.clear()
    html = counters(opened, event).content.decode()
    assert checked_in(html) == 2  # BrightStar says 0: it has not heard of them yet
    assert api_calls == [("GET", f"events/{event.id}/tickets")]
    assert 'data-counters="offline"' not in html


def test_reloading_the_door_page_offline_serves_it_from_the_copy(opened, event, tickets, outage):
    with outage:
        cache.clear()  # the event forgotten too: its seconds ran out, or another worker answers
        response = opened.get(door_url(event))
        html = response.content.decode()
        assert response.status_code == 200
        assert event.title in html and 'data-mode="offline"' in html and 'data-counters="offline"' in html
        assert 'id="scan-input"' in html
        assert outcome(scan(opened, event, tickets[0].barcode)) == "admitted_offline"
    assert EventReplica.objects.get(event_id=event.id).offline_since is not None


def test_reloading_a_door_page_never_loaded_online_still_fails(client_as, event, outage):
    with outage:
        response = client_as("door").get(door_url(event))
    assert response.status_code == 503


def test_conflicts_are_for_the_box_office_and_the_organizer_not_the_door(opened, client_as, event, tickets):
    OutboxEntry.objects.create(
        event_id=event.id,
        attendee_id=tickets[0].id,
        idempotency_key="k-1",
        scanned_at="2030-01-01T20:00:00Z",
        state=OutboxEntry.State.CONFLICT,
        result_code="TICKET_VOID",
    )
    url = f"/events/{event.id}/door/conflicts/"
    assert opened.get(url).status_code == 403
    assert client_as("box_office").get(url).status_code == 200
    assert client_as("organizer").get(url).status_code == 200
    strip = opened.get(f"/events/{event.id}/door/mode/", headers=HTMX).content.decode()
    assert 'data-conflicts="1"' in strip and url not in strip  # counted for the door, no link it cannot follow
    strip = client_as("box_office").get(f"/events/{event.id}/door/mode/", headers=HTMX).content.decode()
    assert url in strip
