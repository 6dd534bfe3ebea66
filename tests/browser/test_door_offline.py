"""Venue mode, layer 2, in Chromium: a door phone that loses the dashboard keeps scanning from its own copy."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import expect

from boxoffice.venue import outbox, sync
from boxoffice.venue.models import OutboxEntry
from sandbox.models import Attendee, Event
from tests.browser.conftest import DESKTOP, _expected_answer
from tests.door.conftest import door_event, refunded_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


# Offline, failing requests are the point: Chromium and htmx log each one. Anything else still fails the test.
_OFFLINE = re.compile(r"net::ERR_INTERNET_DISCONNECTED|^htmx:(sendError|afterRequest|timeout),")


@pytest.fixture
def door_phone(browser, live_server, dashboard, staff_users):
    """A door volunteer's page, as browser_page_as opens it, that tolerates only the errors of being offline."""
    problems: list[str] = []
    client = Client()
    client.force_login(staff_users["door"])
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "url": live_server.url,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        ]
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and not _expected_answer(msg.text)
            and not _OFFLINE.search(msg.text)
            and problems.append(f"console error: {msg.text}")
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    yield page
    context.close()
    assert not problems, "\n".join(problems)


def scan(page, code):
    page.fill("#scan-input", code)
    page.keyboard.press("Enter")


def test_offline_the_phone_decides_from_its_copy_and_each_scan_reaches_brightstar_once(door_phone, account):
    event, general, _, tickets = door_event(account)
    void = refunded_ticket(event, general)
    sync.replica_sync(event_id=event.id)  # the dashboard's replica (layer 1), which the copy comes from
    page = door_phone
    page.goto(f"/events/{event.id}/door/")
    status = page.locator("#device-status")
    expect(status).to_have_attribute("data-state", "ready")

    page.context.set_offline(True)
    result = page.locator("#result .result")
    scan(page, tickets[0].barcode)
    expect(result).to_have_attribute("data-outcome", "admitted_device")
    expect(result).to_contain_text("Admitted — this phone is offline")
    expect(result).to_contain_text("Ada Lovelace · General")
    expect(page.locator("#device-risk")).to_be_visible()
    expect(page.locator("#device-risk")).to_contain_text("a copied ticket could get in at two doors")
    # Once offline, the next scans are decided at once, without waiting for the network.
    scan(page, tickets[1].barcode)
    expect(page.locator("#scan-log .log-item[data-outcome=admitted_device]")).to_have_count(2)
    scan(page, tickets[0].barcode)  # the same ticket again, on the same phone: caught
    expect(result).to_have_attribute("data-outcome", "duplicate_device")
    expect(result).to_contain_text("Let in on this phone at")
    scan(page, void.barcode)
    expect(result).to_have_attribute("data-outcome", "void_device")
    scan(page, "NOT-A-TICKET")
    expect(result).to_have_attribute("data-outcome", "unknown_device")
    expect(status).to_have_attribute("data-waiting", "2")
    assert not Attendee.objects.filter(event=event, checked_in=True).exists()  # nothing reached anyone yet

    page.context.set_offline(False)
    expect(status).to_contain_text("Back online: 2 scans sent", timeout=15_000)
    expect(status).to_have_attribute("data-waiting", "0")
    assert outbox.outbox_drain(event_id=event.id) == 0  # what the task worker does, here at once
    entries = OutboxEntry.objects.filter(event_id=event.id)
    assert entries.count() == 2 and {e.state for e in entries} == {OutboxEntry.State.SYNCED}
    assert set(Attendee.objects.filter(event=event, checked_in=True).values_list("pk", flat=True)) == {
        tickets[0].pk,
        tickets[1].pk,
    }
    # Online again: the dashboard decides (one call), and knows the phone's admissions.
    scan(page, tickets[1].barcode)
    expect(result).to_have_attribute("data-outcome", "duplicate")
    scan(page, tickets[2].barcode)
    expect(result).to_have_attribute("data-outcome", "admitted")
    expect(result).to_have_class(re.compile(r"\bok\b"))


def test_offline_reload_opens_the_door_from_the_service_worker(door_phone, account):
    event, _, _, tickets = door_event(account)
    sync.replica_sync(event_id=event.id)
    page = door_phone
    page.goto(f"/events/{event.id}/door/")  # 127.0.0.1 is a secure context: the worker registers
    expect(page.locator("#device-status")).to_have_attribute("data-state", "ready")
    page.wait_for_function(
        "() => navigator.serviceWorker.controller !== null || navigator.serviceWorker.ready.then(() => true)"
    )
    page.reload()  # now controlled: the worker has cached the page and its files
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => caches.open('brightstar-door').then((c) => c.keys()).then((k) => k.length >= 4)")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#scan-input")).to_be_focused()
    scan(page, tickets[0].barcode)
    expect(page.locator("#result .result")).to_have_attribute("data-outcome", "admitted_device")


