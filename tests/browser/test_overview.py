"""Three doors named on their own devices scan; the supervisor's overview counts them per door, in Chromium."""

import re
import socket

import pytest
from playwright.sync_api import Page, expect

from boxoffice.web import feedback
from sandbox.models import Scan
from tests.browser.conftest import PHONE, assert_accessible, screenshot
from tests.browser.test_phone import assert_no_sideways_scroll
from tests.door.conftest import door_event, door_url, refunded_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def night(account):
    return door_event(account)


def overview_url(event) -> str:
    return f"/events/{event.id}/doors/"


def open_named_door(browser_page_as, event, name: str, **kwargs) -> Page:
    """A new device opens the door page: it asks for the door's name once, then shows it."""
    page = browser_page_as("door", **kwargs)
    page.goto(door_url(event))
    ask = page.locator("#door-name-form")
    expect(ask).to_be_visible()
    expect(page.locator("#door-name-shown")).to_be_hidden()
    ask.get_by_label("Which door is this device at?").fill(name)
    ask.get_by_role("button", name="Save door name").click()
    expect(page.locator("#door-name-shown")).to_contain_text(f"Door: {name}")
    expect(ask).to_be_hidden()
    expect(page.locator("#scan-input")).to_be_focused()
    return page


def scan(page: Page, barcode: str, outcome: str) -> None:
    page.locator("#scan-input").fill(barcode)
    page.keyboard.press("Enter")
    expect(page.locator(f'#result [data-outcome="{outcome}"][data-barcode="{barcode}"]')).to_be_visible()


def door_row(page: Page, name: str):
    return page.locator(f'#doors tr[data-door="{name}"]')


def test_three_named_doors_scan_and_the_overview_counts_each_with_refusals_by_reason(browser_page_as, night):
    event, general, _, tickets = night
    refunded = refunded_ticket(event, general)

    north = open_named_door(browser_page_as, event, "North entrance")
    scan(north, tickets[0].barcode, "admitted")
    scan(north, tickets[1].barcode, "admitted")
    south = open_named_door(browser_page_as, event, "South gate")
    scan(south, tickets[0].barcode, "duplicate")
    scan(south, refunded.barcode, "void")
    east = open_named_door(browser_page_as, event, "East side")
    scan(east, "NOT-A-TICKET", "unknown")
    scan(east, tickets[3].barcode, "admitted")

    # The name stays with the device: a reload does not ask again, and every scan went with it.
    north.reload()
    expect(north.locator("#door-name-shown")).to_contain_text("Door: North entrance")
    expect(north.locator("#door-name-form")).to_be_hidden()
    assert sorted(Scan.objects.filter(event=event).values_list("gate", flat=True)) == [
        "East side",
        "East side",
        "North entrance",
        "North entrance",
        "South gate",
        "South gate",
    ]
    assert len(set(Scan.objects.filter(event=event).values_list("device", flat=True))) == 3

    page = browser_page_as("box_office")
    page.goto(f"/events/{event.id}/")
    page.get_by_role("link", name="Doors overview").click()
    expect(page.locator("main h1")).to_have_text(f"Doors · {event.title}")
    for name, admitted, refused in [("North entrance", "2", "0"), ("South gate", "0", "2"), ("East side", "1", "1")]:
        row = door_row(page, name)
        expect(row.locator('[data-figure="admitted"]')).to_have_text(admitted)
        expect(row.locator('[data-figure="refused"]')).to_have_text(refused)
        expect(row.locator('[data-figure="last-scan"]')).to_have_text(re.compile(r"^\d\d:\d\d:\d\d UTC$"))
    # Why, per door: the south gate's two refusals and the east side's one, in the door panel's words.
    for name, expected in [
        ("North entrance", {}),
        ("South gate", {"Already checked in": "1", "Void ticket": "1"}),
        ("East side", {"Unknown code": "1"}),
    ]:
        listed = door_row(page, name).locator("[data-door-reason]")
        expect(listed).to_have_count(len(expected))
        for words, count in expected.items():
            expect(
                listed.and_(page.locator(f'[data-door-reason="{words}"]')).locator('[data-figure="count"]')
            ).to_have_text(count)
    expect(door_row(page, "South gate")).not_to_contain_text("ALREADY_CHECKED_IN")
    reasons = page.locator("#refusals")
    for words in ("Already checked in", "Void ticket", "Unknown code"):
        expect(reasons.locator(f'tr[data-reason="{words}"] [data-figure="count"]')).to_have_text("1")
    expect(page.locator('[data-figure="checked-in"]')).to_have_text("3")
    arrivals = page.locator("#arrivals")
    expect(arrivals.locator("svg.chart-svg rect.kind-0").first).to_be_visible()  # admitted, solid
    expect(arrivals.locator("svg.chart-svg rect.kind-1").first).to_be_visible()  # refused, hatched
    # The table alternative is open, and stays so across refreshes (each swaps the whole partial).
    expect(arrivals.locator("details.chart-table tbody tr").first).to_be_visible()
    assert_accessible(page)

    # Live: a scan at the north door shows up on the next refresh, without a reload.
    scan(north, tickets[2].barcode, "admitted")
    expect(door_row(page, "North entrance").locator('[data-figure="admitted"]')).to_have_text("3", timeout=15_000)
    expect(page.locator('[data-figure="checked-in"]')).to_have_text("4")
    expect(page.locator("#arrivals details.chart-table tbody tr").first).to_be_visible()

    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot(page, "doors-overview")
    south.set_viewport_size(PHONE)
    assert_no_sideways_scroll(south)


