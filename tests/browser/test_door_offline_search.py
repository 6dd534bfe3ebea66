"""Venue mode, layer 2, in Chromium: the door's name search offline, answered from the phone's own copy (issue 15).

A phone that lost the dashboard still finds a guest by name (any case, with or without accents), shows the
list the dashboard would, and a tap on "Check in" is decided on the phone as a scan is: the same verdict,
the same repeat, the same queue; uploaded by its row's hash and name, it reaches BrightStar once.
"""

import re
import unicodedata

import pytest
from playwright.sync_api import expect

from boxoffice.venue import outbox, sync
from boxoffice.venue.names import fold
from sandbox.models import Attendee
from tests.browser.conftest import assert_accessible
from tests.browser.test_door_offline import door_phone, scan  # noqa: F401 - the offline phone, a fixture
from tests.door.conftest import door_event, refunded_ticket
from tests.factories import order_make
from tests.venue.test_names import TRICKY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

NOTICE = "This phone is offline: found in its own copy (as of "


def open_door(page, event):
    sync.replica_sync(event_id=event.id)  # the dashboard's replica (layer 1), which the phone's copy comes from
    page.goto(f"/events/{event.id}/door/")
    expect(page.locator("#device-status")).to_have_attribute("data-state", "ready")


def test_offline_a_name_search_answers_from_the_copy_and_a_tap_reaches_brightstar_once(
    door_phone,  # noqa: F811 - the fixture imported above
    account,
    api,
):
    event, general, *_ = door_event(account)
    order_make(event, general, quantity=1, buyer_name="Zoë Ångström", buyer_email="zoe@example.com")
    zoe = Attendee.objects.get(event=event, name="Zoë Ångström")
    page = door_phone
    open_door(page, event)
    page.context.set_offline(True)

    # Upper case, no accents: the phone folds both sides. The request fails at once; the copy answers.
    page.fill("#door-search", "ZOE ANGS")
    results = page.locator("#search-results")
    expect(results.locator("[data-source=device]")).to_contain_text(NOTICE)
    row = results.locator(".found-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Zoë Ångström")
    expect(row).to_contain_text("General")
    expect(row.locator(".badge")).to_have_text("not in")

    row.get_by_role("button", name="Check in Zoë Ångström").click()
    verdict = page.locator("#result .result")
    expect(verdict).to_have_attribute("data-outcome", "admitted_device")
    expect(verdict).to_contain_text("Admitted — this phone is offline")
    expect(verdict).to_contain_text("Zoë Ångström · General")
    expect(page.locator("#scan-log .log-item").first).to_contain_text("Zoë Ångström")
    # The list asks again, as the dashboard's answer to a tap makes it: in now, no button.
    expect(row.locator(".badge.in")).to_contain_text(re.compile(r"in at \d\d:\d\d"))
    expect(row.get_by_role("button")).to_have_count(0)
    # Her ticket scanned at this phone is the same row: already in.
    scan(page, zoe.barcode)
    expect(verdict).to_have_attribute("data-outcome", "duplicate_device")

    # A double tap on one of Ada's three tickets: the second tap is a repeat, as a second scan is.
    page.fill("#door-search", "ada")
    expect(results.locator(".found-row")).to_have_count(3)
    first = results.get_by_role("button", name="Check in Ada Lovelace").first
    first.evaluate("(button) => { button.click(); button.click(); }")
    log = page.locator("#scan-log")
    expect(log.locator(".log-item[data-outcome=duplicate_device]")).to_have_count(2)  # Zoë's scan, Ada's 2nd tap
    expect(log.locator(".log-item[data-outcome=admitted_device]")).to_have_count(2)  # Zoë's tap, Ada's 1st
    expect(verdict).to_have_attribute("data-outcome", "duplicate_device")
    expect(verdict).to_contain_text("Let in on this phone at")
    expect(results.locator(".badge.in")).to_have_count(1)
    expect(results.get_by_role("button", name="Check in Ada Lovelace")).to_have_count(2)
    status = page.locator("#device-status")
    expect(status).to_have_attribute("data-waiting", "2")
    assert not Attendee.objects.filter(event=event, checked_in=True).exists()  # nothing reached anyone yet

    page.context.set_offline(False)
    expect(status).to_contain_text("Back online: 2 scans sent", timeout=15_000)
    assert outbox.outbox_drain(event_id=event.id) == 0  # what the task worker does, here at once
    # BrightStar, asked over HTTP: Zoë and one Ada in, each admitted exactly once, at this phone.
    admitted = api.get(f"/events/{event.id}/scans", params={"result": "admitted"}).json()
    assert sorted(s["attendee_id"] for s in admitted).count(zoe.pk) == 1 and len(admitted) == 2
    inside = api.get(f"/events/{event.id}/attendees", params={"checked_in": "true"}).json()
    assert sorted(a["name"] for a in inside) == ["Ada Lovelace", "Zoë Ångström"]
    # Online again, the dashboard's own search answers (no offline notice).
    page.fill("#door-search", "Zoë")
    expect(results.locator(".found-row")).to_have_count(1)
    expect(results.locator("[data-source=device]")).to_have_count(0)


