"""The CSV export streams page after page from the API, 100 at a time."""

import csv
import io
from datetime import UTC, datetime

import pytest

from boxoffice.brightstar import client as bs_client
from sandbox.models import Attendee, Event
from tests.door.conftest import crowd_make
from tests.factories import event_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def event(account):
    return event_make(account, title="Summer Fair")


@pytest.fixture
def general(event):
    return ticket_type_make(event, name="General", price=2500, quantity=500)


@pytest.fixture
def vip(event):
    return ticket_type_make(event, name="VIP Balcony", price=9000, quantity=50)


@pytest.fixture
def crowd(event, general, vip):
    """350 attendees: 300 General in 3 orders, 49 VIP, and one refunded VIP (whose name would be a formula)."""
    return crowd_make(event, general, vip, hundreds=3, vips=49, gone="=Gone Guest")


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(body[1:])))


def test_export_pages_through_the_api_100_at_a_time(client_as, event, crowd, requests_made):
    response = client_as("box_office").get(f"/events/{event.id}/attendees/export.csv")
    assert response.streaming  # never one big string in memory
    rows = read_csv(response)
    assert rows[0] == [
        "name",
        "email",
        "order id",
        "ticket type",
        "barcode",
        "status",
        "checked in",
        "checked in at (UTC)",
    ]
    assert len(rows) == 1 + 350
    assert {r[4] for r in rows[1:]} == set(crowd.values_list("barcode", flat=True))
    assert {r[2] for r in rows[1:]} == set(crowd.values_list("order_id", flat=True))
    pages = [params for method, path, params in requests_made if path == f"events/{event.id}/attendees"]
    assert [(p["limit"], p["offset"]) for p in pages] == [(100, 0), (100, 100), (100, 200), (100, 300)]
    counts = {}
    for row in rows[1:]:
        counts[(row[3], row[5])] = counts.get((row[3], row[5]), 0) + 1
    assert counts == {("General", "valid"): 300, ("VIP Balcony", "valid"): 49, ("VIP Balcony", "void"): 1}


def test_export_follows_the_filters_and_defuses_formulas(client_as, event, vip, crowd):
    rows = read_csv(client_as("organizer").get(f"/events/{event.id}/attendees/export.csv?ticket_type={vip.id}"))
    assert len(rows) == 1 + 50
    gone = next(r for r in rows if r[1] == "gone@example.com")
    assert gone[0] == "'=Gone Guest" and gone[5] == "void"


@pytest.mark.parametrize("role", ["door", "nobody"])
def test_the_door_gets_no_export_of_attendees_emails(client_as, event, crowd, role, api_calls):
    response = client_as(role).get(f"/events/{event.id}/attendees/export.csv")
    assert response.status_code == 403
    assert b"crowd0@example.com" not in response.content
    assert api_calls == []
    # Nor a link to one on the door's list.
    assert "export.csv" not in client_as(role).get(f"/events/{event.id}/attendees/").content.decode()


def test_check_in_times_are_in_the_events_zone_as_excel_reads_them(client_as, event, crowd):
    Event.objects.filter(pk=event.pk).update(timezone="Europe/Berlin")
    ada = crowd.first()
    Attendee.objects.filter(pk=ada.pk).update(checked_in=True, checked_in_at=datetime(2031, 1, 14, 18, 30, tzinfo=UTC))
    rows = read_csv(client_as("box_office").get(f"/events/{event.id}/attendees/export.csv"))
    assert rows[0][-1] == "checked in at (Europe/Berlin)"
    row = next(r for r in rows if r[4] == ada.barcode)
    assert row[2] == ada.order_id
    assert row[-1] == "2031-01-14 19:30:00"


def test_an_api_failure_mid_export_is_written_into_the_file(client_as, event, crowd, lose_brightstar_after_two_pages):
    lose_brightstar_after_two_pages()
    response = client_as("box_office").get(f"/events/{event.id}/attendees/export.csv")
    rows = read_csv(response)
    assert len(rows) == 1 + 200 + 1
    assert rows[-1][0].startswith("EXPORT INCOMPLETE")


def test_export_when_brightstar_is_down_is_an_error_page_not_a_file(client_as, event, crowd, monkeypatch, settings):
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 1
    monkeypatch.setattr("boxoffice.brightstar.attendees.EXPORT_MAX_ATTEMPTS", 1)
    from boxoffice.brightstar.errors import ConnectionFailed

    def down(method, path, **kwargs):
        raise ConnectionFailed("refused", may_have_reached_server=False)

    client = client_as("box_office")
    client.get(f"/events/{event.id}/attendees/")  # warm the names
    monkeypatch.setattr(bs_client, "_request", down)
    response = client.get(f"/events/{event.id}/attendees/export.csv")
    assert response.status_code == 503
    assert "unreachable" in response.content.decode()
