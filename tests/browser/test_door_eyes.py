"""The door for every eye: verdicts told apart without colour, cleared when the next one starts,
brought into view on a phone, and accessible after a real night's worth of scans."""

import base64
import re

import pytest
from playwright.sync_api import Page, expect

from sandbox.models import Attendee
from tests.browser.conftest import PHONE, assert_accessible, open_door, screenshot
from tests.door.conftest import door_url
from tests.factories import order_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

DEFICIENCIES = ["deuteranopia", "protanopia", "achromatopsia"]


def scan(page: Page, code: str) -> None:
    page.keyboard.type(code, delay=0)
    page.keyboard.press("Enter")


def look(panel) -> dict:
    """What an eye that sees no colour at all can tell: the glyph, the mark's shape, the panel's pattern."""
    return panel.evaluate(
        """panel => {
          const mark = panel.querySelector(".verdict-mark");
          const m = getComputedStyle(mark), p = getComputedStyle(panel);
          return {
            glyph: mark.textContent.trim(),
            shape: [m.clipPath, m.borderRadius, m.borderTopStyle].join(" | "),
            pattern: [p.borderTopStyle, p.backgroundImage === "none" ? "plain" : "patterned"].join(" | "),
            word: panel.querySelector(".result-word").textContent.trim(),
          };
        }"""
    )


def lightness(helper: Page, png: bytes) -> float:
    """Relative luminance of the commonest pixel of a screenshot (a panel's background, as emulated)."""
    return helper.evaluate(
        """async src => {
          const img = new Image(); img.src = src; await img.decode();
          const canvas = document.createElement("canvas");
          canvas.width = img.width; canvas.height = img.height;
          const ctx = canvas.getContext("2d"); ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, 0, img.width, img.height).data;
          const counts = new Map(); let best = 0, most = 0;
          for (let i = 0; i < d.length; i += 4) {
            const key = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
            const n = (counts.get(key) || 0) + 1; counts.set(key, n);
            if (n > most) { most = n; best = key; }
          }
          const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
          return 0.2126 * lin(best >> 16) + 0.7152 * lin((best >> 8) & 255) + 0.0722 * lin(best & 255);
        }""",
        "data:image/png;base64," + base64.b64encode(png).decode(),
    )


def contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


@pytest.mark.parametrize("deficiency", DEFICIENCIES)
def test_verdicts_are_told_apart_without_colour(browser, browser_page_as, event, tickets, refunded, deficiency):
    page = open_door(browser_page_as, event, viewport=PHONE)
    page.context.new_cdp_session(page).send("Emulation.setEmulatedVisionDeficiency", {"type": deficiency})
    panel = page.locator("#result .result")
    helper = browser.new_page()  # decodes screenshots; no emulation, no CSP
    seen, light = {}, {}
    for family, code, outcome in [
        ("admitted", tickets[0].barcode, "admitted"),
        ("already-in", tickets[0].barcode, "duplicate"),
        ("refused", refunded.barcode, "void"),
        ("refused-unknown", "NOT-A-TICKET", "unknown"),
    ]:
        scan(page, code)
        expect(panel).to_have_attribute("data-outcome", outcome)
        seen[family] = look(panel)
        light[family] = lightness(helper, panel.screenshot(caret="initial"))
        screenshot(page, f"door-{deficiency}-{family}")
    helper.close()

    admitted, refused = seen["admitted"], seen["refused"]
    assert admitted["glyph"] == "✓" and refused["glyph"] == "✕"
    assert admitted["shape"] != refused["shape"], seen
    assert len({v["glyph"] for v in (admitted, refused, seen["already-in"])}) == 3
    assert len({v["shape"] for v in (admitted, refused, seen["already-in"])}) == 3
    assert len({v["pattern"] for v in (admitted, refused, seen["already-in"])}) == 3
    # Every refusal looks alike: one family, one look.
    assert {k: v for k, v in seen["refused-unknown"].items() if k != "word"} == {
        k: v for k, v in refused.items() if k != "word"
    }
    # And, as this eye sees them, admitted and refused panels are far apart in lightness (were 1.07:1).
    assert contrast(light["admitted"], light["refused"]) >= 3, light


def test_a_no_answer_panel_has_its_own_glyph_and_shape(browser_page_as, event, tickets, monkeypatch):
    from boxoffice.brightstar import client as bs_client
    from boxoffice.brightstar.errors import ConnectionFailed

    def lost(method, path, **kwargs):
        raise ConnectionFailed("read timed out", code="TIMEOUT")

    page = open_door(browser_page_as, event)
    monkeypatch.setattr(bs_client, "_request", lost)
    monkeypatch.setattr(bs_client, "_sleep", lambda seconds: None)
    monkeypatch.setattr("django.conf.settings.BRIGHTSTAR_MAX_ATTEMPTS", 1)
    scan(page, tickets[0].barcode)
    panel = page.locator("#result .result")
    expect(panel).to_contain_text("scan again")
    grey = look(panel)
    assert grey["glyph"] == "?" and "dashed" in grey["shape"] and "dashed" in grey["pattern"]


