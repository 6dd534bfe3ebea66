"""The desk in German in real Chromium: the order page fits, the switcher works without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from sandbox.models import Refund
from tests.browser.conftest import LONG_EMAIL, PHONE, assert_accessible, screenshot
from tests.browser.test_door_offline import door_phone  # noqa: F401 - the offline-tolerant door page
from tests.browser.test_phone import assert_no_sideways_scroll
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]


@pytest.fixture
def order(account):
    """German words are long, and so are this buyer's name and email: the worst case for the layout."""
    event = event_make(account, title="Sommernachtskonzert der Philharmonie — Abendvorstellung", currency="EUR")
    seats = ticket_type_make(event, name="Sitzplatz Parkett (ermäßigt)", price=123456)
    return order_make(event, seats, quantity=2, buyer_name="Alexandra Konstantinopoulou", buyer_email=LONG_EMAIL)


def test_the_order_page_in_german_fits_and_refunds_the_german_way(browser_page_as, order):
    page = browser_page_as("box_office", locale="de-DE")  # Chromium sends Accept-Language: de-DE
    page.goto(f"/orders/{order.id}/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#refundable")).to_have_text("2.469,12\u00a0€")
    assert_no_sideways_scroll(page)
    screenshot(page, "order-de")
    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page)
    assert_accessible(page)

    form = page.locator("#refund-form")
    form.get_by_label("Betrag (EUR)").fill("1.234,56")
    form.get_by_label("Grund").select_option("Customer request")
    form.get_by_role("button", name="Erstatten …").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1.234,56\u00a0€ an Alexandra Konstantinopoulou erstatten?")
    dialog.get_by_role("button", name=re.compile(r"erstatten$")).click()
    notice = page.locator(".order-notice")
    expect(notice).to_contain_text("1.234,56\u00a0€ erstattet. Noch erstattbar: 1.234,56\u00a0€.")
    assert Refund.objects.get().amount == 123456
    # The JavaScript's own words come from the German catalog too.
    assert page.evaluate("gettext('Dismiss')") == "Schließen"


def test_the_header_switcher_changes_language_without_javascript(browser_page_as, order):
    page = browser_page_as("box_office", locale="en-US", java_script_enabled=False)
    page.goto(f"/orders/{order.id}/")
    expect(page.get_by_role("heading", name="Items")).to_be_visible()
    page.locator("form.language").get_by_role("button", name="DE").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.id}/$"))
    expect(page.get_by_role("heading", name="Positionen")).to_be_visible()
    page.goto("/events/")  # kept on the profile: every page after it, however the browser is set
    expect(page.get_by_role("heading", name="Veranstaltungen")).to_be_visible()


@pytest.mark.parametrize("width", [320, 390])
def test_the_door_in_german_fits_a_phone(browser_page_as, account, width):
    """German's long words on the door's phone layout: the panel, the counters, the search, the log."""
    from sandbox.models import Attendee
    from tests.door.conftest import door_event, door_url

    event, _general, _vip, tickets = door_event(account)
    page = browser_page_as("door", locale="de-DE", viewport={"width": width, "height": 844})
    page.goto(door_url(event))
    expect(page.locator("#result")).to_contain_text("Bereit zum Scannen")
    assert_no_sideways_scroll(page)
    page.keyboard.type(tickets[0].barcode, delay=0)
    page.keyboard.press("Enter")
    expect(page.locator("#result .result.ok")).to_contain_text("Eingelassen")
    page.keyboard.type(tickets[0].barcode, delay=0)
    page.keyboard.press("Enter")
    expect(page.locator("#result .result.warn")).to_contain_text("Bereits eingecheckt um")
    page.locator("#door-search").fill("Ada")
    expect(page.locator("#search-results")).to_contain_text("Einchecken")
    assert_no_sideways_scroll(page)
    if width == 390:
        screenshot(page, "door-de")
    assert Attendee.objects.filter(pk=tickets[0].pk, checked_in=True).exists()


def test_an_offline_reload_of_the_door_keeps_its_german(door_phone, account):  # noqa: F811 - the fixture above
    """The service worker keeps the JavaScript catalog with the page: offline, the phone's words stay German."""
    from boxoffice.venue import sync
    from tests.door.conftest import door_event

    event, _general, _vip, _tickets = door_event(account)
    sync.replica_sync(event_id=event.id)
    page = door_phone
    page.context.set_extra_http_headers({"Accept-Language": "de-DE,de;q=0.9"})
    page.goto(f"/events/{event.id}/door/")
    expect(page.locator("#device-status")).to_have_attribute("data-state", "ready")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled: the worker keeps the page and its files
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.wait_for_function("() => caches.open('brightstar-door').then((c) => c.match('/jsi18n/?l=de')).then(Boolean)")
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#result")).to_contain_text("Bereit zum Scannen")
    assert page.evaluate("gettext('Ready to scan')") == "Bereit zum Scannen"


def test_the_doors_overview_and_the_door_name_prompt_in_german_fit_a_phone(browser_page_as, client_as, account):
    """German's long overview words ("Abweisungen nach Grund", a long door name) and the door-name prompt, 390 px."""
    from tests.door.conftest import door_event, door_url

    event, _general, _vip, tickets = door_event(account)
    door = client_as("door")
    for n, barcode in enumerate((tickets[0].barcode, "KEIN-SOLCHER-CODE")):
        fields = {"barcode": barcode, "idempotency_key": f"i18n2-{n}", "gate": "Haupteingang Südseite (Rollstuhlrampe)"}
        assert door.post(door_url(event), fields, HTTP_ACCEPT_LANGUAGE="de").status_code == 200

    phone = {"width": 390, "height": 844}
    page = browser_page_as("box_office", locale="de-DE", viewport=phone)
    page.goto(f"/events/{event.id}/doors/")
    expect(page.locator("#doors-title")).to_have_text("Einlässe")
    expect(page.locator("#doors")).to_contain_text("Haupteingang Südseite")
    expect(page.locator("#refusals-title")).to_have_text("Abweisungen nach Grund")
    expect(page.locator("#arrivals")).to_contain_text("Ankünfte im Zeitverlauf")
    assert_no_sideways_scroll(page)
    screenshot(page, "doors-overview-de")

    page = browser_page_as("door", locale="de-DE", viewport=phone)
    page.goto(door_url(event))
    prompt = page.locator("#door-name-form")
    expect(prompt).to_be_visible()  # no name stored on this device yet: it asks
    expect(prompt).to_contain_text("An welchem Einlass steht dieses Gerät?")
    assert_no_sideways_scroll(page)
    prompt.locator("input").fill("Haupteingang Südseite (Rollstuhlrampe)")
    prompt.get_by_role("button", name="Namen speichern").click()
    expect(page.locator("#door-name-shown")).to_contain_text("Einlass: Haupteingang Südseite")
    assert_no_sideways_scroll(page)