def test_a_changed_door_name_goes_with_the_next_scans(browser_page_as, night):
    event, _, _, tickets = night
    page = open_named_door(browser_page_as, event, "Side door")
    page.get_by_role("button", name="Change").click()
    field = page.locator("#door-name-input")
    expect(field).to_be_focused()
    expect(field).to_have_value("Side door")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    screenshot(page, "door-name-change")
    field.fill("Stage door")
    page.keyboard.press("Enter")
    expect(page.locator("#door-name-shown")).to_contain_text("Door: Stage door")
    scan(page, tickets[0].barcode, "admitted")
    # A tap in the search list posts its own form: the door's name goes with it too.
    page.locator("#door-search").fill("Grace")
    page.get_by_role("button", name="Check in Grace Hopper").click()
    expect(page.locator('#result [data-outcome="admitted"]')).to_contain_text("Grace Hopper")
    assert list(Scan.objects.filter(event=event).values_list("gate", flat=True)) == ["Stage door", "Stage door"]


def test_the_overview_stops_polling_while_hidden_and_refreshes_when_seen_again(browser_page_as, night):
    event = night[0]
    page = browser_page_as("organizer")
    page.clock.install()  # the page's timers run only when the test says so: no waiting on the wall clock
    page.goto(overview_url(event))
    expect(page.locator("#partial")).to_be_visible()
    refreshes: list[str] = []
    page.on("request", lambda r: "zone=" in r.url and refreshes.append(r.url))

    page.clock.run_for(5_500)
    page.wait_for_function("() => !document.body.classList.contains('is-busy')")
    assert len(refreshes) == 1

    page.evaluate("() => Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})")
    page.clock.run_for(20_000)
    assert len(refreshes) == 1  # four ticks, no request

    page.evaluate(
        """() => {
          Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});
          document.dispatchEvent(new Event('visibilitychange'));
        }"""
    )
    page.wait_for_function("() => !document.body.classList.contains('is-busy')")
    assert len(refreshes) == 2
    assert feedback.UNREACHABLE not in page.content()


def _closed_port() -> int:
    """A port nothing listens on: taken from the OS, then let go."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_brightstar_down_the_overview_keeps_its_last_figures_and_says_so(browser_page_as, night, settings):
    event, _, _, tickets = night
    door = open_named_door(browser_page_as, event, "North entrance")
    scan(door, tickets[0].barcode, "admitted")
    page = browser_page_as("organizer")
    page.goto(overview_url(event))
    admitted = door_row(page, "North entrance").locator('[data-figure="admitted"]')
    expect(admitted).to_have_text("1")
    status = page.locator("#overview-status")
    expect(status).to_be_empty()

    reachable = settings.BRIGHTSTAR_API_URL
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 1
    settings.BRIGHTSTAR_API_URL = f"http://127.0.0.1:{_closed_port()}/v1/test"  # refused: BrightStar is down
    expect(status).to_contain_text(feedback.UNREACHABLE, timeout=15_000)  # the next refresh, within 5 s
    expect(status).to_contain_text(feedback.DOORS_KEPT)
    expect(admitted).to_have_text("1")  # the last figures stay
    expect(page.locator("#alerts .alert")).to_have_count(0)  # said once, in place, not as a page-wide error

    settings.BRIGHTSTAR_API_URL = reachable
    expect(status).to_be_empty(timeout=15_000)
    expect(admitted).to_have_text("1")