# --- the copy is cleared: logout, a role change, the event's check-in closing (issue 15) ----------------

COPIES = """() => indexedDB.databases().then((all) => all.map((d) => d.name)
  .filter((name) => name && name.startsWith("brightstar-door:")).sort())"""
CACHED = "() => caches.keys()"


def ready_copy(page, event):
    sync.replica_sync(event_id=event.id)
    page.goto(f"/events/{event.id}/door/")
    expect(page.locator("#device-status")).to_have_attribute("data-state", "ready")
    assert page.evaluate(COPIES) == [f"brightstar-door:{event.id}"]


def copies_gone(page, timeout_ms=10_000):
    """Waits (asking the page every 50 ms) until no copy is left; fails with what is left after timeout_ms."""
    left = page.evaluate(
        f"""(timeout) => new Promise((resolve) => {{
          const until = performance.now() + timeout;
          const ask = () => ({COPIES})().then((names) => {{
            if (!names.length || performance.now() > until) resolve(names); else setTimeout(ask, 50);
          }});
          ask();
        }})""",
        timeout_ms,
    )
    assert left == []


def mark_copy(page, event):
    """A marker in the copy as it stands: gone only if the database itself was deleted."""
    page.evaluate(
        """(name) => new Promise((resolve, reject) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => { const tx = r.result.transaction("meta", "readwrite");
            tx.objectStore("meta").put("old", "marker"); tx.oncomplete = () => { r.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error); };
        })""",
        f"brightstar-door:{event.id}",
    )


def marker(page, event):
    return page.evaluate(
        """(name) => new Promise((resolve) => {
          const r = indexedDB.open(name);
          r.onsuccess = () => { const get = r.result.transaction("meta").objectStore("meta").get("marker");
            get.onsuccess = () => { r.result.close(); resolve(get.result || null); }; };
        })""",
        f"brightstar-door:{event.id}",
    )


def test_logging_out_at_the_door_sends_what_waits_then_clears_the_copy(door_phone, account):
    event, _, _, tickets = door_event(account)
    page = door_phone
    ready_copy(page, event)
    page.context.set_offline(True)
    scan(page, tickets[0].barcode)
    expect(page.locator("#result .result")).to_have_attribute("data-outcome", "admitted_device")
    page.context.set_offline(False)

    page.locator("form.logout button").click()
    page.wait_for_url(re.compile(r"/login/"))
    assert page.evaluate(COPIES) == [] and page.evaluate(CACHED) == []
    # Sent before it went (by the logout, or by the probe just before it): never lost.
    assert OutboxEntry.objects.filter(event_id=event.id).count() == 1


def test_logging_out_offline_with_unsent_scans_asks_and_keeps_them(door_phone, account):
    event, _, _, tickets = door_event(account)
    page = door_phone
    ready_copy(page, event)
    page.context.set_offline(True)
    scan(page, tickets[0].barcode)
    expect(page.locator("#device-status")).to_have_attribute("data-waiting", "1")
    asked: list[str] = []
    # Answered at once (Cancel): a dialog left open would block the page and the click with it.
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))

    page.locator("form.logout button").click()
    expect(page.locator("#scan-input")).to_be_focused()  # back to scanning once Cancel is in
    assert len(asked) == 1 and "1 scans made offline on this phone have not reached the dashboard" in asked[0]
    assert "/door/" in page.url and page.evaluate(COPIES) == [f"brightstar-door:{event.id}"]
    expect(page.locator("#device-status")).to_have_attribute("data-waiting", "1")


def test_logging_out_from_another_page_clears_the_copy(door_phone, account):
    event, *_ = door_event(account)
    page = door_phone
    ready_copy(page, event)
    page.goto("/events/")  # no door script here: the login page it ends on clears it (app.js)
    page.locator("form.logout button").click()
    page.wait_for_url(re.compile(r"/login/"))
    copies_gone(page)


def test_a_role_change_replaces_the_copy(door_phone, account, staff_users):
    event, *_ = door_event(account)
    page = door_phone
    ready_copy(page, event)
    mark_copy(page, event)
    key = page.locator(".door").get_attribute("data-device-key")
    user = staff_users["door"]
    user.groups.set([Group.objects.get(name="Box office")])

    page.reload()
    assert page.locator(".door").get_attribute("data-device-key") != key
    expect(page.locator("#device-status")).to_have_attribute("data-state", "ready")
    assert marker(page, event) is None  # the old database went; this one was taken under the new role


def test_closing_the_events_check_in_clears_its_copy(door_phone, account):
    event, *_ = door_event(account)
    page = door_phone
    ready_copy(page, event)
    Event.objects.filter(pk=event.pk).update(status="cancelled")
    cache.clear()  # the dashboard's cached event: the next load asks BrightStar

    page.reload()
    expect(page.locator(".alert-error")).to_contain_text("check-in is closed")
    copies_gone(page)
