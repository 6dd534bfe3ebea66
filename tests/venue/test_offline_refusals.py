"""A scan refused from the replica while BrightStar is down reaches BrightStar's scan log and stats once drained.

Queued in the outbox like an admission (Kind.REFUSAL), drained in order with the others, sent to
POST /events/{id}/scans (a log entry, never a check-in replayed), and never a conflict.
"""

import uuid

import pytest
from django.utils import timezone

from boxoffice.brightstar import errors
from boxoffice.brightstar.scans import event_stats, scan_list
from boxoffice.venue import sync, tasks
from boxoffice.venue.context import ScanContext
from boxoffice.venue.models import OutboxEntry, ReplicaTicket
from boxoffice.venue.selectors import door_mode, waiting_by_type
from boxoffice.venue.services import offline_check_in
from sandbox.models import Attendee
from sandbox.services.refunds import order_refund
from tests.door.conftest import door_url, outcome, scan
from tests.factories import order_make
from tests.venue.processes import sandbox_server, start_sandbox

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def scan_at(client, event, barcode: str, gate: str, key: str | None = None):
    data = {"barcode": barcode, "idempotency_key": key or str(uuid.uuid4()), "gate": gate, "device": "dev-north"}
    return client.post(door_url(event), data, headers={"HX-Request": "true"})


