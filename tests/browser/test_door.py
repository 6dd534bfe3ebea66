"""The door page driven as a scanner and a volunteer drive it, in real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from sandbox.models import Attendee
from tests.browser.conftest import PHONE, assert_accessible, open_door, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

DASH = "\N{EN DASH}"  # the count line says "1 DASH 2 of 4"


def test_ten_scans_in_a_row_without_a_click(browser_page_as, event, queue):
    ten = queue[:10]
    page = open_door(browser_page_as, event)
    for ticket in ten:
        # A hardware scanner: the code's keystrokes, then Enter, at once.
        page.keyboard.type(ticket.barcode, delay=0)
        page.keyboard.press("Enter")
    log = page.locator("#scan-log .log-item")
    expect(log).to_have_count(10)
    expect(page.locator("#scan-log .log-item.ok")).to_have_count(10)
    expect(page.locator("#result .result")).to_have_class(re.compile(r"\bok\b"))
    expect(page.locator("#scan-input")).to_be_focused()
    expect(page.locator("#scan-input")).to_have_value("")
    assert Attendee.objects.filter(pk__in=[t.pk for t in ten], checked_in=True).count() == 10
    # Scanned again: ten yellows, each naming the first time.
    for ticket in ten:
        page.keyboard.type(ticket.barcode, delay=0)
        page.keyboard.press("Enter")
    expect(page.locator("#scan-log .log-item.warn")).to_have_count(10)
    expect(page.locator("#result .result")).to_contain_text(re.compile(r"Already checked in at \d\d:\d\d"))


def test_each_scan_shows_its_own_colour(browser_page_as, event, tickets, refunded):
    page = open_door(browser_page_as, event)
    result = page.locator("#result .result")
    for barcode, tone, word in [
        (tickets[0].barcode, "ok", "Admitted"),
        (tickets[0].barcode, "warn", "Already checked in at"),
        (refunded.barcode, "bad", "Void ticket"),
        ("NOT-A-TICKET", "bad", "Unknown code"),
    ]:
        page.keyboard.type(barcode)
        page.keyboard.press("Enter")
        expect(result).to_have_class(re.compile(rf"\b{tone}\b"))
        expect(result).to_contain_text(word)
        if tone == "warn":
            expect(result).to_contain_text("Let in by door")
    screenshot(page, "door-scan")
    assert_accessible(page)


def test_search_and_tap_then_undo(browser_page_as, event, tickets):
    page = open_door(browser_page_as, event, viewport=PHONE)
    page.get_by_label("Name or email", exact=True).fill("grace")
    row = page.locator(".found-row", has_text="Grace Hopper")
    expect(row).to_contain_text("VIP Balcony")
    expect(row).to_contain_text("not in")
    row.get_by_role("button", name="Check in Grace Hopper").click()
    result = page.locator("#result .result")
    expect(result).to_have_class(re.compile(r"\bok\b"))
    expect(result).to_contain_text("Grace Hopper")
    expect(row).to_contain_text("in at")  # the list refreshed itself
    expect(page.locator("#scan-input")).to_be_focused()
    assert Attendee.objects.get(pk=tickets[3].pk).checked_in
    page.get_by_role("button", name="Undo check-in").click()
    expect(result).to_contain_text("Check-in undone")
    assert not Attendee.objects.get(pk=tickets[3].pk).checked_in


def test_counters_move(browser_page_as, event, tickets):
    page = open_door(browser_page_as, event)
    counter = page.locator('[data-counter="checked-in"]')
    expect(counter).to_have_text("0")
    page.keyboard.type(tickets[0].barcode)
    page.keyboard.press("Enter")
    expect(page.locator("#result .result")).to_have_class(re.compile(r"\bok\b"))
    expect(counter).to_have_text("1", timeout=8000)  # the 5 s poll


def test_no_answer_is_grey_and_the_rescan_reuses_its_key(browser_page_as, event, tickets, monkeypatch):
    """BrightStar admits but its answer is lost: grey, then the rescan replays the same key: green, once."""
    from boxoffice.brightstar import client as bs_client
    from boxoffice.brightstar.errors import ConnectionFailed

    page = open_door(browser_page_as, event)
    keys = []
    page.on("request", lambda r: keys.append(r.post_data) if r.method == "POST" and "/door/" in r.url else None)
    real = bs_client._request
    lost = []

    def answer_lost_once(method, path, **kwargs):
        response = real(method, path, **kwargs)
        if method == "POST" and not lost:
            lost.append(path)
            raise ConnectionFailed("read timed out", code="TIMEOUT")
        return response

    monkeypatch.setattr(bs_client, "_request", answer_lost_once)
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)
    monkeypatch.setattr("django.conf.settings.BRIGHTSTAR_MAX_ATTEMPTS", 1)
    page.keyboard.type(tickets[0].barcode)
    page.keyboard.press("Enter")
    result = page.locator("#result .result")
    expect(result).to_contain_text("No answer — scan again")
    expect(result).not_to_have_class(re.compile(r"\bok\b"))
    page.keyboard.type(tickets[0].barcode)
    page.keyboard.press("Enter")
    expect(result).to_have_class(re.compile(r"\bok\b"))  # replayed, not "already checked in"
    first, second = (re.search(r"idempotency_key=([\w-]+)", k).group(1) for k in keys[:2])
    assert first == second
    # Another code gets a key of its own.
    page.keyboard.type(tickets[1].barcode)
    page.keyboard.press("Enter")
    expect(page.locator("#scan-log .log-item.ok")).to_have_count(2)
    assert re.search(r"idempotency_key=([\w-]+)", keys[2]).group(1) != first
    assert Attendee.objects.filter(event=event, checked_in=True).count() == 2


def test_attendees_page(browser_page_as, event, tickets):
    page = browser_page_as("box_office")
    page.goto(f"/events/{event.id}/attendees/")
    expect(page.get_by_role("link", name="Export CSV")).to_be_visible()
    page.get_by_label("Checked in").select_option("no")
    expect(page).to_have_url(re.compile(r"checked_in=no"))
    expect(page.locator("#attendee-table")).to_contain_text("of 4")
    screenshot(page, "door-attendees")
    assert_accessible(page)


def test_attendee_pages_keep_the_filters(browser_page_as, event, tickets, monkeypatch):
    monkeypatch.setattr("boxoffice.door.views.LIST_PAGE_SIZE", 2)
    page = browser_page_as("box_office")
    page.goto(f"/events/{event.id}/attendees/")
    table = page.locator("#attendee-table")
    page.get_by_label("Checked in").select_option("no")
    # Nobody is in yet, so the filtered list reads "1 to 2 of 4" as the first one did: wait for the filter's
    # own answer (its URL), or Next is clicked on the old list as the new one replaces it.
    expect(page).to_have_url(re.compile(r"checked_in=no$"))
    expect(table).to_contain_text(f"1{DASH}2 of 4")
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"checked_in=no&page=2$"))
    expect(table).to_contain_text(f"3{DASH}4 of 4")
    expect(pages.locator("[aria-current=page]")).to_have_text("2")
    expect(page.get_by_label("Checked in")).to_have_value("no")
    pages.get_by_role("link", name="Previous").click()
    expect(table).to_contain_text(f"1{DASH}2 of 4")
    page.go_back()
    expect(table).to_contain_text(f"3{DASH}4 of 4")
    assert_accessible(page)
