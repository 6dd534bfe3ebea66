"""Venue mode, layer 1: BrightStar unreachable, the doors still reach the dashboard and get a verdict."""

import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client

from boxoffice.brightstar import errors
from boxoffice.venue import outbox, sync, tasks
from boxoffice.venue.models import EventReplica, OutboxEntry, ReplicaTicket
from boxoffice.venue.selectors import door_mode
from boxoffice.web.feedback import DOOR_DECIDED_OFFLINE, DOOR_OFFLINE_ADMITTED
from sandbox.models import Attendee
from sandbox.services.refunds import order_refund
from tests.door.conftest import door_url, outcome, scan
from tests.venue.conftest import needs_scanned_at

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def undo(client, event, attendee_id):
    return client.post(f"/events/{event.id}/door/undo/", {"attendee_id": attendee_id}, headers={"HX-Request": "true"})


def test_opening_the_door_queues_a_first_sync_that_the_worker_runs(client_as, event, tickets, refunded):
    client_as("door").get(door_url(event))
    assert not ReplicaTicket.objects.exists()  # the page itself makes no extra call
    call_command("db_worker", "--batch", "--interval", "0", verbosity=0)
    rows = {r.attendee_id: r for r in ReplicaTicket.objects.filter(event_id=event.id)}
    assert set(rows) == {t.id for t in tickets} | {refunded.id}  # void ones too
    assert rows[refunded.id].status == "void"
    assert rows[tickets[3].id].ticket_type_name == "VIP Balcony"
    assert EventReplica.objects.get(event_id=event.id).synced_at is not None


def test_incremental_sync_takes_only_what_changed(dashboard, api, event, tickets):
    assert sync.replica_sync(event_id=event.id) == 4
    assert sync.replica_sync(event_id=event.id) == 0
    api.post(f"/events/{event.id}/checkins", json={"barcode": tickets[1].barcode}).raise_for_status()
    assert sync.replica_sync(event_id=event.id) == 1
    assert ReplicaTicket.objects.get(attendee_id=tickets[1].id).checked_in


def test_online_each_scan_is_still_one_call_and_the_replica_follows(opened, event, tickets, api_calls):
    api_calls.clear()
    for ticket in tickets[:3]:
        assert outcome(scan(opened, event, ticket.barcode)) == "admitted"
    assert api_calls == [("POST", f"events/{event.id}/checkins")] * 3
    assert ReplicaTicket.objects.filter(event_id=event.id, checked_in=True).count() == 3


def test_offline_admission_has_its_own_outcome_and_words(opened, event, tickets, outage):
    assert outcome(scan(opened, event, tickets[1].barcode)) == "admitted"  # online, before the outage
    with outage:
        response = scan(opened, event, tickets[0].barcode)
        html = response.content.decode()
        assert outcome(response) == "admitted_offline"
        assert DOOR_OFFLINE_ADMITTED in html and 'class="result ok offline"' in html
        assert ">Admitted<" not in html  # never the confirmed word
        unknown = scan(opened, event, "NO-SUCH-CODE")
        assert outcome(unknown) == "unknown" and DOOR_DECIDED_OFFLINE in unknown.content.decode()
        earlier = scan(opened, event, tickets[1].barcode)
        assert outcome(earlier) == "duplicate" and DOOR_DECIDED_OFFLINE in earlier.content.decode()
        again = scan(opened, event, tickets[0].barcode)
        assert outcome(again) == "duplicate" and "waiting to sync" in again.content.decode()
    entry = OutboxEntry.objects.get(kind="check_in")  # the refusals wait too, for the scan log
    assert (entry.attendee_id, entry.staff_username, entry.state) == (tickets[0].id, "door", "pending")
    assert not Attendee.objects.get(pk=tickets[0].pk).checked_in  # BrightStar has not heard yet


def test_a_void_ticket_is_refused_offline(opened, event, refunded, outage):
    sync.replica_sync(event_id=event.id)
    with outage:
        response = scan(opened, event, refunded.barcode)
    assert outcome(response) == "void" and DOOR_DECIDED_OFFLINE in response.content.decode()
    assert OutboxEntry.objects.get().kind == "refusal"  # for the scan log only (test_offline_refusals.py)


def test_without_a_replica_the_door_says_scan_again(client_as, event, tickets, outage):
    with outage:
        assert outcome(scan(client_as("door"), event, tickets[0].barcode)) == "unanswered"
    assert not OutboxEntry.objects.exists()