def in_ms(when):
    return when.replace(microsecond=when.microsecond // 1000 * 1000)  # the API keeps milliseconds


@pytest.fixture
def brightstar(tmp_path, settings, dashboard, account_and_key):
    """BrightStar as a gunicorn process of its own, on the test run's databases: one a test can kill."""
    server = sandbox_server(tmp_path / "sandbox.log")
    settings.BRIGHTSTAR_API_URL = start_sandbox(server)
    yield server
    server.stop()


def test_refusals_made_while_brightstar_was_killed_reach_its_scan_log_and_stats_at_their_door(
    brightstar, client_as, event, general, tickets
):
    void = Attendee.objects.get(order=order_make(event, general, quantity=1, buyer_name="Rita"))
    order_refund(order=void.order, amount=None, reason="changed plans", expected_amount_refunded=None)
    door = client_as("door")
    door.get(door_url(event))
    sync.replica_sync(event_id=event.id)  # the replica knows the void ticket as void

    brightstar.kill()
    assert outcome(scan_at(door, event, tickets[0].barcode, "North")) == "admitted_offline"
    assert outcome(scan_at(door, event, void.barcode, "North")) == "void"
    assert outcome(scan_at(door, event, "NO-SUCH-CODE", "North")) == "unknown"
    # The strip's count is admissions: the refusals wait too, but they change no figure a door reads.
    assert door_mode(event_id=event.id).waiting == 1
    assert waiting_by_type(event_id=event.id) == {general.id: 1}
    queued = list(OutboxEntry.objects.order_by("id"))
    assert [(e.kind, e.reason, e.state) for e in queued] == [
        ("check_in", "", "pending"),
        ("refusal", errors.TICKET_VOID, "pending"),
        ("refusal", errors.NOT_FOUND, "pending"),
    ]

    start_sandbox(brightstar)  # the same URL again
    assert tasks.outbox_drain_task.call(event.id) == 0
    assert [e.state for e in OutboxEntry.objects.order_by("id")] == ["synced"] * 3  # never a conflict
    assert door_mode(event_id=event.id).conflicts == 0

    logged = {s.reason: s for s in scan_list(event_id=event.id, gate="North").items}
    assert set(logged) == {None, errors.TICKET_VOID, errors.NOT_FOUND}
    refused_void, unknown = logged[errors.TICKET_VOID], logged[errors.NOT_FOUND]
    assert (refused_void.result, refused_void.attendee_id, refused_void.barcode) == ("refused", void.id, void.barcode)
    assert (unknown.result, unknown.attendee_id, unknown.barcode) == ("refused", None, "NO-SUCH-CODE")
    for entry, scanned in zip(queued, (logged[None], refused_void, unknown), strict=True):
        assert scanned.scanned_at == in_ms(entry.scanned_at)  # when the door scanned it, not when it was sent
        assert (scanned.gate, scanned.device, scanned.staff) == ("North", "dev-north", "door")

    stats = event_stats(event_id=event.id)
    [north] = [g for g in stats.gates if g.gate == "North"]
    assert (north.admitted, north.refused) == (1, 2)
    assert north.refusals == {errors.TICKET_VOID: 1, errors.NOT_FOUND: 1}
    assert stats.refusals == {errors.TICKET_VOID: 1, errors.NOT_FOUND: 1}
    # Logged, not judged: the void ticket is still void, nobody else got in.
    assert list(Attendee.objects.filter(event_id=event.id, checked_in=True).values_list("pk", flat=True)) == [
        tickets[0].id
    ]


def test_a_refusal_scanned_again_with_its_key_replays_its_verdict_and_queues_once(opened, event, tickets, outage):
    key = str(uuid.uuid4())
    with outage:
        assert outcome(scan(opened, event, "NO-SUCH-CODE", key)) == "unknown"
        assert outcome(scan(opened, event, "NO-SUCH-CODE", key)) == "unknown"  # its answer was lost
    assert OutboxEntry.objects.get().kind == "refusal"


def test_a_ticket_refused_as_already_in_keeps_its_offline_admission_through_a_sync(opened, event, tickets, staff_users):
    # The replica's own verdicts (the door asks the outbox first, so there it is refused before this).
    for _ in range(2):
        offline_check_in(
            event_id=event.id,
            barcode=tickets[0].barcode,
            attendee_id=None,
            idempotency_key=str(uuid.uuid4()),
            scan=ScanContext.of(staff_users["door"]),
        )
    assert [(e.kind, e.reason) for e in OutboxEntry.objects.order_by("id")] == [
        ("check_in", ""),
        ("refusal", errors.ALREADY_CHECKED_IN),  # queued after the admission
    ]
    # BrightStar answers again; the sync runs before the drain: it has not heard of the admission yet,
    # and the ticket is in its feed (renamed meanwhile, say).
    Attendee.objects.filter(pk=tickets[0].pk).update(name="Ada L.", updated_at=timezone.now())
    sync.replica_sync(event_id=event.id)
    assert ReplicaTicket.objects.get(attendee_id=tickets[0].id).name == "Ada L."
    assert ReplicaTicket.objects.get(attendee_id=tickets[0].id).checked_in
    assert tasks.outbox_drain_task.call(event.id) == 0
    [refusal] = scan_list(event_id=event.id, result="refused").items
    assert (refusal.reason, refusal.attendee_id) == (errors.ALREADY_CHECKED_IN, tickets[0].id)
    assert Attendee.objects.get(pk=tickets[0].pk).checked_in


def test_a_refusal_brightstar_will_not_log_is_dropped_not_a_conflict(opened, event, tickets, outage):
    with outage:
        scan(opened, event, "NO-SUCH-CODE")
    OutboxEntry.objects.update(scanned_at=OutboxEntry.objects.get().scanned_at.replace(year=2020))  # past 7 days
    assert tasks.outbox_drain_task.call(event.id) == 0
    entry = OutboxEntry.objects.get()
    assert (entry.state, entry.result_code) == ("dropped", errors.VALIDATION_ERROR)
    assert door_mode(event_id=event.id).conflicts == 0
    assert scan_list(event_id=event.id).items == ()


def test_a_ticket_scanned_again_while_its_offline_admission_waits_is_logged_as_refused(opened, event, tickets, outage):
    """Refused from the outbox (BrightStar would still call the ticket valid), online or not: logged all the same."""
    again = str(uuid.uuid4())
    with outage:
        assert outcome(scan(opened, event, tickets[0].barcode)) == "admitted_offline"
    # BrightStar answers again, the drain has not run yet: the outbox refuses, BrightStar is not asked.
    assert outcome(scan(opened, event, tickets[0].barcode, again)) == "duplicate"
    assert outcome(scan(opened, event, tickets[0].barcode, again)) == "duplicate"  # its answer was lost: queued once
    assert [(e.kind, e.reason) for e in OutboxEntry.objects.order_by("id")] == [
        ("check_in", ""),
        ("refusal", errors.ALREADY_CHECKED_IN),
    ]
    assert door_mode(event_id=event.id).waiting == 1  # a refusal changes no figure a door reads

    assert tasks.outbox_drain_task.call(event.id) == 0
    assert [e.state for e in OutboxEntry.objects.order_by("id")] == ["synced", "synced"]
    logged = scan_list(event_id=event.id).items
    assert sorted((s.result, s.reason, s.attendee_id) for s in logged) == [
        ("admitted", None, tickets[0].id),
        ("refused", errors.ALREADY_CHECKED_IN, tickets[0].id),
    ]
