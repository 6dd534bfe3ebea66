"""Dark mode: it follows the device, a door phone can be told otherwise, and every page stays AA.

assert_accessible runs all of axe, color-contrast included, so each page here is checked in the
dark scheme exactly as it is in the light one elsewhere.
"""

import pytest
from playwright.sync_api import Page, expect

from sandbox.models import Attendee, TicketType
from tests.browser.conftest import PHONE, assert_accessible, screenshot
from tests.door.conftest import door_url, refunded_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

DARK_PAPER = "rgb(13, 17, 23)"  # --wash in the dark scheme: the page's background
LIGHT_PAPER = "rgb(246, 248, 250)"


def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.documentElement).backgroundColor")


def scan(page: Page, code: str) -> None:
    page.keyboard.type(code, delay=0)
    page.keyboard.press("Enter")


def test_every_page_is_aa_in_the_dark(browser_page_as, venue):
    page = browser_page_as("organizer", viewport=PHONE, color_scheme="dark")
    page.goto("/events/")
    assert background(page) == DARK_PAPER
    pages = [
        "/events/",
        f"/events/{venue.id}/",
        f"/events/{venue.id}/attendees/",
        f"/orders/event/{venue.id}/",
        "/orders/lookup/?q=a",
        "/audit/",
        f"/events/{venue.id}/attendees/print/",
    ]
    for url in pages:
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        assert_accessible(page)
    page.goto(f"/events/{venue.id}/")
    page.get_by_role("link", name="Edit VIP Balcony").click()
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "dark-event-detail")
    page.goto("/events/")
    page.locator("#order-search").fill("alex")
    expect(page.locator("#lookup-results")).to_contain_text("Alexandra")
    assert_accessible(page)
    screenshot(page, "dark-events-list")


def test_every_door_verdict_is_aa_in_the_dark(browser_page_as, venue):
    general = TicketType.objects.get(event__id=venue.id, name__startswith="General")
    void = refunded_ticket(venue, general)
    ticket = Attendee.objects.filter(event__id=venue.id, status="valid").first()
    page = browser_page_as("door", viewport=PHONE, color_scheme="dark")
    page.goto(door_url(venue))
    expect(page.locator("#scan-input")).to_be_focused()
    assert background(page) == DARK_PAPER
    assert_accessible(page)
    panel = page.locator("#result .result")
    for code, outcome in [
        (ticket.barcode, "admitted"),
        (ticket.barcode, "duplicate"),
        (void.barcode, "void"),
        ("NOT-A-TICKET", "unknown"),
    ]:
        scan(page, code)
        expect(panel).to_have_attribute("data-outcome", outcome)
        assert_accessible(page)
    page.get_by_label("Name or email", exact=True).fill("alex")
    expect(page.locator("#search-results .found-row").first).to_be_visible()
    assert_accessible(page)
    screenshot(page, "dark-door")


def test_a_door_phone_remembers_its_colours(browser_page_as, venue):
    page = browser_page_as("door", viewport=PHONE, color_scheme="light")
    page.goto(door_url(venue))
    assert background(page) == LIGHT_PAPER
    choice = page.get_by_role("group", name="Colours on this device")
    expect(choice.get_by_label("Auto")).to_be_checked()
    choice.get_by_label("Dark").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK_PAPER
    expect(page.locator("#scan-input")).to_be_focused()  # a tap hands the scanner its field back
    assert_accessible(page)

    page.reload()  # remembered on this device, and applied before the page paints
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("group", name="Colours on this device").get_by_label("Dark")).to_be_checked()
    page.goto("/events/")  # the whole device, not only the door page
    assert background(page) == DARK_PAPER

    # A phone whose system is dark can still be told Light (a bright foyer).
    dark = browser_page_as("door", viewport=PHONE, color_scheme="dark")
    dark.goto(door_url(venue))
    assert background(dark) == DARK_PAPER
    dark.get_by_role("group", name="Colours on this device").get_by_label("Light").click()
    assert background(dark) == LIGHT_PAPER
    assert_accessible(dark)
    dark.get_by_role("group", name="Colours on this device").get_by_label("Auto").click()
    expect(dark.locator("html")).not_to_have_attribute("data-theme", "light")
    assert background(dark) == DARK_PAPER
