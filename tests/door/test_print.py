"""The attendee list on paper: every row of the filter, streamed, with a header saying what it is."""

import re

import pytest

from tests.door.conftest import crowd_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def crowd(event, general, vip):
    """225 attendees (three API pages): the night's four, 200 General, 20 VIP, one refunded VIP."""
    return crowd_make(event, general, vip, hundreds=2, vips=20)


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
    pages = [params for method, path, params in requests_made if path == f"events/{event.id}/attendees"]
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


def test_an_api_failure_mid_list_is_printed_not_hidden(client_as, event, crowd, lose_brightstar_after_two_pages):
    client = client_as("door")
    client.get(f"/events/{event.id}/attendees/")  # warm the names
    lose_brightstar_after_two_pages()
    html = sheet(client.get(f"/events/{event.id}/attendees/print/"))
    assert len(body_rows(html)) == 200
    assert "LIST INCOMPLETE" in html
    assert html.rstrip().endswith("</html>")


def test_the_list_links_to_the_print_of_its_filter(client_as, event, vip, crowd):
    html = client_as("door").get(f"/events/{event.id}/attendees/?checked_in=no&page=2").content.decode()
    assert f'href="/events/{event.id}/attendees/print/?checked_in=no"' in html
