"""Every page on a phone: nothing scrolls sideways, and every row's action is on screen.

A volunteer at the door holds a 320-390 px phone in one hand; a page that
scrolls sideways hides its right-hand column, which is where the actions live
(Door, Edit, Check in). Each page is opened for every role that can see it.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from boxoffice.venue import sync
from sandbox.models import Order
from tests.browser.conftest import LONG_TITLE, assert_accessible, screenshot
from tests.browser.test_door_offline import door_phone  # noqa: F401 - the offline phone, a fixture
from tests.factories import order_make, ticket_type_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

WIDTHS = (320, 390, 1280)


def pages_for(event) -> dict[str, list[str]]:
    """Which pages each role can open (boxoffice/staff/roles.py)."""
    everyone = ["/events/", f"/events/{event.id}/", f"/events/{event.id}/door/", f"/events/{event.id}/attendees/"]
    order = Order.objects.filter(event=event).order_by("id").first()
    orders = ["/orders/lookup/?q=a", f"/orders/event/{event.id}/", f"/orders/{order.id}/"]
    return {
        "door": everyone,
        "box_office": everyone + orders,
        "organizer": everyone + orders + ["/audit/"],
    }


def overflow(page: Page) -> dict:
    """How far the page scrolls sideways, and the elements that stick out (for the failure message)."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const out = [];
          for (const el of document.querySelectorAll("body *")) {
            const r = el.getBoundingClientRect();
            if (!r.width || r.right <= width + 0.5) continue;
            const cls = typeof el.className === "string" && el.className.trim() ? "." + el.className.trim() : "";
            out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + cls + " right=" + Math.round(r.right));
          }
          return {scroll: document.documentElement.scrollWidth, width, out: out.slice(0, 8)};
        }"""
    )


def assert_no_sideways_scroll(page: Page) -> None:
    found = overflow(page)
    assert found["scroll"] <= found["width"], (
        f"{page.url} at {found['width']} px scrolls to {found['scroll']}: {found['out']}"
    )


def assert_on_screen(locator) -> None:
    """Visible, and reachable without a sideways swipe: inside the viewport and any scroller it sits in."""
    expect(locator).to_be_visible()
    clipped = locator.evaluate(
        """el => {
          const r = el.getBoundingClientRect();
          if (r.left < -0.5 || r.right > window.innerWidth + 0.5) return "outside the viewport";
          for (let up = el.parentElement; up; up = up.parentElement) {
            const style = getComputedStyle(up);
            if (style.overflowX === "visible") continue;
            const box = up.getBoundingClientRect();
            if (r.left < box.left - 0.5 || r.right > box.right + 0.5) return "cut by " + up.className;
          }
          return "";
        }"""
    )
    assert not clipped, clipped


@pytest.mark.parametrize("role", ["door", "box_office", "organizer"])
def test_no_page_scrolls_sideways(browser_page_as, venue, role):
    page = browser_page_as(role)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in pages_for(venue)[role]:
            page.goto(url)
            expect(page.locator("main h1")).to_be_visible()
            assert_no_sideways_scroll(page)
        if role != "door":  # the top bar's order search drops its answers under itself
            page.locator("#order-search").fill("alex")
            expect(page.locator("#lookup-results")).to_contain_text("Alexandra")
            assert_no_sideways_scroll(page)


@pytest.mark.parametrize("width", [320, 390])
def test_row_actions_are_on_screen_on_a_phone(browser_page_as, venue, width):
    size = {"width": width, "height": 800}
    page = browser_page_as("organizer", viewport=size)
    page.goto("/events/")
    assert_on_screen(page.get_by_role("link", name=f"Door check-in for {LONG_TITLE}"))
    screenshot(page, f"phone-events-list-{width}") if width == 320 else None

    page.goto(f"/events/{venue.id}/")
    edit = page.get_by_role("link", name="Edit VIP Balcony")
    assert_on_screen(edit)
    edit.click()
    form = page.get_by_role("form", name="Edit ticket type VIP Balcony")
    for name in ("Name", "Price (USD)", "Quantity"):
        assert_on_screen(form.get_by_label(name))
    assert_on_screen(form.get_by_role("button", name="Save"))
    assert_no_sideways_scroll(page)
    form.get_by_label("Price (USD)").fill("95.00")
    form.get_by_role("button", name="Save").click()
    row = page.locator("#ticket-rows tr", has_text="VIP Balcony")
    expect(row).to_contain_text("$95.00")
    assert_on_screen(row.get_by_role("status").filter(has_text="Saved"))
    assert_on_screen(row.get_by_role("link", name="Edit VIP Balcony"))
    assert_no_sideways_scroll(page)
    if width == 320:
        screenshot(page, "phone-event-detail")

    page.goto(f"/events/{venue.id}/attendees/")
    assert_on_screen(page.get_by_role("link", name="Print"))
    assert_on_screen(page.locator("#attendee-table tbody tr").first.get_by_text(re.compile("not in")))
    if width == 320:
        screenshot(page, "phone-attendees")

    page.goto(f"/events/{venue.id}/door/")
    page.get_by_label("Name or email", exact=True).fill("alexandra")
    assert_on_screen(page.get_by_role("button", name="Check in Alexandra Konstantinopoulou").first)
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("width", [320, 390])
def test_the_offline_search_list_fits_a_phone(door_phone, venue, width):  # noqa: F811 - the fixture imported above
    """The list a phone that lost the dashboard draws from its own copy (door-device.js), not the server's."""
    backstage = ticket_type_make(venue, name="Backstage Meet-and-Greet with Soundcheck Access (Partner Allocation)")
    order_make(
        venue,
        backstage,
        quantity=1,
        buyer_name="Maximiliana Wolfeschlegelsteinhausenbergerdorff-Konstantinopoulou",
        buyer_email="max@example.com",
    )
    sync.replica_sync(event_id=venue.id)  # the dashboard's replica, which the phone's copy comes from
    page = door_phone
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/events/{venue.id}/door/")
    expect(page.locator("#device-status")).to_have_attribute("data-state", "ready")
    page.context.set_offline(True)

    page.get_by_label("Name or email", exact=True).fill("wolfeschlegel")
    row = page.locator("#search-results [data-source=device] ~ .found .found-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Backstage Meet-and-Greet with Soundcheck Access (Partner Allocation)")
    assert_on_screen(
        row.get_by_role("button", name="Check in Maximiliana Wolfeschlegelsteinhausenbergerdorff-Konstantinopoulou")
    )
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    # The tap's verdict and its line in the scan log name the guest in full: the same long name must wrap.
    row.get_by_role("button").click()
    expect(page.locator("#result .result")).to_have_attribute("data-outcome", "admitted_device")
    expect(row.locator(".badge.in")).to_be_visible()
    assert_no_sideways_scroll(page)
    if width == 320:
        screenshot(page, "phone-door-offline-search")