def test_the_last_verdict_clears_when_the_next_scan_or_search_starts(browser_page_as, event, tickets, refunded):
    page = open_door(browser_page_as, event, viewport=PHONE)
    panel = page.locator("#result .result")
    scan(page, refunded.barcode)
    expect(panel).to_have_attribute("data-outcome", "void")

    # The next scan: its answer is held back, and meanwhile the red verdict must not stand over it.
    held = []
    door = re.compile(r"/door/$")
    page.route(door, lambda route: held.append(route))
    with page.expect_request(door):
        scan(page, tickets[0].barcode)
    expect(panel).to_have_attribute("data-outcome", "pending")
    expect(panel).to_contain_text("Checking")
    expect(panel).not_to_contain_text("Void")
    expect(page.locator("#result")).to_have_attribute("aria-busy", "true")
    for _ in range(100):  # each round trip lets Playwright run the route handler; no sleeping
        if held:
            break
        page.evaluate("0")
    held[0].continue_()
    page.unroute(door)
    expect(panel).to_have_attribute("data-outcome", "admitted")
    expect(page.locator("#result")).to_have_attribute("aria-busy", "false")

    # A red verdict, then the volunteer searches for the next person: the verdict goes.
    scan(page, refunded.barcode)
    expect(panel).to_have_attribute("data-outcome", "void")
    page.get_by_label("Name or email", exact=True).fill("gra")
    expect(panel).to_have_attribute("data-outcome", "idle")
    expect(panel).to_contain_text("Ready to scan")


def test_a_search_tap_verdict_comes_into_view_on_a_phone(browser_page_as, event, tickets, queue):
    # A phone with its keyboard up (the volunteer just typed a name): about half the screen is left.
    page = open_door(browser_page_as, event, viewport={"width": 390, "height": 460})
    page.get_by_label("Name or email", exact=True).fill("queue")
    button = page.get_by_role("button", name="Check in Queue Person").last  # the tenth row of the list
    button.scroll_into_view_if_needed()
    panel = page.locator("#result .result")
    expect(panel).not_to_be_in_viewport()  # the list sits below the panel on a phone
    button.click()
    expect(panel).to_have_attribute("data-outcome", "admitted")
    expect(panel).to_be_in_viewport(ratio=1)
    screenshot(page, "door-search-tap")


def test_door_after_thirty_scans_is_accessible_on_a_phone(browser_page_as, night, tickets, refunded, queue):
    """A realistic stretch of a night: a refund at the desk, then admissions, duplicates, refusals
    and searches at the door, then axe on the door page and on the order page, at phone width."""
    event, general = night[0], night[1]
    order = order_make(event, general, quantity=1, buyer_name="Changed Plans", buyer_email="plans@example.com")
    page = browser_page_as("box_office", viewport=PHONE)
    page.goto(f"/orders/{order.id}/")
    refund = page.locator("#refund-form")
    refund.get_by_label("Reason").select_option("Customer request")
    refund.get_by_role("button", name="Refund…").click()
    confirm = page.get_by_role("dialog")
    assert_accessible(page)  # the confirmation, open, on a phone
    confirm.get_by_role("button", name="Refund $25.00").click()
    expect(page.locator(".order-notice")).to_contain_text("Refunded $25.00")
    gone = Attendee.objects.get(order__id=order.id)

    page.goto(door_url(event))
    expect(page.locator("#scan-input")).to_be_focused()
    codes = (
        [t.barcode for t in queue[:10]]  # 10 admitted
        + [t.barcode for t in queue[:6]]  # 6 already in
        + [refunded.barcode] * 2
        + [gone.barcode] * 2  # 4 void, two of them refunded just now
        + ["NOT-A-TICKET", "XXXX", "1234"]  # 3 unknown
        + [t.barcode for t in queue[10:12]]  # 2 admitted
        + [t.barcode for t in tickets[:3]]  # 3 admitted
        + [tickets[0].barcode, queue[11].barcode]  # 2 already in
    )
    assert len(codes) == 30
    for code in codes:
        scan(page, code)
    log = page.locator("#scan-log .log-item")
    expect(log).to_have_count(25)  # the log keeps the last 25
    expect(page.locator("#result .result")).to_have_attribute("data-outcome", "duplicate")
    expect(page.locator("#scan-log .log-item.bad")).to_have_count(7)
    search = page.get_by_label("Name or email", exact=True)
    search.fill("grace")
    page.get_by_role("button", name="Check in Grace Hopper").click()
    expect(page.locator("#result .result")).to_have_attribute("data-outcome", "admitted")
    search.fill("queue")
    expect(page.locator("#search-results .found-row").first).to_be_visible()
    assert page.locator("#scan-log").evaluate("el => el.scrollHeight > el.clientHeight")  # it scrolls now
    assert_accessible(page)
    screenshot(page, "door-after-30-scans")
    for url in (f"/orders/{order.id}/", f"/events/{event.id}/attendees/", "/events/", f"/events/{event.id}/"):
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        assert_accessible(page)
