"""The event page's charts (one stats call, fetched after the page) and the events list's sold bars."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from boxoffice.brightstar import client
from boxoffice.brightstar.errors import ConnectionFailed
from sandbox.models import Event
from tests.events.conftest import HTMX, main_of
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def charts_fragment(client, event_id: str) -> str:
    response = client.get(f"/events/{event_id}/charts/", headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


class Tables(HTMLParser):
    """Each <table>'s rows, as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables_of(html: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def test_the_event_page_does_not_wait_for_the_stats(client_as, event, api_calls):
    html = main_of(client_as("organizer").get(f"/events/{event.pk}/"))
    assert f'hx-get="/events/{event.pk}/charts/" hx-trigger="load"' in html
    assert f'<noscript> <a href="/events/{event.pk}/charts/">Show the charts</a></noscript>' in html
    assert not any(path.endswith("/stats") for _, path in api_calls)


def test_the_charts_are_one_stats_call_after_the_page(client_as, event, api_calls):
    box_office = client_as("box_office")
    box_office.get(f"/events/{event.pk}/")
    api_calls.clear()
    html = charts_fragment(box_office, event.pk)
    assert api_calls == [("GET", f"events/{event.pk}/stats")]  # the event itself comes from the cache
    assert html.count('role="img"') == 2  # sales and money; no arrivals yet
    assert "No arrivals yet" in html


def test_sales_chart_and_its_table_say_the_same(client_as, event):
    vip = ticket_type_make(event, name="VIP", price=9000, quantity=10)
    order_make(event, vip, quantity=2)
    html = charts_fragment(client_as("door"), event.pk)
    assert '<svg class="chart-svg" viewBox="0 0 480 220" role="img" aria-labelledby="chart-sold-title">' in html
    assert "14 tickets sold by" in html and "of 110" in html  # the SVG's <title>
    assert re.search(r'<g class="series series-0">\s*<path d="M[\d.,HV]+"/>', html)
    assert "General 12" in html and "VIP 2" in html  # each line named at its end, not by colour alone
    [table] = tables_of(html)
    assert table[0] == ["Day", "General", "VIP", "All"]
    assert table[-1][1:] == ["12", "2", "14"]
    # No money for door staff: no revenue chart, no amounts anywhere.
    assert "chart-money" not in html and "$" not in html


def test_money_against_a_full_house_for_box_office(client_as, event, api):
    order = event.orders.get()
    assert api.post(f"/orders/{order.pk}/refund", json={"amount": 2500, "reason": "Ill"}).status_code == 201
    html = charts_fragment(client_as("box_office"), event.pk)
    assert 'aria-labelledby="chart-money-title"' in html
    assert "Gross sales $300.00 (12% of a full house), $25.00 refunded, net $275.00." in html
    money = tables_of(html)[1]
    assert money[1:] == [
        ["Full house", "$2,500.00"],
        ["Gross sales", "$300.00"],
        ["Refunded", "$25.00"],
        ["Net", "$275.00"],
    ]
    # Refunds are hatched as well as coloured.
    assert 'fill="url(#chart-money-hatch)"' in html


def test_zero_decimal_money_reads_in_yen(client_as, account):
    event = event_make(account, title="Tokyo", currency="JPY")
    order_make(event, ticket_type_make(event, name="General", price=3000, quantity=50), quantity=2)
    html = charts_fragment(client_as("organizer"), event.pk)
    assert "¥150,000" in html and "¥6,000" in html and "¥6,000.00" not in html


def test_arrivals_once_doors_open(client_as, event, api):
    tickets = list(event.attendees.order_by("id"))
    for ticket in tickets[:3]:
        api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "gate": "North"})
    api.post(f"/events/{event.pk}/checkins", json={"barcode": tickets[0].barcode, "gate": "North"})
    html = charts_fragment(client_as("door"), event.pk)
    assert 'aria-labelledby="chart-arrivals-title"' in html
    assert "3 admitted and 1 refused since" in html
    arrivals = tables_of(html)[-1]
    assert arrivals[0] == ["From", "Admitted", "Refused"]
    assert [row[1:] for row in arrivals[1:]] == [["3", "1"]]
    assert 'class="kind-1" fill="url(#chart-arrivals-hatch)"' in html


def test_scans_older_than_the_window_are_said_not_drawn(client_as, account, api):
    # Started five days ago: the page asks for the longest window, 72 hours; the one scan is four days old.
    event = event_make(account, title="Last week", days_ahead=-5)
    ticket = order_make(event, ticket_type_make(event), quantity=1).attendees.get()
    old = (timezone.now() - timedelta(days=4)).isoformat()
    assert api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "scanned_at": old}).ok
    html = charts_fragment(client_as("door"), event.pk)
    assert "No scans in the last 72 hours: arrivals are charted from then." in html
    assert "chart-arrivals" not in html


def test_an_event_with_nothing_sold_says_so(client_as, draft):
    html = charts_fragment(client_as("organizer"), draft.pk)
    assert "No tickets sold yet" in html and 'role="img"' not in html


def test_without_javascript_the_charts_link_opens_the_page_with_them(client_as, event):
    response = client_as("organizer").get(f"/events/{event.pk}/charts/")
    html = main_of(response)
    assert response.status_code == 200
    assert "Ticket types" in html and 'aria-labelledby="chart-sold-title"' in html
    assert 'hx-trigger="load"' not in html


def test_failed_stats_leave_the_page_and_say_why_in_one_line(client_as, draft):
    organizer = client_as("organizer")
    organizer.get(f"/events/{draft.pk}/")  # the event is cached: only the stats will miss it
    Event.objects.filter(pk=draft.pk).delete()
    html = charts_fragment(organizer, draft.pk)
    assert "No charts just now: Not found: it may have been deleted, or the link is wrong." in html
    assert 'role="img"' not in html and "hx-trigger" not in html  # no retry loop


def test_unreachable_stats_leave_the_page(client_as, event, monkeypatch):
    real = client._request

    def no_stats(method, path, **kwargs):
        if path.endswith("/stats"):
            raise ConnectionFailed("timed out")
        return real(method, path, **kwargs)

    monkeypatch.setattr(client, "_request", no_stats)
    response = client_as("box_office").get(f"/events/{event.pk}/charts/")
    html = main_of(response)
    assert response.status_code == 200 and "Ticket types" in html
    assert '<p class="muted charts-error" role="status">No charts just now: BrightStar is unreachable.' in html


def test_the_list_draws_a_sold_bar_per_event_from_its_own_figures(client_as, event, draft, api_calls):
    html = main_of(client_as("box_office").get("/events/?when=all"))
    assert len(api_calls) == 1
    assert '<rect class="fill" width="12.0" height="10"/>' in html  # 12 of 100
    assert "12/100" in html and "(12%)" in html
    # The draft has no capacity: no bar, the figures still in words.
    assert html.count('class="meter') == 1 and "0/0" in html
