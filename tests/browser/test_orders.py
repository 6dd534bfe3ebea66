"""The desk's flows in real Chromium: find an order, refund it twice, resend, read the audit log."""

import re

import pytest
from playwright.sync_api import expect

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.services import audit_record
from sandbox.models import ConfirmationSend, Refund, TicketType
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def order(account):
    event = event_make(account, title="Spring Gala")
    ticket_type = ticket_type_make(event, name="General", price=2500)
    order_make(event, ticket_type, buyer_name="Grace Hopper", buyer_email="grace@example.com")
    return order_make(event, ticket_type, quantity=2, buyer_name="Ada Lovelace", buyer_email="ada@example.com")


def _refund(page, *, amount: str | None, reason: str, confirm: bool = True) -> None:
    form = page.locator("#refund-form")
    if amount is not None:
        form.get_by_label("Amount").fill(amount)
    form.get_by_label("Reason").select_option(reason)
    form.get_by_role("button", name="Refund…").click()
    if not confirm:
        return
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    # A nervous double click: the button disables itself and the form's key
    # is the same anyway, so BrightStar refunds once.
    dialog.get_by_role("button", name=re.compile(r"^Refund ")).dblclick()


def test_find_refund_twice_and_resend(browser_page_as, order):
    page = browser_page_as("box_office")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))  # window.confirm: none any more

    # Find the order by email through the top bar's search box.
    page.locator("#order-search").fill("ada@exam")
    results = page.locator("#lookup-results")
    expect(results).to_contain_text("Ada Lovelace")
    expect(results).not_to_contain_text("Grace Hopper")
    assert_accessible(page)
    screenshot(page, "orders-lookup-dropdown")
    results.get_by_role("link", name=re.compile("Ada Lovelace")).click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.id}/$"))
    expect(page.locator("#refundable")).to_have_text("$50.00")
    assert_accessible(page)
    screenshot(page, "order-detail")

    # Partial refund.
    _refund(page, amount="10.00", reason="Customer request")
    expect(page.locator(".order-notice")).to_contain_text("Refunded $10.00. Still refundable: $40.00.")
    expect(page.locator(".order-notice")).to_be_focused()
    expect(page.locator("#refundable")).to_have_text("$40.00")
    assert [r.amount for r in Refund.objects.filter(order=order)] == [1000]
    assert dialogs == []

    # Full refund of the rest (the amount field offers it).
    expect(page.locator("#refund-amount")).to_have_value("40.00")
    _refund(page, amount=None, reason="Event change")
    expect(page.locator(".order-notice")).to_contain_text(
        "Refunded $40.00 and voided 2 tickets. Still refundable: $0.00."
    )
    expect(page.locator("#order")).to_contain_text("Nothing is left to refund")
    expect(page.locator("h1 .badge")).to_have_text("Refunded")
    assert sorted(r.amount for r in Refund.objects.filter(order=order)) == [1000, 4000]
    screenshot(page, "order-refunded")

    # Resend the confirmation.
    page.get_by_role("button", name="Resend confirmation").click()
    expect(page.locator("#resend")).to_contain_text("Sent to ada@example.com")
    assert ConfirmationSend.objects.filter(order=order).count() == 1
    assert_accessible(page)


def test_an_order_id_and_enter_opens_the_order(browser_page_as, order):
    page = browser_page_as("organizer")
    search = page.locator("#order-search")
    search.fill(order.id)
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/orders/{order.id}/$"))
    expect(page.locator(".order-event")).to_contain_text(order.id)


def test_invalid_amount_is_explained_at_the_field(browser_page_as, order):
    page = browser_page_as("box_office")
    page.goto(f"/orders/{order.id}/")
    _refund(page, amount="12.345", reason="Customer request", confirm=False)
    expect(page.locator("#refund-amount-error")).to_contain_text("at most 2 decimal places")
    expect(page.locator("#refund-amount")).to_have_value("12.345")
    expect(page.locator("#refund-amount")).to_be_focused()
    assert not Refund.objects.exists()


