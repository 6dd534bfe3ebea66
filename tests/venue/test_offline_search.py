"""The door's name search while BrightStar is down: the replica answers, and its "Check in" tap admits offline."""

import re

import pytest
from django.utils import timezone

from boxoffice.venue import sync
from boxoffice.venue.models import EventReplica, OutboxEntry, ReplicaTicket
from boxoffice.venue.names import fold
from tests.door.conftest import door_url, outcome
from tests.factories import order_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

HTMX = {"HX-Request": "true"}
COPY = 'data-search="copy"'


def search(client, event, q: str, *, htmx: bool = True) -> str:
    response = client.get(f"/events/{event.id}/door/search/", {"q": q}, headers=HTMX if htmx else {})
    assert response.status_code == 200
    return response.content.decode()


def tap(client, event, html: str, name: str):
    """Press the "Check in" button of `name`'s first row, as the browser posts it."""
    form = re.search(
        r'name="attendee_id" value="([^"]+)">\s*<input type="hidden" name="idempotency_key" value="([^"]+)">\s*'
        rf'<button type="submit" class="primary" aria-label="Check in {re.escape(name)}"',
        html,
    )
    assert form, f"no Check in button for {name}"
    attendee_id, key = form.groups()
    return client.post(door_url(event), {"attendee_id": attendee_id, "idempotency_key": key}, headers=HTMX)


def test_offline_the_search_finds_names_in_the_copy_and_says_so(opened, event, tickets, outage, api_calls):
    synced_at = EventReplica.objects.get(event_id=event.id).synced_at
    with outage:
        html = search(opened, event, "lovel")  # part of a name
    assert COPY in html
    assert f"copy as of {timezone.localtime(synced_at):%H:%M}" in html
    assert html.count("Check in Ada Lovelace") == 3 and "General" in html
    assert "Grace Hopper" not in html
    assert "Order</a>" not in html  # the replica knows no orders
    # The strip goes offline, as after a failed scan.
    assert EventReplica.objects.get(event_id=event.id).offline_since is not None
    assert 'data-mode="offline"' in opened.get(f"/events/{event.id}/door/mode/", headers=HTMX).content.decode()
    assert all(path == f"events/{event.id}/attendees" for _, path in api_calls)  # asked BrightStar first


def test_offline_the_search_ignores_case(opened, event, tickets, outage):
    with outage:
        html = search(opened, event, "GRACE hop")
    assert COPY in html and "Check in Grace Hopper" in html and "VIP Balcony" in html


def test_offline_the_desk_sees_no_email_and_an_email_finds_nobody(opened, client_as, event, tickets, outage):
    desk = client_as("box_office")
    with outage:
        by_name = search(desk, event, "Ada")
        by_email = search(desk, event, "ada@example")
    assert "Ada Lovelace" in by_name and "ada@example.com" not in by_name
    assert COPY in by_email and "Nobody matches" in by_email and "no emails" in by_email


def test_offline_the_tap_admits_and_the_list_then_shows_them_in(opened, event, tickets, outage):
    with outage:
        tapped = tap(opened, event, search(opened, event, "Ada"), "Ada Lovelace")
        assert outcome(tapped) == "admitted_offline"
        assert "Admitted — offline, will sync" in tapped.content.decode()
        assert "door:refresh" in tapped["HX-Trigger"]  # the list refreshes itself
        entry = OutboxEntry.objects.get(event_id=event.id)
        assert entry.state == OutboxEntry.State.PENDING and entry.kind == OutboxEntry.Kind.CHECK_IN
        again = search(opened, event, "Ada")
    assert again.count("Check in Ada Lovelace") == 2 and again.count('class="badge in"') == 1
    assert ReplicaTicket.objects.get(event_id=event.id, attendee_id=entry.attendee_id).checked_in