def test_tables_on_a_phone_stay_accessible(browser_page_as, venue):
    """Stacked rows keep their headers as labels; a table that still scrolls is a named, focusable region."""
    page = browser_page_as("organizer", viewport={"width": 320, "height": 800})
    order = Order.objects.filter(event=venue).order_by("id").first()
    for url in ("/events/", f"/orders/event/{venue.id}/", "/orders/lookup/?q=a", "/audit/", f"/orders/{order.id}/"):
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        assert_accessible(page)
    screenshot(page, "phone-audit")


def test_print_the_attendee_list(browser_page_as, venue):
    page = browser_page_as("door", viewport={"width": 390, "height": 800})
    page.goto(f"/events/{venue.id}/attendees/")
    page.get_by_label("Checked in").select_option("no")
    expect(page).to_have_url(re.compile(r"checked_in=no"))
    page.get_by_role("link", name="Print").click()
    expect(page).to_have_url(re.compile(r"/attendees/print/\?.*checked_in=no"))
    head = page.locator(".sheet-head")
    expect(head.get_by_role("heading", level=1)).to_have_text(f"Attendees · {LONG_TITLE}")
    expect(head).to_contain_text("Filter: Not checked in")
    expect(page.locator("table.sheet tbody tr")).to_have_count(3)
    expect(page.locator(".sheet-end")).to_have_text("3 attendees · end of list")
    expect(page.get_by_role("navigation")).to_have_count(0)
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    assert page.locator("table.sheet thead").evaluate("el => getComputedStyle(el).display") == "table-header-group"
    screenshot(page, "print-attendees")