def test_event_orders_and_audit_log(browser_page_as, order):
    page = browser_page_as("organizer")
    page.goto(f"/orders/event/{order.event_id}/")
    expect(page.locator("#orders-results")).to_contain_text("1\u20132 of 2 orders")
    page.get_by_label("Status").select_option("completed")
    expect(page).to_have_url(re.compile(r"status=completed"))
    page.get_by_label("Buyer, email or order id").fill("ada")
    expect(page.locator("#orders-results")).not_to_contain_text("Grace Hopper")
    expect(page.locator("#orders-results")).to_contain_text("Ada Lovelace")
    assert_accessible(page)
    screenshot(page, "event-orders")

    # One refund through the page, then read it in the audit log.
    page.goto(f"/orders/{order.id}/")
    _refund(page, amount="5", reason="Duplicate order")
    expect(page.locator(".order-notice")).to_contain_text("Refunded $5.00")
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    rows = page.locator("#audit-results tbody tr")
    expect(rows.first).to_contain_text("organizer refunded $5.00.")
    page.get_by_label("Outcome").select_option("rejected")
    expect(page.locator("#audit-results")).to_contain_text("No entries match")
    expect(page).to_have_url(re.compile(r"outcome=rejected"))
    page.go_back()
    expect(page.get_by_label("Outcome")).to_have_value("")
    assert_accessible(page)
    screenshot(page, "audit-log")


@pytest.fixture
def five_bobs(order, monkeypatch):
    """Five more orders by "Bob …" on the order's event, listed two to a page: three pages of Bobs."""
    monkeypatch.setattr("boxoffice.orders.views.PAGE_SIZE", 2)
    ticket_type = TicketType.objects.get(event__id=order.event_id)
    for n in range(5):
        order_make(order.event, ticket_type, quantity=1, buyer_name=f"Bob {n}", buyer_email=f"bob{n}@example.com")
    return order.event_id


def test_event_orders_pages_keep_the_filters(browser_page_as, five_bobs):
    page = browser_page_as("box_office")
    page.goto(f"/orders/event/{five_bobs}/?q=Bob")
    results = page.locator("#orders-results")
    expect(results).to_contain_text("1\u20132 of 5 orders")
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"\?q=Bob&page=2$"))
    expect(results).to_contain_text("3\u20134 of 5 orders")
    expect(pages.locator("[aria-current=page]")).to_have_text("2")
    pages.get_by_role("link", name="Page 3").click()
    expect(results).to_contain_text("5\u20135 of 5 orders")
    expect(results).not_to_contain_text("Ada Lovelace")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=Bob&page=2$"))
    expect(results).to_contain_text("3\u20134 of 5 orders")
    assert_accessible(page)


def test_audit_log_pages_keep_the_filters(browser_page_as, staff_users, monkeypatch):
    monkeypatch.setattr("boxoffice.audit.views.PAGE_SIZE", 2)
    for n in range(5):
        audit_record(
            staff=staff_users["box_office"],
            action="order.refund",
            object_type="refund",
            object_id=f"ref_{n}",
            outcome=AuditEntry.Outcome.REJECTED,
        )
    audit_record(
        staff=staff_users["box_office"],
        action="order.refund",
        object_type="refund",
        object_id="ref_ok",
        outcome=AuditEntry.Outcome.SUCCEEDED,
    )
    page = browser_page_as("organizer")
    page.goto("/audit/")
    results = page.locator("#audit-results")
    page.get_by_label("Outcome").select_option("rejected")
    expect(results).to_contain_text("1\u20132 of 5 entries")
    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Page 3").click()
    expect(page).to_have_url(re.compile(r"outcome=rejected&.*page=3$"))
    expect(results).to_contain_text("5\u20135 of 5 entries")
    expect(results).not_to_contain_text("ref_ok")
    pages.get_by_role("link", name="Previous").click()
    expect(results).to_contain_text("3\u20134 of 5 entries")
    expect(pages.locator("[aria-current=page]")).to_have_text("2")
    assert_accessible(page)


def test_a_page_link_right_after_typing_a_filter_opens_that_page(browser_page_as, five_bobs):
    # The click blurs the search box. Its change must not re-filter (typing
    # already did): that second request raced the link's, and the address
    # said page 2 while the list showed page 1.
    page = browser_page_as("box_office")
    page.goto(f"/orders/event/{five_bobs}/")
    results = page.locator("#orders-results")
    expect(results).to_contain_text("1\u20132 of 7 orders")  # Bob's five and the fixture's two
    page.locator("#id_q").fill("Bob")
    expect(results).to_contain_text("1\u20132 of 5 orders")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Page 2").click()
    expect(results).to_contain_text("3\u20134 of 5 orders")
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(r"[?&]q=Bob&.*page=2$"))
    expect(results).to_contain_text("3\u20134 of 5 orders")
