"""The scans log CSV: every check-in attempt, streamed page after page from the API, for the desk only."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from boxoffice.brightstar.scans import scan_iter
from boxoffice.door.scans_export import REASONS
from sandbox.models import Event, Scan
from tests.factories import event_make, order_make, ticket_type_make
from tests.memory import collect_at_each_page, streamed

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

URL = "/events/{id}/scans/export.csv"


@pytest.fixture
def door_night(api, account):
    """Check-ins made through the API: three admitted at two doors, one refused twice, an unknown code."""
    event = event_make(account, title="Summer Fair")
    general = ticket_type_make(event, name="General", quantity=100)
    order_make(event, general, quantity=3, buyer_name="Ada Lovelace", buyer_email="ada@example.com")
    tickets = list(event.attendees.order_by("id"))
    door = {"device": "phone-1", "staff": "Sam"}
    for ticket in tickets:
        api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "gate": "North", **door})
    api.post(f"/events/{event.pk}/checkins", json={"barcode": tickets[0].barcode, "gate": "=South", **door})
    api.post(f"/events/{event.pk}/checkins", json={"barcode": "NOPE"})
    assert Scan.objects.filter(event=event).count() == 5
    return event, tickets


def bulk_scans(event: Event, n: int, *, start: datetime) -> None:
    """`n` scans one second apart, newest last; every tenth refused."""
    Scan.objects.bulk_create(
        Scan(
            id=f"scn_bulk{event.pk[-6:]}{i:06d}",
            event=event,
            barcode=f"CODE{i}",
            result="refused" if i % 10 == 0 else "admitted",
            reason="ALREADY_CHECKED_IN" if i % 10 == 0 else None,
            gate=("North", "South")[i % 2],
            scanned_at=start + timedelta(seconds=i),
        )
        for i in range(n)
    )


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(body[1:])))


def test_each_attempt_is_a_row_with_the_doors_words(client_as, door_night):
    event, tickets = door_night
    rows = read_csv(client_as("box_office").get(URL.format(id=event.pk)))
    assert rows[0] == [
        "scanned at (UTC)",
        "door",
        "device",
        "staff",
        "result",
        "reason",
        "reason code",
        "barcode",
        "ticket id",
    ]
    body = rows[1:]
    assert len(body) == 5
    unknown, again, *admitted = body  # newest first
    assert unknown[1:7] == ["", "", "", "refused", "Unknown code", "NOT_FOUND"]
    assert unknown[7] == "NOPE" and unknown[8] == ""
    # A door named like a formula stays text; the refusal in the door's words, its code beside them.
    assert again[1:7] == ["'=South", "phone-1", "Sam", "refused", "Already checked in", "ALREADY_CHECKED_IN"]
    assert (again[7], again[8]) == (tickets[0].barcode, tickets[0].pk)
    assert sorted(row[8] for row in admitted) == sorted(t.pk for t in tickets)
    assert {(row[1], row[4], row[5], row[6]) for row in admitted} == {("North", "admitted", "", "")}


def test_times_are_in_the_events_zone_as_excel_reads_them(client_as, door_night):
    event, _ = door_night
    Event.objects.filter(pk=event.pk).update(timezone="Europe/Berlin")
    Scan.objects.filter(event=event, barcode="NOPE").update(scanned_at=datetime(2031, 1, 14, 18, 30, tzinfo=UTC))
    rows = read_csv(client_as("organizer").get(URL.format(id=event.pk)))
    assert rows[0][0] == "scanned at (Europe/Berlin)"
    assert next(r for r in rows if r[7] == "NOPE")[0] == "2031-01-14 19:30:00"


def test_the_log_holds_no_emails(client_as, door_night):
    event, _ = door_night
    rows = read_csv(client_as("box_office").get(URL.format(id=event.pk)))
    assert not any("@" in value for row in rows for value in row)


@pytest.mark.parametrize("role", ["door", "nobody"])
def test_the_door_gets_no_scans_log(client_as, door_night, role, api_calls):
    event, _ = door_night
    for url in (URL, "/events/{id}/scans/export/"):
        assert client_as(role).get(url.format(id=event.pk)).status_code == 403
    assert api_calls == []


def test_the_event_page_links_the_log_for_the_desk_only(client_as, door_night):
    event, _ = door_night
    link = f'href="/events/{event.pk}/scans/export/"'
    assert link in client_as("box_office").get(f"/events/{event.pk}/").content.decode()
    assert link not in client_as("door").get(f"/events/{event.pk}/").content.decode()
    page = client_as("organizer").get(f"/events/{event.pk}/scans/export/")
    assert page.status_code == 200
    assert f'action="/events/{event.pk}/scans/export.csv"' in page.content.decode()


@pytest.mark.parametrize(
    ("query", "barcodes"),
    [
        ("result=refused", {"NOPE", "first"}),
        ("result=admitted", {"first", "second", "third"}),
        ("reason=NOT_FOUND", {"NOPE"}),
        ("gate=%3DSouth", {"first"}),
        ("gate=North&result=admitted", {"first", "second", "third"}),
    ],
)
def test_the_filters_are_the_apis(client_as, door_night, query, barcodes):
    event, tickets = door_night
    names = {"first": tickets[0].barcode, "second": tickets[1].barcode, "third": tickets[2].barcode, "NOPE": "NOPE"}
    rows = read_csv(client_as("box_office").get(URL.format(id=event.pk) + "?" + query))
    assert {r[7] for r in rows[1:]} == {names[b] for b in barcodes}


def test_since_is_the_events_local_time(client_as, door_night):
    event, _ = door_night
    Event.objects.filter(pk=event.pk).update(timezone="Europe/Berlin")
    Scan.objects.filter(event=event).exclude(barcode="NOPE").update(scanned_at=datetime(2031, 1, 14, 17, 0, tzinfo=UTC))
    Scan.objects.filter(event=event, barcode="NOPE").update(scanned_at=datetime(2031, 1, 14, 18, 30, tzinfo=UTC))
    # 19:00 in Berlin is 18:00 UTC: only the unknown code was scanned since.
    rows = read_csv(client_as("box_office").get(URL.format(id=event.pk) + "?since=2031-01-14T19:00"))
    assert [r[7] for r in rows[1:]] == ["NOPE"]


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("since=yesterday", "since", "Enter a valid date/time."),
        ("result=maybe", "result", "Select a valid choice."),
        ("reason=LOST", "reason", "Select a valid choice."),
        ("result=admitted&reason=TICKET_VOID", "reason", "Only refused scans have a reason"),
        ("gate=" + "x" * 101, "gate", "at most 100 characters"),
    ],
)
def test_a_bad_filter_is_explained_and_nothing_is_fetched(client_as, door_night, api_calls, query, field, words):
    event, _ = door_night
    response = client_as("box_office").get(URL.format(id=event.pk) + "?" + query)
    assert response.status_code == 422
    assert not response.streaming
    page = response.content.decode()
    assert words in page
    assert f'id="id_{field}"' in page and "aria-invalid" in page
    assert not any(path.endswith("/scans") for _, path in api_calls)


def test_an_unknown_event_is_404(client_as, account):
    assert client_as("box_office").get(URL.format(id="evt_" + "0" * 24)).status_code == 404


def test_the_reasons_are_the_codes_the_api_logs():
    from typing import get_args

    from sandbox.api.schemas import ScanReason

    assert sorted(code for code, _ in REASONS) == sorted(get_args(ScanReason))


# --- paging ----------------------------------------------------------------------------


def test_the_export_pages_through_the_api_100_at_a_time(client_as, account, api_calls):
    event = event_make(account)
    bulk_scans(event, 250, start=datetime(2031, 1, 14, 18, 0, tzinfo=UTC))
    rows = read_csv(client_as("box_office").get(URL.format(id=event.pk)))
    assert len(rows) == 1 + 250
    assert len({r[7] for r in rows[1:]}) == 250
    assert rows[1][0] > rows[-1][0]  # newest first
    assert [path for _, path in api_calls].count(f"events/{event.pk}/scans") == 3


def test_a_scan_made_mid_export_is_neither_doubled_nor_skipping_one(account, dashboard):
    event = event_make(account)
    start = datetime(2031, 1, 14, 18, 0, tzinfo=UTC)
    bulk_scans(event, 30, start=start)
    scans = scan_iter(event_id=event.pk, page_size=10)
    first_page = [next(scans) for _ in range(10)]
    # Two doors scan while the export reads: every older row moves down by two.
    Scan.objects.bulk_create(
        Scan(id=f"scn_late{i}", event=event, result="admitted", scanned_at=start + timedelta(hours=1, seconds=i))
        for i in range(2)
    )
    ids = [s.id for s in first_page] + [s.id for s in scans]
    assert len(ids) == len(set(ids))
    assert set(ids) >= {f"scn_bulk{event.pk[-6:]}{i:06d}" for i in range(30)}


# --- memory -----------------------------------------------------------------------------

SMALL, BIG = 2_000, 20_000


@pytest.mark.slow
def test_memory_stays_flat_from_2000_to_20000_scans(client_as, account, monkeypatch):
    """Measured as tests/memory.py says, like tests/orders/test_export_memory.py."""
    small, big = event_make(account, title="Small"), event_make(account, title="Big")
    bulk_scans(small, SMALL, start=datetime(2031, 1, 14, 18, 0, tzinfo=UTC))
    bulk_scans(big, BIG, start=datetime(2031, 1, 14, 18, 0, tzinfo=UTC))
    client = client_as("box_office")
    for event in (small, big):  # the event cached: only the export itself is measured
        client.get(f"/events/{event.pk}/")
    collect_at_each_page(monkeypatch)
    small_peak, small_size = streamed(client, URL.format(id=small.pk))
    big_peak, big_size = streamed(client, URL.format(id=big.pk))
    assert big_size > 8 * small_size  # ten times the rows, really read
    assert big_peak < small_peak * 1.2 + 256 * 1024, (small_peak, big_peak)
    assert big_peak - small_peak < (big_size - small_size) / 2, (small_peak, big_peak, small_size, big_size)