def test_an_admission_waiting_to_sync_shows_in_even_if_a_sync_rewrote_its_row(opened, event, tickets, outage):
    """The drain is sending it when a sync brings BrightStar's older view: the outbox is what was decided."""
    with outage:
        tap(opened, event, search(opened, event, "Grace"), "Grace Hopper")
        OutboxEntry.objects.filter(event_id=event.id).update(state=OutboxEntry.State.SENDING)
        ReplicaTicket.objects.filter(event_id=event.id, name="Grace Hopper").update(
            checked_in=False, checked_in_at=None
        )
        html = search(opened, event, "Grace")
    assert 'class="badge in"' in html and "Check in Grace Hopper" not in html


def test_offline_a_void_ticket_shows_void_without_a_button(opened, event, refunded, outage):
    sync.replica_sync(event_id=event.id)  # the refund reached the copy before the outage
    with outage:
        html = search(opened, event, "Rita")
    assert "Refunded Rita" in html and 'class="badge void"' in html
    assert "Check in Refunded Rita" not in html


def test_a_short_query_asks_nothing_and_marks_nothing(opened, event, tickets, outage, api_calls):
    with outage:
        html = search(opened, event, "a")
    assert api_calls == [] and COPY not in html and "Ada Lovelace" not in html
    assert EventReplica.objects.get(event_id=event.id).offline_since is None


def test_offline_without_a_copy_the_search_says_brightstar_is_not_answering(client_as, event, tickets, outage):
    with outage:
        html = search(client_as("door"), event, "Ada")
    assert "BrightStar" in html and "Ada Lovelace" not in html and COPY not in html


def test_offline_the_search_without_javascript_gets_the_door_page_with_the_copy(opened, event, tickets, outage):
    with outage:
        html = search(opened, event, "Ada", htmx=False)
    assert 'id="scan-input"' in html and COPY in html and "Check in Ada Lovelace" in html


@pytest.mark.parametrize(("role", "sees"), [("door", False), ("box_office", True)])
def test_online_the_search_is_one_call_and_shows_emails_to_the_desk(
    opened, client_as, event, tickets, api_calls, role, sees
):
    client = client_as(role)
    api_calls.clear()
    html = search(client, event, "Ada")
    assert api_calls == [("GET", f"events/{event.id}/attendees")]
    assert "Ada Lovelace" in html and COPY not in html
    assert ("ada@example.com" in html) is sees


def test_once_brightstar_is_silent_the_next_searches_try_it_once_not_three_times(
    opened, event, tickets, outage, api_calls
):
    # Each keystroke searches: the client's retries and their sleeps would hold every list back.
    attendees = ("GET", f"events/{event.id}/attendees")
    with outage:
        search(opened, event, "Ada")
        assert api_calls == [attendees] * 3  # the first failure still gets the client's retries
        search(opened, event, "Grace")
        assert api_calls == [attendees] * 4
    api_calls.clear()
    html = search(opened, event, "Ada")  # back online: the one try answers, and the list is BrightStar's
    assert api_calls == [attendees] and COPY not in html and "Check in Ada Lovelace" in html


def test_offline_the_search_ignores_accents_and_the_case_of_any_letter(opened, event, general, outage):
    """Folded on both sides by the dashboard, so SQLite (whose LIKE folds A-Z only) finds them as PostgreSQL does."""
    order_make(event, general, quantity=1, buyer_name="Émile Zoë Straße", buyer_email="emile@example.com")
    order_make(event, general, quantity=1, buyer_name="ÉLODIE Ångström", buyer_email="elodie@example.com")
    sync.replica_sync(event_id=event.id)  # the incremental sync brings them in
    with outage:
        assert "Check in Émile Zoë Straße" in search(opened, event, "emile zoe")
        assert "Check in Émile Zoë Straße" in search(opened, event, "STRASSE")
        found = search(opened, event, "élodie angst")
        assert "Check in ÉLODIE Ångström" in found and "Émile" not in found
        assert "Nobody matches" in search(opened, event, "émilie")  # folding is not fuzzy matching


def test_the_fold_is_what_the_search_compares():
    assert fold("Émile Zoë STRAẞE") == "emile zoe strasse"
    assert fold("ÅNGSTRÖM") == fold("angstrom") == "angstrom"
    assert fold("\uff26\uff55\uff4c\uff4c") == "full"  # fullwidth (compatibility) forms, as some keyboards type them
