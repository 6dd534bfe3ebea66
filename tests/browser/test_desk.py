"""The desk says exactly what it means, in real Chromium: amounts never guessed, names not ids,
refunds by ticket confirmed in the page, a ticket's barcode leading to its order, an audit log in sentences."""

import re

import pytest
from playwright.sync_api import expect

from sandbox.models import Attendee, Refund
from tests.browser.conftest import assert_accessible, screenshot
from tests.door.conftest import door_url
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

NAMES = ("Chidi Bianchi", "Eleanor Bianchi", "Jason Bianchi", "Tahani Bianchi")


@pytest.fixture
def four(account):
    """Nadia's order of four $25 'Stalls' tickets for The Seagull, an event open at the door."""
    event = event_make(account, title="The Seagull")
    stalls = ticket_type_make(event, name="Stalls", price=2500)
    order = order_make(event, stalls, quantity=4, buyer_name="Nadia Bianchi", buyer_email="nadia@example.com")
    for attendee, name in zip(order.attendees.order_by("id"), NAMES, strict=True):
        attendee.name = name
        attendee.save(update_fields=["name"])
    return order


def _start_refund(page, *, amount: str, reason: str = "Customer request") -> None:
    form = page.locator("#refund-form")
    form.get_by_label("Amount").fill(amount)
    form.get_by_label("Reason").select_option(reason)
    form.get_by_role("button", name="Refund…").click()


def test_a_decimal_comma_is_refused_and_two_fifty_refunds_250_cents(browser_page_as, four):
    page = browser_page_as("box_office")
    page.goto(f"/orders/{four.pk}/")
    _start_refund(page, amount="2,5")
    expect(page.locator("#refund-amount-error")).to_contain_text("“2,5” is not an amount here. Write it like 2.50.")
    expect(page.get_by_role("dialog")).to_have_count(0)

    _start_refund(page, amount="2.50")
    dialog = page.get_by_role("dialog")
    # The amount as the dashboard read it, its currency, and the buyer; and that no ticket is voided.
    expect(dialog).to_contain_text("Refund $2.50 to Nadia Bianchi?")
    expect(dialog).to_contain_text("all 4 tickets of this order stay valid")
    # A real modal: the page behind it is inert, focus is inside it.
    expect(dialog.get_by_role("button", name="Refund $2.50")).to_be_focused()
    assert page.evaluate("document.querySelector('dialog').matches(':modal')")
    assert_accessible(page)
    screenshot(page, "refund-confirm")
    dialog.get_by_role("button", name="Refund $2.50").dblclick()
    expect(page.locator(".order-notice")).to_contain_text("Refunded $2.50. Still refundable: $97.50.")
    assert list(Refund.objects.filter(order=four).values_list("amount", flat=True)) == [250]


def test_change_the_refund_goes_back_to_the_form_and_sends_nothing(browser_page_as, four):
    page = browser_page_as("box_office")
    page.goto(f"/orders/{four.pk}/")
    _start_refund(page, amount="10")
    page.get_by_role("dialog").get_by_role("button", name="Change the refund").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#refund-submit")).to_be_focused()
    expect(page.locator("#refund-amount")).to_have_value("10")
    assert not Refund.objects.exists()


def test_the_order_page_names_the_event_and_the_ticket_types(browser_page_as, four):
    page = browser_page_as("box_office")
    page.goto(f"/orders/{four.pk}/")
    expect(page.locator(".order-event")).to_contain_text("The Seagull")
    expect(page.get_by_role("link", name="The Seagull")).to_have_attribute("href", f"/events/{four.event_id}/")
    expect(page.locator("table").first).to_contain_text("Stalls")
    ticket_type_id = four.items.get().ticket_type_id
    expect(page.locator("table").first).not_to_contain_text(ticket_type_id)


def test_refunding_one_ticket_of_four_voids_only_it_at_the_door(browser_page_as, four):
    page = browser_page_as("box_office")
    page.goto(f"/orders/{four.pk}/")
    form = page.locator("#refund-form")
    form.get_by_label("Chidi Bianchi · Stalls").check()
    # Ticking a ticket fills in what it cost.
    expect(form.get_by_label("Amount")).to_have_value("25.00")
    form.get_by_label("Reason").select_option("Customer request")
    form.get_by_role("button", name="Refund…").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Refund $25.00 to Nadia Bianchi and void 1 ticket?")
    expect(dialog).to_contain_text("Chidi Bianchi, Stalls")
    expect(dialog).to_contain_text("3 tickets stay valid")
    dialog.get_by_role("button", name="Refund $25.00").click()
    expect(page.locator(".order-notice")).to_contain_text("Refunded $25.00 and voided 1 ticket.")

    door = browser_page_as("door")
    door.goto(door_url(four.event))
    result = door.locator("#result .result")
    for name, tone, word in [(NAMES[0], "bad", "Void ticket"), (NAMES[1], "ok", "Admitted")]:
        door.keyboard.type(Attendee.objects.get(order=four, name=name).barcode)
        door.keyboard.press("Enter")
        expect(result).to_have_class(re.compile(rf"\b{tone}\b"))
        expect(result).to_contain_text(word)


def test_a_barcode_read_out_finds_its_order(browser_page_as, four):
    page = browser_page_as("box_office")
    page.goto("/")
    barcode = Attendee.objects.filter(order=four).first().barcode
    search = page.locator("#order-search")
    search.fill(barcode.lower())
    results = page.locator("#lookup-results")
    expect(results).to_contain_text("Nadia Bianchi")
    results.get_by_role("link", name=re.compile("Nadia Bianchi")).click()
    expect(page).to_have_url(re.compile(rf"/orders/{four.pk}/$"))


def test_the_audit_page_reads_as_sentences(browser_page_as, four):
    desk = browser_page_as("box_office")
    desk.goto(f"/orders/{four.pk}/")
    _start_refund(desk, amount="5")
    desk.get_by_role("dialog").get_by_role("button", name="Refund $5.00").click()
    expect(desk.locator(".order-notice")).to_contain_text("Refunded $5.00")
    page = browser_page_as("organizer")
    page.goto("/audit/")
    expect(page.locator("#audit-results tbody tr").first).to_contain_text("box_office refunded $5.00.")
    expect(page.locator("#audit-results")).not_to_contain_text("order.refund")
    screenshot(page, "audit-sentences")
