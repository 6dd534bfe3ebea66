"""BrightStar killed: the door's name search in Chromium finds the guest in the dashboard's copy and lets them in.

Through htmx as a volunteer uses it: typed into the search box, the list
from the replica with its notice, the Check in tap admitted offline, and the
list refreshing itself (door:refresh) to show them in.
"""

import pytest
from playwright.sync_api import expect

from boxoffice.venue import sync
from boxoffice.venue.models import OutboxEntry
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_venue import brightstar, open_door  # noqa: F401 - the fixture, imported
from tests.door.conftest import door_event

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_search_while_brightstar_is_down_finds_in_the_copy_and_admits(browser_page_as, brightstar, account):  # noqa: F811
    event, _, _, tickets = door_event(account)
    page = open_door(browser_page_as, event)
    sync.replica_sync(event_id=event.id)  # the first sync the worker runs once a door opens

    brightstar.kill()
    page.locator("#door-search").fill("lovelace")
    results = page.locator("#search-results")
    expect(results.locator('[data-search="copy"]')).to_be_visible()
    buttons = results.get_by_role("button", name="Check in Ada Lovelace")
    expect(buttons).to_have_count(3)
    assert_accessible(page)  # the notice and the list, as a screen reader meets them

    buttons.first.click()
    expect(page.locator("#result .result")).to_have_attribute("data-outcome", "admitted_offline")
    expect(page.locator("#result")).to_contain_text("Admitted — offline, will sync")
    # The list refreshes itself: one of Ada's three tickets is in now, still from the copy.
    expect(results.locator(".badge.in")).to_have_count(1)
    expect(buttons).to_have_count(2)
    expect(results.locator('[data-search="copy"]')).to_be_visible()
    entry = OutboxEntry.objects.get(event_id=event.id)
    assert entry.state == OutboxEntry.State.PENDING and entry.attendee_id in {t.id for t in tickets[:3]}
    expect(page.locator("#door-mode")).to_have_attribute("data-mode", "offline", timeout=12_000)
    screenshot(page, "door-search-offline")
