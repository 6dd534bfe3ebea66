"""An event's orders as CSV and XLSX: who may, what a row holds, the totals row, paging, failures."""

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest

from boxoffice.brightstar import client as bs_client
from boxoffice.brightstar.errors import ConnectionFailed
from sandbox.models import Event
from sandbox.services.refunds import order_refund
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

PLACED = datetime(2031, 1, 14, 18, 30, tzinfo=UTC)  # 19:30 in Berlin
FORMATS = ("csv", "xlsx")


@pytest.fixture
def event(account):
    event = event_make(account, title="Winter Ball")
    Event.objects.filter(pk=event.pk).update(timezone="Europe/Berlin")
    return event


@pytest.fixture
def sales(event):
    """Three orders: Ada 2 x $25, Zoë 1 x $90 ($40 refunded), and "=HYPERLINK(1)" 1 x $25 refunded in full."""
    general = ticket_type_make(event, name="General", price=2500, quantity=500)
    vip = ticket_type_make(event, name="VIP Balcony", price=9000, quantity=50)
    order_make(event, general, quantity=2, buyer_name="Ada Lovelace", buyer_email="ada@example.com", created_at=PLACED)
    zoe = order_make(event, vip, quantity=1, buyer_name="Zoë Ørsted", buyer_email="zoe@example.com")
    order_refund(order=zoe, amount=4000, reason="seat moved", expected_amount_refunded=None)
    gone = order_make(event, general, quantity=1, buyer_name="=HYPERLINK(1)", buyer_email="gone@example.com")
    order_refund(order=gone, amount=None, reason="changed plans", expected_amount_refunded=None)


def url(event, fmt: str, query: str = "") -> str:
    return f"/orders/event/{event.id}/export.{fmt}{query}"


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(body[1:])))


NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def read_xlsx(response) -> list[list[object]]:
    """The first sheet's cells: str for text, float for numbers, ("=", formula, value) for formulas."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iterfind(".//x:sheetData/x:row", NS):
        cells: list[object] = []
        for c in row.iterfind("x:c", NS):
            column = re.match(r"[A-Z]+", c.get("r")).group(0)
            index = ord(column) - ord("A")
            cells.extend([""] * (index - len(cells)))
            formula, value = c.find("x:f", NS), c.find("x:v", NS)
            if c.get("t") == "inlineStr":
                cells.append("".join(t.text or "" for t in c.iterfind(".//x:t", NS)))
            elif formula is not None:
                cells.append(("=", formula.text, float(value.text)))
            else:
                cells.append(float(value.text))
        rows.append(cells)
    return rows


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("role", ["box_office", "organizer", "admin"])
def test_orders_staff_may_export_orders(client_as, event, sales, role, fmt):
    response = client_as(role).get(url(event, fmt))
    assert response.status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("role", ["door", "nobody"])
def test_the_door_gets_no_export_of_buyers_emails(client_as, event, sales, role, fmt, api_calls):
    response = client_as(role).get(url(event, fmt))
    assert response.status_code == 403
    assert b"ada@example.com" not in b"".join(getattr(response, "streaming_content", [response.content]))
    assert api_calls == []  # refused before BrightStar is asked anything


# --- what it holds ----------------------------------------------------------------------------


def test_the_csv_has_one_row_per_order_then_the_totals(client_as, event, sales):
    rows = read_csv(client_as("box_office").get(url(event, "csv")))
    assert rows[0] == [
        "order id",
        "placed at (Europe/Berlin)",
        "buyer name",
        "buyer email",
        "status",
        "tickets",
        "ticket types",
        "currency",
        "total",
        "refunded",
        "net",
    ]
    by_buyer = {row[2]: row for row in rows[1:-1]}
    assert len(by_buyer) == 3
    ada = by_buyer["Ada Lovelace"]
    assert ada[0].startswith("ord_")
    assert ada[1] == "2031-01-14 19:30:00"  # the event's zone, in a form Excel reads as a date
    assert ada[3:] == ["ada@example.com", "completed", "2", "2 x General", "USD", "50.00", "0.00", "50.00"]
    assert by_buyer["Zoë Ørsted"][4:] == [
        "partially_refunded",
        "1",
        "1 x VIP Balcony",
        "USD",
        "90.00",
        "40.00",
        "50.00",
    ]
    assert by_buyer["'=HYPERLINK(1)"][4] == "refunded"  # defused: a name, not a formula
    assert rows[-1] == ["Total (3 orders)", "", "", "", "", "4", "", "USD", "165.00", "65.00", "100.00"]


def test_the_workbook_has_typed_cells_and_a_totals_row_of_formulas(client_as, event, sales):
    rows = read_xlsx(client_as("organizer").get(url(event, "xlsx")))
    assert rows[0][:3] == ["order id", "placed at (Europe/Berlin)", "buyer name"]
    by_buyer = {row[2]: row for row in rows[1:-1]}
    ada = by_buyer["Ada Lovelace"]
    # A real date: days since 1899-12-30, 19:30 being 0.8125 of a day.
    assert ada[1] == pytest.approx(47862.8125, abs=1e-9)
    assert ada[3:] == ["ada@example.com", "completed", 2.0, "2 x General", "USD", 50.0, 0.0, 50.0]
    # write_string, never write(): the buyer's "=…" is text in the file, not a formula Excel would run.
    assert "=HYPERLINK(1)" in by_buyer
    assert by_buyer["=HYPERLINK(1)"][4] == "refunded"
    total = rows[-1]
    assert total[0] == "Total (3 orders)"
    assert total[5] == ("=", "SUM(F2:F4)", 4.0)
    assert total[8:] == [("=", "SUM(I2:I4)", 165.0), ("=", "SUM(J2:J4)", 65.0), ("=", "SUM(K2:K4)", 100.0)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_event_without_orders_exports_a_header_and_a_zero_total(client_as, event, fmt):
    response = client_as("box_office").get(url(event, fmt))
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert len(rows) == 2
    assert rows[1][0] == "Total (0 orders)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_export_follows_the_lists_filters(client_as, event, sales, fmt):
    response = client_as("box_office").get(url(event, fmt, "?status=refunded&page=3"))
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert [row[4] for row in rows[1:-1]] == ["refunded"]
    assert rows[-1][0] == "Total (1 orders)"


def test_filters_the_list_would_refuse_go_back_to_the_list(client_as, event, sales):
    response = client_as("box_office").get(url(event, "csv", "?date_from=2031-02-01&date_to=2031-01-01"))
    assert response.status_code == 302
    assert response["Location"] == f"/orders/event/{event.id}/?date_from=2031-02-01&date_to=2031-01-01"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_export_pages_through_the_api_100_at_a_time(client_as, event, fmt, monkeypatch):
    general = ticket_type_make(event, name="General", price=1000, quantity=1000)
    for n in range(250):
        order_make(event, general, quantity=1, buyer_name=f"Buyer {n:03d}", buyer_email=f"b{n}@example.com")
    pages = []
    real = bs_client._request

    def recording(method, path, **kwargs):
        if path == f"events/{event.id}/orders":
            pages.append((kwargs["params"]["limit"], kwargs["params"]["offset"]))
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", recording)
    response = client_as("box_office").get(url(event, fmt))
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert len({row[0] for row in rows[1:-1]}) == 250
    assert pages == [(100, 0), (100, 100), (100, 200)]


def test_the_pages_link_to_the_exports_with_the_filters_shown(client_as, event, sales):
    html = client_as("box_office").get(f"/orders/event/{event.id}/?status=refunded&page=1").content.decode()
    assert f'href="/orders/event/{event.id}/export.csv?status=refunded"' in html
    assert f'href="/orders/event/{event.id}/export.xlsx?status=refunded"' in html
    detail = client_as("box_office").get(f"/events/{event.id}/").content.decode()
    assert f'href="/orders/event/{event.id}/export.xlsx"' in detail
    assert f'href="/events/{event.id}/attendees/export.csv"' in detail


# --- when BrightStar fails ---------------------------------------------------------------------


def _failing_after(monkeypatch, pages_served: int):
    real = bs_client._request
    served = []

    def flaky(method, path, **kwargs):
        if path.endswith("/orders"):
            if len(served) >= pages_served:
                raise ConnectionFailed("gone", may_have_reached_server=False)
            served.append(path)
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", flaky)


@pytest.fixture
def many(event):
    general = ticket_type_make(event, name="General", price=1000, quantity=1000)
    for n in range(150):
        order_make(event, general, quantity=1, buyer_name=f"Buyer {n:03d}", buyer_email=f"b{n}@example.com")


@pytest.fixture
def one_attempt(monkeypatch, settings):
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 1
    monkeypatch.setattr("boxoffice.brightstar.attendees.EXPORT_MAX_ATTEMPTS", 1)


def test_a_failure_mid_csv_ends_the_file_with_it_and_no_total(client_as, event, many, one_attempt, monkeypatch):
    client = client_as("box_office")
    client.get(f"/orders/event/{event.id}/")  # the event is cached
    _failing_after(monkeypatch, 1)
    rows = read_csv(client.get(url(event, "csv")))
    assert len(rows) == 1 + 100 + 1
    assert rows[-1][0].startswith("EXPORT INCOMPLETE")
    assert not any(row[0].startswith("Total") for row in rows)


def test_a_failure_mid_workbook_is_an_error_page_not_half_a_file(client_as, event, many, one_attempt, monkeypatch):
    client = client_as("box_office")
    client.get(f"/orders/event/{event.id}/")
    _failing_after(monkeypatch, 1)
    response = client.get(url(event, "xlsx"))
    assert response.status_code == 503
    assert "unreachable" in response.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_brightstar_down_is_an_error_page(client_as, event, sales, one_attempt, monkeypatch, fmt):
    client = client_as("box_office")
    client.get(f"/orders/event/{event.id}/")
    _failing_after(monkeypatch, 0)
    response = client.get(url(event, fmt))
    assert response.status_code == 503
    assert "unreachable" in response.content.decode()
