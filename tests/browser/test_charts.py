"""The event page's charts and the list's bars in real Chromium: light and dark, contrast, tables, a phone's width."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE, assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

# WCAG: text 4.5:1; the marks that carry meaning (lines, markers, bars, hatching) 3:1 (non-text contrast).
TEXT, MARKS = 4.5, 3.0

# Every painted text and meaningful mark in the charts, with its contrast against the panel it sits on,
# computed from the styles the browser actually applied (custom properties resolved, theme in force).
CONTRASTS = """
(root) => {
  const rgb = (s) => (s.match(/rgba?\\(([^)]+)\\)/) || [null, null])[1]?.split(',').map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const paper = rgb(getComputedStyle(root.closest('.panel')).backgroundColor);
  const found = [];
  const check = (el, kind, prop) => {
    const value = getComputedStyle(el)[prop];
    const color = rgb(value);
    if (!color || (color.length > 3 && color[3] === 0)) return;  // none, a pattern, or transparent
    found.push({kind, what: `${el.tagName}.${el.getAttribute('class') || ''} ${prop}`, ratio: ratio(color, paper)});
  };
  root.querySelectorAll('svg.chart-svg text').forEach((el) => check(el, 'text', 'fill'));
  root.querySelectorAll('.series > path, .bar .fill').forEach((el) => check(el, 'mark', 'stroke'));
  root.querySelectorAll('.series use, .bar .fill, .columns rect, .hatch rect')
    .forEach((el) => check(el, 'mark', 'fill'));
  return {paper, found};
}
"""


@pytest.fixture
def night(venue, api):
    """The venue fixture (two ticket types, three tickets sold), one refund, and doors open: two in, one refused."""
    from sandbox.models import Attendee, Order

    tickets = list(Attendee.objects.filter(event_id=venue.id).order_by("id"))
    for ticket in tickets[:2]:
        assert api.post(f"/events/{venue.id}/checkins", json={"barcode": ticket.barcode, "gate": "North"}).ok
    api.post(f"/events/{venue.id}/checkins", json={"barcode": tickets[0].barcode, "gate": "North"})
    order = Order.objects.filter(event_id=venue.id).order_by("created_at").first()
    assert api.post(f"/orders/{order.pk}/refund", json={"amount": 500, "reason": "Late"}).ok
    return venue


def open_charts(page: Page, event_id: str) -> None:
    page.goto(f"/events/{event_id}/")
    expect(page.locator("#event-charts figure.chart")).to_have_count(3)  # fetched after the page


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_read_well_in_each_scheme_with_their_tables(browser_page_as, night, scheme):
    page = browser_page_as("organizer", viewport=PHONE, color_scheme=scheme)
    open_charts(page, night.id)
    charts = page.locator("#event-charts")
    for figure_id, name in [
        ("chart-sold", "Tickets sold over time"),
        ("chart-money", "Revenue and refunds against capacity"),
        ("chart-arrivals", "Arrivals over time"),
    ]:
        figure = charts.locator(f"#{figure_id}")
        expect(figure.get_by_role("img", name=name)).to_be_visible()
        table = figure.locator("details.chart-table table")
        expect(table).to_be_hidden()  # collapsed, yet in the accessibility tree's reach
        figure.locator("details.chart-table summary").click()
        expect(table).to_be_visible()
    expect(charts.locator("#chart-sold table tbody tr").last).to_contain_text("3")
    expect(charts.locator("#chart-arrivals table tbody tr")).to_contain_text("2")

    measured = charts.evaluate(CONTRASTS)
    texts = [f for f in measured["found"] if f["kind"] == "text"]
    marks = [f for f in measured["found"] if f["kind"] == "mark"]
    assert len(texts) >= 10 and len(marks) >= 6, measured  # the check saw the charts, not an empty page
    low = [f for f in texts if f["ratio"] < TEXT] + [f for f in marks if f["ratio"] < MARKS]
    assert not low, f"{scheme} on {measured['paper']}: {low}"

    # A phone's width: nothing sticks out sideways, the charts shrink into the panel.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    svg_box = charts.locator("#chart-sold svg").bounding_box()
    assert svg_box is not None and svg_box["x"] + svg_box["width"] <= PHONE["width"]
    assert_accessible(page)
    screenshot(page, f"charts-{scheme}")


def test_the_lists_sold_bars_in_the_dark(browser_page_as, night):
    page = browser_page_as("box_office", viewport=DESKTOP, color_scheme="dark")
    page.goto("/events/?when=all")
    meter = page.locator("td.sold svg.meter").first
    expect(meter).to_be_visible()
    fill = meter.locator("rect.fill").evaluate("el => getComputedStyle(el).fill")
    track = meter.locator("rect.track").evaluate("el => getComputedStyle(el).fill")
    assert fill != track and fill.startswith("rgb")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert_accessible(page)
