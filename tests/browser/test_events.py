"""Organizers in real Chromium: browse events by tab and page, edit a ticket price in place."""

import re

import pytest
from playwright.sync_api import expect

from sandbox.models import TicketType
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import event_make, order_make, ticket_type_make

DASH = "\N{EN DASH}"  # the count line says "1 DASH 20 of 23"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def events(account):
    """22 published events (two pages), one draft; the first has a $25 ticket type with 12 sold."""
    first = event_make(account, title="Concert 00", days_ahead=1)
    general = ticket_type_make(first, name="General", price=2500, quantity=100)
    order_make(first, general, quantity=12)
    for n in range(1, 22):
        event_make(account, title=f"Concert {n:02d}", days_ahead=n + 1)
    event_make(account, title="Draft Party", status="draft", days_ahead=90)
    return first


def test_browse_events_by_tab_and_page_and_back(browser_page_as, events):
    page = browser_page_as("organizer")
    page.goto("/events/")
    count = page.locator("#event-list .count")
    expect(count).to_have_text(f"1{DASH}20 of 23 events")
    assert_accessible(page)
    screenshot(page, "events-list")

    page.get_by_role("navigation", name="Status").get_by_role("link", name="Draft").click()
    expect(page).to_have_url(re.compile(r"/events/\?status=draft$"))
    expect(count).to_have_text(f"1{DASH}1 of 1 event")
    expect(page.locator("#event-list")).to_contain_text("Draft Party")
    expect(page.locator("#event-list")).not_to_contain_text("Concert 00")

    page.get_by_role("navigation", name="Status").get_by_role("link", name="Published").click()
    expect(count).to_have_text(f"1{DASH}20 of 22 events")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Page 2").click()
    expect(page).to_have_url(re.compile(r"/events/\?status=published&page=2$"))
    expect(count).to_have_text(f"21{DASH}22 of 22 events")
    expect(page.locator("#event-list")).to_contain_text("Concert 21")

    # The back button and a shared link show the same list as the URL says.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/events/\?status=published$"))
    expect(count).to_have_text(f"1{DASH}20 of 22 events")
    expect(page.locator("header.topbar")).to_have_count(1)  # a whole page, not a fragment in the body
    page.goto("/events/?status=published&page=2")
    expect(count).to_have_text(f"21{DASH}22 of 22 events")
    assert_accessible(page)


def test_edit_a_ticket_price_in_place(browser_page_as, events):
    page = browser_page_as("organizer")
    page.goto("/events/")
    page.get_by_role("link", name="Concert 00", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Concert 00")
    assert_accessible(page)
    screenshot(page, "event-detail")

    row = page.locator("#ticket-rows tr").first
    row.get_by_role("link", name="Edit General").click()
    price = page.get_by_label("Price (USD)").first
    expect(price).to_have_value("25.00")
    expect(page.get_by_label("Name").first).to_be_focused()
    assert_accessible(page)

    # Below what is sold: explained on the field, input kept, cursor on it.
    quantity = page.get_by_label("Quantity").first
    quantity.fill("5")
    price.fill("30.50")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error")).to_contain_text("12 already sold")
    expect(quantity).to_be_focused()
    expect(price).to_have_value("30.50")
    assert_accessible(page)
    screenshot(page, "event-ticket-type-error")

    quantity.fill("150")
    page.get_by_role("button", name="Save").click()
    row = page.locator("#ticket-rows tr").first
    expect(row).to_contain_text("$30.50")
    expect(row).to_contain_text("12/150")
    expect(row.get_by_role("link", name="Edit General")).to_be_focused()
    # The summary reloads itself with the new capacity.
    expect(page.locator("#event-summary")).to_contain_text("of 150")
    tt = TicketType.objects.get(name="General")
    assert (tt.price, tt.quantity) == (3050, 150)

    # Cancel puts the row back untouched.
    row.get_by_role("link", name="Edit General").click()
    page.get_by_label("Price (USD)").first.fill("99")
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#ticket-rows tr").first).to_contain_text("$30.50")


def test_create_an_event_and_add_a_ticket_type(browser_page_as, account):
    page = browser_page_as("organizer")
    page.goto("/events/")
    page.get_by_role("link", name="New event").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create draft event").click()  # empty: the browser's own check stops it
    page.get_by_label("Title").fill("Winter Ball")
    page.get_by_label("Starts").fill("2031-12-20T19:30")
    page.get_by_label("Ends").fill("2031-12-20T18:00")
    page.get_by_role("button", name="Create draft event").click()
    expect(page.locator("#id_end_date_error")).to_have_text("The end must be after the start.")
    expect(page.get_by_label("Ends")).to_be_focused()
    screenshot(page, "event-create-error")
    page.get_by_label("Ends").fill("2031-12-20T23:00")
    page.get_by_role("button", name="Create draft event").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Winter Ball")
    expect(page.locator(".toast")).to_contain_text("Created “Winter Ball” as a draft")

    add = page.locator("#ticket-add")
    add.get_by_label("Name").fill("Early bird")
    add.get_by_label("Price (USD)").fill("12.50")
    add.get_by_label("Quantity").fill("40")
    add.get_by_role("button", name="Add ticket type").click()
    expect(page.locator("#ticket-rows")).to_contain_text("Early bird")
    expect(page.locator("#ticket-rows")).to_contain_text("$12.50")
    expect(page.locator("#event-summary")).to_contain_text("of 40")
    assert_accessible(page)


def test_door_sees_the_event_without_money(browser_page_as, events):
    page = browser_page_as("door")
    page.goto(f"/events/{events.pk}/")
    expect(page.locator("main")).not_to_contain_text("$")
    expect(page.get_by_role("link", name="Door check-in")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "event-detail-door")


def test_edit_event_details_opens_on_demand_and_saves(browser_page_as, events):
    page = browser_page_as("organizer")
    page.goto(f"/events/{events.pk}/")
    expect(page.locator("#event-edit form")).to_have_count(0)  # fetched only when opened
    page.get_by_text("Edit event details").click()
    title = page.locator("#event-edit").get_by_label("Title")
    expect(title).to_have_value("Concert 00")
    assert_accessible(page)
    title.fill("Concert 00 (moved)")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#event-edit")).to_contain_text("Event details saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Concert 00 (moved)")
