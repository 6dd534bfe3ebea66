"""BrightStar killed mid-shift: three doors on one event keep admitting, once each, and it all reaches BrightStar.

The sandbox runs as its own gunicorn process on the test's sandbox
database; the dashboard (pytest's live server) talks to it over HTTP. The
test kills it with SIGKILL, scans through real Chromium at three doors,
refunds a ticket behind the dashboard's back, starts BrightStar again and
drains the outbox.
"""

import pytest
from playwright.sync_api import Page, expect

from boxoffice.brightstar import client as bs_client
from boxoffice.brightstar import errors
from boxoffice.venue import sync, tasks
from boxoffice.venue.models import OutboxEntry
from sandbox.models import Attendee, TicketType
from sandbox.services.refunds import order_refund
from tests.door.conftest import door_event, door_url
from tests.factories import order_make
from tests.venue.processes import sandbox_server, start_sandbox

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]

POLL_MS = 12_000  # the strip and the counters poll every 5 s: two polls and some


@pytest.fixture
def brightstar(settings, dashboard, tmp_path, monkeypatch):
    """The sandbox as a separate process the test can kill; the dashboard pointed at it."""
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)  # the client's retries, without their waits
    server = sandbox_server(tmp_path / "sandbox.log")
    settings.BRIGHTSTAR_API_URL = start_sandbox(server)
    yield server
    server.stop()


def open_door(browser_page_as, event) -> Page:
    page = browser_page_as("door")
    page.goto(door_url(event))
    expect(page.locator("#scan-input")).to_be_focused()
    return page


def scan(page: Page, barcode: str) -> None:
    page.locator("#scan-input").fill(barcode)
    page.keyboard.press("Enter")


def last_outcome(page: Page, scans: int) -> str:
    """The newest line of the door's scan log, once it holds `scans` lines."""
    expect(page.locator("#scan-log .log-item")).to_have_count(scans)
    return page.locator("#scan-log .log-item").first.get_attribute("data-outcome") or ""


def test_brightstar_killed_mid_shift(browser_page_as, brightstar, account, client_as):
    event, general, _, tickets = door_event(account)
    late = order_make(event, general, quantity=1, buyer_name="Late Larry", buyer_email="larry@example.com")
    larry = Attendee.objects.get(order=late)
    doors = [open_door(browser_page_as, event) for _ in range(3)]
    sync.replica_sync(event_id=event.id)  # the first sync the worker runs once a door opens

    scan(doors[0], tickets[0].barcode)
    assert last_outcome(doors[0], 1) == "admitted"  # online: BrightStar's own verdict

    brightstar.kill()
    # Scans keep getting verdicts, from the replica.
    scan(doors[0], tickets[1].barcode)
    assert last_outcome(doors[0], 2) == "admitted_offline"
    scan(doors[1], tickets[0].barcode)  # let in online earlier
    assert last_outcome(doors[1], 1) == "duplicate"
    scan(doors[2], "NOT-A-TICKET")
    assert last_outcome(doors[2], 1) == "unknown"
    # The same ticket at two doors at once: in once, refused once.
    scan(doors[1], tickets[2].barcode)
    scan(doors[2], tickets[2].barcode)
    assert sorted([last_outcome(doors[1], 2), last_outcome(doors[2], 2)]) == ["admitted_offline", "duplicate"]
    scan(doors[0], larry.barcode)
    assert last_outcome(doors[0], 3) == "admitted_offline"
    # Meanwhile the box office refunds Larry's order on BrightStar's side (its API is down: its services).
    order_refund(order=late, amount=None, reason="refunded during the outage", expected_amount_refunded=None)

    # The door says where it stands: offline, what waits, counters from its copy (offline admissions in).
    strip = doors[0].locator("#door-mode")
    expect(strip).to_have_attribute("data-mode", "offline", timeout=POLL_MS)
    expect(strip.locator("[data-waiting]")).to_have_attribute("data-waiting", "3", timeout=POLL_MS)
    expect(doors[0].locator('[data-counters="offline"]')).to_be_visible(timeout=POLL_MS)
    expect(doors[0].locator('[data-counter="checked-in"]')).to_have_text("4", timeout=POLL_MS)
    # A door reloaded in the outage still opens, offline.
    doors[2].reload()
    expect(doors[2].locator("#door-mode")).to_have_attribute("data-mode", "offline")
    assert not Attendee.objects.filter(pk__in=[tickets[1].pk, tickets[2].pk], checked_in=True).exists()

    start_sandbox(brightstar)
    assert tasks.outbox_drain_task.call(event.id) == 0

    queued = OutboxEntry.objects.filter(event_id=event.id)
    entries = {e.attendee_id: e for e in queued.filter(kind="check_in")}
    assert set(entries) == {tickets[1].id, tickets[2].id, larry.id}
    # The replica's refusals went to BrightStar's scan log, never as conflicts (the second door's refusal of
    # the ticket two doors scanned at once too, unless the admission was already queued when it asked).
    refusals = {(e.attendee_id, e.reason, e.state) for e in queued.filter(kind="refusal")}
    assert {(tickets[0].id, errors.ALREADY_CHECKED_IN, "synced"), ("", errors.NOT_FOUND, "synced")} <= refusals
    assert refusals <= {
        (tickets[0].id, errors.ALREADY_CHECKED_IN, "synced"),
        ("", errors.NOT_FOUND, "synced"),
        (tickets[2].id, errors.ALREADY_CHECKED_IN, "synced"),
    }
    assert entries[larry.id].state == "conflict" and entries[larry.id].result_code == errors.TICKET_VOID
    admitted = {tickets[0].id, tickets[1].id, tickets[2].id}
    assert set(Attendee.objects.filter(event=event, checked_in=True).values_list("id", flat=True)) == admitted
    for attendee_id in (tickets[1].id, tickets[2].id):
        assert entries[attendee_id].state == "synced"
        assert Attendee.objects.get(pk=attendee_id).checked_in_at == entries[attendee_id].scanned_at
    assert TicketType.objects.get(pk=general.pk).checked_in_count == 3  # Larry's refund took him out

    # Online again: the strip says so, and names the conflict, which the box office can open.
    expect(strip).to_have_attribute("data-mode", "online", timeout=POLL_MS)
    expect(strip.locator("[data-conflicts]")).to_have_attribute("data-conflicts", "1", timeout=POLL_MS)
    conflicts = browser_page_as("box_office")
    conflicts.goto(f"/events/{event.id}/door/conflicts/")
    row = conflicts.locator(f'[data-conflict="{larry.id}"]')
    expect(row).to_contain_text("Late Larry")
    expect(row).to_contain_text("TICKET_VOID")
