"""The attendee list on paper: every row of the filter, streamed, with a header saying what it is."""

import re

import pytest

from boxoffice.brightstar import client as bs_client
from boxoffice.brightstar.errors import ConnectionFailed
from sandbox.models import Attendee
from sandbox.services.refunds import order_refund
from tests.factories import order_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def crowd(event, general, vip):
    """225 attendees (three API pages): the night's four, 200 General, 20 VIP, one refunded VIP."""
    for i in range(2):
        order_make(event, general, quantity=100, buyer_name=f"Crowd {i}", buyer_email=f"crowd{i}@example.com")
    order_make(event, vip, quantity=20, buyer_name="Balcony Box", buyer_email="box@example.com")
    gone = order_make(event, vip, quantity=1, buyer_name="Gone Guest", buyer_email="gone@example.com")
    order_refund(order=gone, amount=None, reason="changed plans", expected_amount_refunded=None)
    return Attendee.objects.filter(event=event)


@pytest.fixture
def requests_made(monkeypatch):
    """(path, params) of every exchange with BrightStar."""
    made = []
    real = bs_client._request

    def recording(method, path, **kwargs):
        made.append((path, dict(kwargs.get("params") or {})))
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", recording)
    return made


def sheet(response) -> str:
    assert response.status_code == 200
    assert response.streaming  # never the whole list in memory
    assert response["Content-Type"].startswith("text/html")
    return b"".join(response.streaming_content).decode()


def body_rows(html: str) -> list[str]:
    return re.findall(r"<tr(?: class=\"void\")?><td class=\"tick\".*?</tr>", html)


@pytest.mark.parametrize("role", ["door", "box_office", "organizer"])
def test_every_row_of_the_event_page_after_page(client_as, event, crowd, requests_made, role):
    html = sheet(client_as(role).get(f"/events/{event.id}/attendees/print/"))
    assert len(body_rows(html)) == 225  # all of them, not the list's first page of 50
    pages = [params for path, params in requests_made if path == f"events/{event.id}/attendees"]
    assert [p["offset"] for p in pages] == [0, 100, 200]
    assert set(re.findall(r"<code>([^<]+)</code>", html)) == set(crowd.values_list("barcode", flat=True))
    assert "225 attendees · end of list" in html


def test_the_header_says_event_date_and_filter_and_there_is_no_navigation(client_as, event, vip, crowd):
    url = f"/events/{event.id}/attendees/print/?ticket_type={vip.id}&checked_in=no&q=gone"
    html = sheet(client_as("door").get(url))
    assert "<h1>Attendees · Spring Gala</h1>" in html
    assert event.start_date.strftime("%Y") in html
    assert "<strong>Filter:</strong> Not checked in · VIP Balcony · matching “gone”" in html
    assert len(body_rows(html)) == 1 and 'class="void"' in html and "Void" in html
    for chrome in ("<nav", 'class="topbar"', 'id="order-search"', "Log out"):
        assert chrome not in html
    assert 'href="/events/' in html  # only "Back to the list", which print.css hides on paper
    assert "Content-Security-Policy" in client_as("door").get(url).headers


def test_everyone_is_the_filter_when_there_is_none(client_as, event, crowd):
    html = sheet(client_as("door").get(f"/events/{event.id}/attendees/print/?page=3"))
    assert "<strong>Filter:</strong> Everyone" in html
    assert len(body_rows(html)) == 225  # a page number from the list does not cut the print


def test_nobody_matches(client_as, event, crowd):
    html = sheet(client_as("door").get(f"/events/{event.id}/attendees/print/?q=zzzz"))
    assert "No attendees match this filter." in html and "<table" not in html


def test_a_role_without_check_in_is_refused(client_as, event, crowd):
    assert client_as("nobody").get(f"/events/{event.id}/attendees/print/").status_code == 403


def test_an_api_failure_mid_list_is_printed_not_hidden(client_as, event, crowd, monkeypatch, settings):
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 1
    monkeypatch.setattr("boxoffice.brightstar.attendees.EXPORT_MAX_ATTEMPTS", 1)
    client = client_as("door")
    client.get(f"/events/{event.id}/attendees/")  # warm the names
    real = bs_client._request
    served = []

    def flaky(method, path, **kwargs):
        if path.endswith("/attendees") and len(served) >= 2:  # the first two pages arrive
            raise ConnectionFailed("gone", may_have_reached_server=False)
        if path.endswith("/attendees"):
            served.append(path)
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", flaky)
    html = sheet(client.get(f"/events/{event.id}/attendees/print/"))
    assert len(body_rows(html)) == 200
    assert "LIST INCOMPLETE" in html
    assert html.rstrip().endswith("</html>")


def test_the_list_links_to_the_print_of_its_filter(client_as, event, vip, crowd):
    html = client_as("door").get(f"/events/{event.id}/attendees/?checked_in=no&page=2").content.decode()
    assert f'href="/events/{event.id}/attendees/print/?checked_in=no"' in html