def test_offline_a_void_ticket_lists_as_void_without_a_button(door_phone, account):  # noqa: F811 - imported above
    event, general, _, _ = door_event(account)
    refunded_ticket(event, general)
    order_make(event, general, quantity=12, buyer_name="Queue Person", buyer_email="queue@example.com")
    page = door_phone
    open_door(page, event)
    page.context.set_offline(True)

    page.fill("#door-search", "rita")
    results = page.locator("#search-results")
    row = results.locator(".found-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Refunded Rita")
    expect(row.locator(".badge.void")).to_have_text("void")
    expect(row.get_by_role("button")).to_have_count(0)
    # Ten at most, and how many in all, as the dashboard's list.
    page.fill("#door-search", "queue")
    expect(results.locator(".found-row")).to_have_count(10)
    expect(results).to_contain_text("10 of 12: type more to narrow.")
    assert_accessible(page)  # the list from the copy, its buttons named for each person
    page.fill("#door-search", "nobody here")
    expect(results).to_contain_text("Nobody in this phone's copy matches “nobody here”.")


def test_a_search_the_dashboard_leaves_unanswered_is_answered_from_the_copy(
    door_phone,  # noqa: F811 - the fixture imported above
    account,
    settings,
):
    event, *_ = door_event(account)
    page = door_phone
    assert settings.DOOR_DEVICE_ANSWER_MS == 2500  # what a door waits for, before its phone decides
    settings.DOOR_DEVICE_ANSWER_MS = 50  # the page says so (data-device-answer-ms): no 2.5 s to sit through
    page.clock.install()  # the phone's probe for the dashboard (every 5 s) runs when the test moves the clock
    open_door(page, event)
    assert page.evaluate("window.BrightStarDoorDevice.timeout") == 50
    page.evaluate("""() => { window.timedOut = [];
      document.addEventListener("htmx:timeout", (e) => window.timedOut.push(e.detail.elt.id)); }""")
    # The network is up, but the dashboard never answers a search (the request is held, never answered, so
    # only the phone's wait can end it): its copy answers.
    page.route("**/door/search/**", lambda route: None)
    page.fill("#door-search", "grace")
    results = page.locator("#search-results")
    expect(results.locator("[data-source=device]")).to_contain_text(NOTICE)
    assert page.evaluate("window.timedOut") == ["door-search"]  # the wait ended it, not a failed request
    expect(results.locator(".found-row")).to_contain_text("Grace Hopper")
    expect(results.locator(".found-row")).to_contain_text("VIP Balcony")
    # And the phone now decides at once, as after a scan that found the dashboard silent, until it answers again.
    expect(page.locator("#device-status")).to_have_attribute("data-state", "offline")
    page.unroute("**/door/search/**")
    page.clock.fast_forward(5_000)  # door-device.js PROBE_MS
    expect(page.locator("#device-status")).to_have_attribute("data-state", "ready")


# Where the phone's fold and the dashboard's may not agree, with why: none among the letters the dashboard's
# Python knows. A letter newer than its Unicode (3.13: 15.1) may fold on the phone only; it is not swept below.
FOLDS_APART: dict[str, tuple[str, str]] = {}


def test_the_phone_folds_names_as_the_dashboard_does(door_phone, account):  # noqa: F811 - imported above
    """Else "strasse" finds Straße at the desk and nobody at the door: names.py and door-device.js, side by side."""
    event, general, *_ = door_event(account)
    order_make(event, general, quantity=1, buyer_name="Jürgen Großmann", buyer_email="jg@example.com")
    page = door_phone
    open_door(page, event)
    phone = "(texts) => texts.map(window.BrightStarDoorDevice.fold)"

    names = [name for name, _ in TRICKY]
    assert dict(zip(names, page.evaluate(phone, names), strict=True)) == dict(TRICKY)
    # Every letter, mark and sign the dashboard's Python has a name for, one by one.
    letters = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) not in ("Cn", "Cs", "Co")]
    apart = {
        ch: (fold(ch), folded)
        for ch, folded in zip(letters, page.evaluate(phone, letters), strict=True)
        if folded != fold(ch)
    }
    assert apart == FOLDS_APART

    page.context.set_offline(True)
    page.fill("#door-search", "GROSSMANN")
    results = page.locator("#search-results")
    expect(results.locator("[data-source=device]")).to_contain_text(NOTICE)
    expect(results.locator(".found-row")).to_contain_text("Jürgen Großmann")
