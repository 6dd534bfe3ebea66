"""The event page's exports, downloaded as an organizer downloads them in Chromium, then opened as a
spreadsheet program opens them: CSV parsed from UTF-8 with its BOM, the workbook read by openpyxl."""

import csv
import io

import openpyxl
import pytest

from sandbox.models import Order
from sandbox.services.checkins import attendee_check_in
from sandbox.services.refunds import order_refund
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, databases="__all__")]

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def night(account):
    """Ada's 2 x $25 General, Zoë's 1 x $90 VIP ($40 refunded); one of Ada's tickets scanned in at North,
    then scanned again (refused: already in)."""
    event = event_make(account, title="Winter Ball")
    general = ticket_type_make(event, name="General", price=2500, quantity=500)
    vip = ticket_type_make(event, name="VIP Balcony", price=9000, quantity=50)
    ada = order_make(event, general, quantity=2, buyer_name="Ada Lovelace", buyer_email="ada@example.com")
    zoe = order_make(event, vip, quantity=1, buyer_name="Zoë Ørsted", buyer_email="zoe@example.com")
    order_refund(order=zoe, amount=4000, reason="seat moved", expected_amount_refunded=None)
    barcode = ada.attendees.order_by("id").first().barcode
    for _ in range(2):
        try:
            attendee_check_in(
                account=account, livemode=False, event_id=event.id, barcode=barcode, gate="North", staff="Dora"
            )
        except Exception as exc:  # the second scan is refused, and recorded as such
            assert getattr(exc, "code", "") == "ALREADY_CHECKED_IN"
    return event, ada, zoe, barcode


def _download(page, link_name: str) -> bytes:
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    return info.value.path().read_bytes()


def _csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_every_export_opens_with_the_rows_of_the_event(browser_page_as, night, tmp_path):
    event, ada, zoe, barcode = night
    page = browser_page_as("organizer")
    page.goto(f"/events/{event.id}/")

    orders = _csv(_download(page, "Orders CSV"))
    by_buyer = {row["buyer name"]: row for row in orders if row["order id"]}
    assert by_buyer["Ada Lovelace"]["order id"] == ada.id
    assert by_buyer["Zoë Ørsted"]["refunded"] == "40.00"
    assert by_buyer["Zoë Ørsted"]["net"] == "50.00"
    assert {row["order id"] for row in orders if row["order id"].startswith("ord_")} == set(
        Order.objects.filter(event=event).values_list("id", flat=True)
    )

    path = tmp_path / "orders.xlsx"
    path.write_bytes(_download(page, "Orders Excel"))
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["Orders"].values)
    head = list(rows[0])
    sheet = {r[head.index("buyer name")]: r for r in rows[1:] if r[0] and str(r[0]).startswith("ord_")}
    assert set(sheet) == {"Ada Lovelace", "Zoë Ørsted"}
    assert sheet["Ada Lovelace"][head.index("total")] == 50
    assert sheet["Zoë Ørsted"][head.index("refunded")] == 40
    assert rows[-1][0].startswith("Total")  # the totals row closes the sheet

    attendees = _csv(_download(page, "Attendees CSV"))
    assert len(attendees) == 3
    assert {row["order id"] for row in attendees} == {ada.id, zoe.id}
    assert {row["ticket type"] for row in attendees} == {"General", "VIP Balcony"}

    page.get_by_role("link", name="Scans log CSV", exact=True).click()
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("button", name="Download CSV").click()
    scans = _csv(info.value.path().read_bytes())
    assert [(s["door"], s["result"], s["reason code"]) for s in scans] == [
        ("North", "refused", "ALREADY_CHECKED_IN"),  # newest first
        ("North", "admitted", ""),
    ]
    assert all(s["barcode"] == barcode and s["staff"] == "Dora" for s in scans)
    assert not any("@" in value for s in scans for value in s.values()), "no emails in the scan log"
