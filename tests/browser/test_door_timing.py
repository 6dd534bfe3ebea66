"""Scan to verdict: one round trip, and nothing else in its way (the marks `make bench-door` reads)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_door import open_door
from tests.door.conftest import door_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

# A function, not an expression: a bare string would be eval'd, which the page's CSP refuses.
PAINTED = "() => performance.getEntriesByName('door:verdict', 'measure').length >= 1"


def test_a_verdict_needs_exactly_one_round_trip(browser_page_as, account):
    event, _, _, tickets = door_event(account)
    page = open_door(browser_page_as, event)
    # The counters and the mode strip never answer, and sound is on: the verdict must wait for none of them.
    page.route(re.compile(r"/door/(counters|mode)/"), lambda route: None)
    page.evaluate("() => localStorage.setItem('door.sound', '1')")
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url)))

    page.fill("#scan-input", tickets[0].barcode)
    page.keyboard.press("Enter")
    page.wait_for_function(PAINTED)

    expect(page.locator("#result .result")).to_have_class(re.compile(r"\bok\b"))
    scans = [r for r in requests if r[0] == "POST"]
    assert scans == [("POST", page.url)]
    # Anything else was a poll on its own timer, not part of the verdict.
    assert all(re.search(r"/door/(counters|mode)/", url) for method, url in requests if method != "POST")
    marks = page.evaluate("""() => ["enter", "sent", "received", "painted"].map(
        (step) => performance.getEntriesByName("door:" + step, "mark").length)""")
    assert marks == [1, 1, 1, 1]
    verdict, request = page.evaluate("""() => ["door:verdict", "door:request"].map(
        (name) => performance.getEntriesByName(name, "measure")[0].duration)""")
    assert 0 < request <= verdict


# Animations that never end (none may run on an idle page): each keeps Chromium making frames on the
# clock, so a verdict that arrives meanwhile waits for the next tick instead of being drawn at once.
ENDLESS = """() => document.getAnimations()
  .filter((a) => a.effect.getComputedTiming().endTime === Infinity)
  .map((a) => (a.effect.target && (a.effect.target.id || a.effect.target.className)) || "?")"""


def test_nothing_animates_while_the_door_waits_for_a_verdict(browser_page_as, account):
    event, _, _, tickets = door_event(account)
    page = open_door(browser_page_as, event)
    assert page.evaluate(ENDLESS) == []

    page.fill("#scan-input", tickets[0].barcode)
    page.keyboard.press("Enter")
    page.wait_for_function(PAINTED)
    assert page.evaluate(ENDLESS) == []
    frame, verdict = page.evaluate("""() => ["door:frame", "door:verdict"].map(
        (name) => performance.getEntriesByName(name, "measure")[0].duration)""")
    assert 0 < frame < verdict  # the verdict's own frame, then the second frame