def test_eight_doors_offline_admit_one_ticket_once(opened, staff_users, event, tickets, outage):
    doors = 8
    clients = []
    for _ in range(doors):
        client = Client()
        client.force_login(staff_users["door"])
        clients.append(client)
    start = threading.Barrier(doors)
    outcomes, failures = [], []

    def door(client):
        try:
            start.wait(timeout=10)
            outcomes.append(outcome(scan(client, event, tickets[0].barcode)))
        except BaseException as exc:  # reported on the main thread
            failures.append(exc)
        finally:
            connections.close_all()

    with outage:
        threads = [threading.Thread(target=door, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert not failures, failures
    assert sorted(outcomes) == ["admitted_offline"] + ["duplicate"] * (doors - 1)
    queued = OutboxEntry.objects.filter(attendee_id=tickets[0].id)
    assert queued.filter(kind="check_in").count() == 1
    # A door the replica refused queues its refusal for the scan log (one that found the admission already
    # queued was refused from the outbox, before any call: not queued, see docs/venue-mode.md).
    assert set(queued.exclude(kind="check_in").values_list("kind", "reason")) <= {
        ("refusal", errors.ALREADY_CHECKED_IN)
    }


def test_the_same_scan_again_offline_replays_its_admission(opened, event, tickets, outage):
    key = str(uuid.uuid4())
    with outage:
        assert outcome(scan(opened, event, tickets[0].barcode, key)) == "admitted_offline"
        assert outcome(scan(opened, event, tickets[0].barcode, key)) == "admitted_offline"
    assert OutboxEntry.objects.count() == 1


def test_online_again_a_ticket_still_waiting_to_sync_is_already_in(opened, event, tickets, outage, api_calls):
    with outage:
        scan(opened, event, tickets[0].barcode)
    api_calls.clear()
    response = scan(opened, event, tickets[0].barcode)  # BrightStar answers, but has not heard yet
    assert outcome(response) == "duplicate" and "waiting to sync" in response.content.decode()
    assert api_calls == []


def test_undo_of_an_unsynced_offline_admission_drops_it(opened, event, tickets, outage):
    with outage:
        scan(opened, event, tickets[0].barcode)
        response = undo(opened, event, tickets[0].id)
        assert outcome(response) == "undone_offline"
        assert not OutboxEntry.objects.exists()
        assert not ReplicaTicket.objects.get(attendee_id=tickets[0].id).checked_in
        assert outcome(scan(opened, event, tickets[0].barcode)) == "admitted_offline"


def test_undo_of_a_synced_admission_offline_is_queued(opened, event, tickets, outage):
    assert outcome(scan(opened, event, tickets[0].barcode)) == "admitted"
    with outage:
        assert outcome(undo(opened, event, tickets[0].id)) == "undone_offline"
    entry = OutboxEntry.objects.get()
    assert entry.kind == "undo" and entry.state == "pending"
    assert tasks.outbox_drain_task.call(event.id) == 0
    assert not Attendee.objects.get(pk=tickets[0].pk).checked_in


def test_the_door_strip_shows_the_mode_and_what_waits(opened, event, tickets, outage):
    with outage:
        scan(opened, event, tickets[0].barcode)
        scan(opened, event, tickets[1].barcode)
        mode = door_mode(event_id=event.id)
        assert not mode.online and mode.waiting == 2 and mode.waiting_since is not None
        html = opened.get(f"/events/{event.id}/door/mode/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-mode="offline"' in html and "2 waiting to sync" in html


def test_the_outbox_is_rows_that_outlive_the_process_state(opened, event, tickets, outage):
    with outage:
        scan(opened, event, tickets[0].barcode)
        assert outbox.outbox_drain(event_id=event.id) == 1  # still down: kept, one more attempt counted
    connections.close_all()  # nothing of it lives in memory
    entry = OutboxEntry.objects.get()
    assert entry.state == "pending" and entry.attempts == 1 and entry.last_error


@needs_scanned_at
def test_the_outbox_drains_in_order_with_the_real_scan_times_once(opened, event, tickets, outage):
    with outage:
        for ticket in tickets[:3]:
            scan(opened, event, ticket.barcode)
    assert tasks.outbox_drain_task.call(event.id) == 0
    entries = list(OutboxEntry.objects.order_by("id"))
    assert [e.state for e in entries] == ["synced"] * 3
    for entry in entries:
        assert Attendee.objects.get(pk=entry.attendee_id).checked_in_at == entry.scanned_at
    # The answer to one was "lost": sending it again replays it (same key), nothing is let in twice.
    OutboxEntry.objects.filter(pk=entries[0].pk).update(state="pending")
    assert outbox.outbox_drain(event_id=event.id) == 0
    assert Attendee.objects.filter(event=event, checked_in=True).count() == 3
    assert door_mode(event_id=event.id).online


@needs_scanned_at
def test_a_ticket_refunded_during_the_outage_is_a_listed_conflict(opened, client_as, event, general, outage):
    from tests.factories import order_make

    order = order_make(event, general, quantity=1, buyer_name="Late Larry", buyer_email="larry@example.com")
    sync.replica_sync(event_id=event.id)
    ticket = Attendee.objects.get(order=order)
    with outage:
        assert outcome(scan(opened, event, ticket.barcode)) == "admitted_offline"
        order_refund(order=order, amount=None, reason="refunded meanwhile", expected_amount_refunded=None)
    tasks.outbox_drain_task.call(event.id)
    entry = OutboxEntry.objects.get()
    assert entry.state == "conflict" and entry.result_code == errors.TICKET_VOID
    assert door_mode(event_id=event.id).conflicts == 1
    page = client_as("organizer").get(f"/events/{event.id}/door/conflicts/").content.decode()
    assert "Late Larry" in page and "TICKET_VOID" in page and "door" in page


def test_once_brightstar_is_silent_the_next_scans_try_it_once_not_three_times(
    opened, event, tickets, outage, api_calls
):
    # The client's retries (and their sleeps) would slow an offline door to a third of its pace.
    with outage:
        scan(opened, event, tickets[0].barcode)
        first = len(api_calls)
        assert first == 3  # the first failure still gets the client's retries
        scan(opened, event, tickets[1].barcode)
        assert len(api_calls) - first == 1
    # Back online: the quick try answers, and the next scans are as before.
    assert outcome(scan(opened, event, tickets[2].barcode)) == "admitted"
