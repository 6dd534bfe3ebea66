"""Door mode against the real sandbox: every role, every verdict, one call per scan."""

import csv
import gzip
import io
import re

import pytest
from django.contrib.staticfiles import finders

from boxoffice.audit.models import AuditEntry
from boxoffice.brightstar import client as bs_client
from boxoffice.brightstar.errors import ConnectionFailed, ServerError
from sandbox.models import Attendee, Event
from tests.door.conftest import door_url, outcome, scan
from tests.factories import event_make, order_make, ticket_type_make
from tests.pager import assert_pager, pager_of

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

DASH = "\N{EN DASH}"  # the pager says "1 to 50 of 64" with an en dash
CHECKERS = ["door", "box_office", "organizer", "admin"]


@pytest.mark.parametrize("role", CHECKERS)
def test_every_checking_role_sees_the_door_page(client_as, event, tickets, role):
    response = client_as(role).get(door_url(event))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="scan-input"' in html and "autofocus" in html
    assert 'hx-sync="this:queue all"' in html
    assert "Spring Gala" in html


@pytest.mark.parametrize("role", CHECKERS)
def test_every_checking_role_can_check_in(client_as, event, tickets, role):
    response = scan(client_as(role), event, tickets[0].barcode)
    assert outcome(response) == "admitted"
    tickets[0].refresh_from_db()
    assert tickets[0].checked_in


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "door/"),
        ("post", "door/"),
        ("post", "door/undo/"),
        ("get", "door/counters/"),
        ("get", "door/search/?q=ada"),
        ("get", "attendees/"),
        ("get", "attendees/export.csv"),
    ],
)
def test_a_user_without_a_role_is_refused_naming_the_roles(client_as, event, tickets, method, path):
    response = getattr(client_as("nobody"), method)(f"/events/{event.id}/{path}")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Door" in html or "Box office" in html
    assert not Attendee.objects.filter(event=event, checked_in=True).exists()


def test_the_door_role_may_not_export_emails(client_as, event, tickets):
    response = client_as("door").get(f"/events/{event.id}/attendees/export.csv")
    assert response.status_code == 403
    assert "Box office or Organizer" in response.content.decode()
    page = client_as("door").get(f"/events/{event.id}/attendees/").content.decode()
    assert "Export CSV" not in page


def test_anonymous_is_sent_to_log_in(client, dashboard, event):
    response = client.get(door_url(event))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admitted_is_green_with_name_and_ticket_type(client_as, event, tickets):
    response = scan(client_as("door"), event, tickets[3].barcode)
    html = response.content.decode()
    assert 'class="result ok"' in html
    assert "Admitted" in html and "Grace Hopper" in html and "VIP Balcony" in html
    assert "Undo check-in" in html
    assert 'hx-swap-oob="afterbegin:#scan-log"' in html


def test_a_second_scan_is_yellow_with_the_first_time_and_who(client_as, event, tickets, settings):
    settings.TIME_ZONE = "Europe/Paris"
    scan(client_as("box_office"), event, tickets[0].barcode)
    response = scan(client_as("door"), event, tickets[0].barcode)
    html = response.content.decode()
    assert outcome(response) == "duplicate"
    assert 'class="result warn"' in html
    from django.utils import timezone

    tickets[0].refresh_from_db()
    local = timezone.localtime(tickets[0].checked_in_at, timezone=__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert f"Already checked in at {local:%H:%M}" in html
    assert "Let in by box_office" in html


def test_a_refunded_ticket_is_red(client_as, event, refunded):
    response = scan(client_as("door"), event, refunded.barcode)
    html = response.content.decode()
    assert outcome(response) == "void"
    assert 'class="result bad"' in html and "Void ticket" in html and "Refunded Rita" in html


def test_a_ticket_for_another_event_is_red_and_names_that_event(client_as, account, event, tickets):
    other = event_make(account, title="Autumn Jazz Night")
    stranger = order_make(other, ticket_type_make(other), quantity=1).attendees.get()
    response = scan(client_as("door"), event, stranger.barcode)
    html = response.content.decode()
    assert outcome(response) == "wrong_event"
    assert "Not for this event" in html and "Autumn Jazz Night" in html


def test_an_unknown_code_is_red(client_as, event, tickets):
    response = scan(client_as("door"), event, "NOPE-123")
    assert outcome(response) == "unknown"
    assert "Unknown code" in response.content.decode()


def test_a_closed_event_is_red(client_as, event, tickets):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    response = scan(client_as("door"), event, tickets[0].barcode)
    assert outcome(response) == "closed"
    assert "Event not open" in response.content.decode()


def test_an_empty_enter_asks_nothing(client_as, event, api_calls):
    response = client_as("door").post(door_url(event), {"barcode": "  "}, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert api_calls == []


def test_one_scan_is_one_api_call(client_as, event, tickets, api_calls):
    door = client_as("door")
    door.get(door_url(event))  # the page fills the ticket type names
    api_calls.clear()
    for ticket in tickets[:3]:
        response = scan(door, event, ticket.barcode)
        assert outcome(response) == "admitted"
        assert "General" in response.content.decode()
    assert api_calls == [("POST", f"events/{event.id}/checkins")] * 3


def test_the_door_page_takes_two_calls(client_as, event, tickets, api_calls):
    client_as("door").get(door_url(event))
    assert sorted(api_calls) == [("GET", f"events/{event.id}"), ("GET", f"events/{event.id}/tickets")]


def test_plain_post_without_javascript_renders_the_whole_page(client_as, event, tickets):
    response = scan(client_as("door"), event, tickets[0].barcode, htmx=False)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and "Admitted" in html


@pytest.mark.parametrize("failure", [ConnectionFailed("timed out", code="TIMEOUT"), ServerError("boom", status=500)])
def test_no_answer_is_grey_and_never_admitted(client_as, event, tickets, monkeypatch, failure, settings):
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 1
    door = client_as("door")
    door.get(door_url(event))

    def dropped(method, path, **kwargs):
        raise failure

    monkeypatch.setattr(bs_client, "_request", dropped)
    response = scan(door, event, tickets[0].barcode)
    html = response.content.decode()
    assert outcome(response) == "unanswered"
    assert "No answer — scan again" in html
    assert "result ok" not in html and "Admitted" not in html
    tickets[0].refresh_from_db()
    assert not tickets[0].checked_in


def test_a_retry_with_the_same_key_after_a_lost_answer_admits_once(client_as, event, tickets, monkeypatch):
    """The first attempt reached BrightStar but its answer was lost: the rescan replays it."""
    door = client_as("door")
    door.get(door_url(event))
    real = bs_client._request

    def lost_answer(method, path, **kwargs):
        real(method, path, **kwargs)  # BrightStar admits...
        raise ConnectionFailed("read timed out", code="TIMEOUT")  # ...but we never hear it

    monkeypatch.setattr(bs_client, "_request", lost_answer)
    monkeypatch.setattr(bs_client, "_sleep", lambda s: None)
    first = scan(door, event, tickets[0].barcode, key="11111111-2222-3333-4444-555555555555")
    assert outcome(first) == "unanswered"
    monkeypatch.setattr(bs_client, "_request", real)
    again = scan(door, event, tickets[0].barcode, key="11111111-2222-3333-4444-555555555555")
    assert outcome(again) == "admitted"  # the stored answer, not "already checked in"
    assert Attendee.objects.filter(pk=tickets[0].pk, checked_in=True).count() == 1


def test_undo_takes_the_check_in_back_and_is_audited(client_as, event, tickets, staff_users):
    door = client_as("door")
    scan(door, event, tickets[0].barcode)
    response = door.post(
        f"/events/{event.id}/door/undo/", {"attendee_id": tickets[0].id}, headers={"HX-Request": "true"}
    )
    assert outcome(response) == "undone"
    assert "Check-in undone" in response.content.decode()
    tickets[0].refresh_from_db()
    assert not tickets[0].checked_in
    actions = list(AuditEntry.objects.filter(staff_username="door").values_list("action", "outcome"))
    assert ("attendee.check_in", "succeeded") in actions and ("attendee.check_in_undo", "succeeded") in actions
    # The ticket can be scanned again.
    assert outcome(scan(door, event, tickets[0].barcode)) == "admitted"


def test_undo_of_a_ticket_not_in_says_so(client_as, event, tickets):
    response = client_as("door").post(
        f"/events/{event.id}/door/undo/", {"attendee_id": tickets[0].id}, headers={"HX-Request": "true"}
    )
    assert "Was not checked in" in response.content.decode()


def test_search_finds_by_name_with_type_and_state_and_tap_checks_in(client_as, event, tickets, api_calls):
    door = client_as("door")
    scan(door, event, tickets[3].barcode)  # Grace is in
    response = door.get(f"/events/{event.id}/door/search/?q=grace", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Grace Hopper" in html and "VIP Balcony" in html and "in at" in html
    assert "Ada Lovelace" not in html
    html = door.get(f"/events/{event.id}/door/search/?q=ada@exa", headers={"HX-Request": "true"}).content.decode()
    assert html.count("Check in Ada Lovelace") == 3
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    tapped = door.post(
        door_url(event), {"attendee_id": tickets[0].id, "idempotency_key": key}, headers={"HX-Request": "true"}
    )
    assert outcome(tapped) == "admitted" and "door:refresh" in tapped["HX-Trigger"]
    # A double tap carries the same key: replayed, not "already checked in".
    again = door.post(
        door_url(event), {"attendee_id": tickets[0].id, "idempotency_key": key}, headers={"HX-Request": "true"}
    )
    assert outcome(again) == "admitted"
    assert Attendee.objects.filter(event=event, checked_in=True).count() == 2


def test_search_needs_two_letters_and_makes_no_call_before(client_as, event, tickets, api_calls):
    response = client_as("door").get(f"/events/{event.id}/door/search/?q=a", headers={"HX-Request": "true"})
    assert response.status_code == 200 and api_calls == []


def test_counters_are_one_fresh_call_and_move(client_as, event, tickets, api_calls):
    door = client_as("door")
    door.get(f"/events/{event.id}/door/counters/", headers={"HX-Request": "true"})  # warm any cache
    scan(door, event, tickets[0].barcode)
    scan(door, event, tickets[3].barcode)
    api_calls.clear()
    html = door.get(f"/events/{event.id}/door/counters/", headers={"HX-Request": "true"}).content.decode()
    assert api_calls == [("GET", f"events/{event.id}/tickets")]
    assert '<span data-counter="checked-in">2</span> / 4' in html
    assert "General" in html and "1 / 3" in html and "VIP Balcony" in html and "1 / 1" in html
    assert 'hx-trigger="every 5s"' in html and "<progress" in html


@pytest.mark.parametrize("role", ["door", "box_office", "organizer"])
def test_no_money_on_door_pages(client_as, event, tickets, role):
    door = client_as(role)
    pages = [
        door.get(door_url(event)),
        door.get(f"/events/{event.id}/attendees/"),
        door.get(f"/events/{event.id}/door/search/?q=ada", headers={"HX-Request": "true"}),
        scan(door, event, tickets[3].barcode),
    ]
    for response in pages:
        html = response.content.decode()
        assert "$" not in html and "25.00" not in html and "90.00" not in html


def test_attendees_list_filters_and_pages(client_as, event, general, vip, tickets):
    order_make(event, general, quantity=60, buyer_name="Zed Crowd", buyer_email="z@example.com")
    door = client_as("door")
    scan(door, event, tickets[3].barcode)
    html = door.get(f"/events/{event.id}/attendees/").content.decode()
    assert f"1{DASH}50 of 64" in html and 'aria-current="page">1<' in html and "page=2" in html
    html = door.get(f"/events/{event.id}/attendees/?page=2").content.decode()
    assert f"51{DASH}64 of 64" in html
    html = door.get(f"/events/{event.id}/attendees/?checked_in=yes", headers={"HX-Request": "true"}).content.decode()
    assert f"1{DASH}1 of 1" in html and "Grace Hopper" in html and "<html" not in html
    html = door.get(f"/events/{event.id}/attendees/?ticket_type={vip.id}").content.decode()
    assert f"1{DASH}1 of 1" in html
    html = door.get(f"/events/{event.id}/attendees/?checked_in=no&ticket_type={general.id}").content.decode()
    assert f"1{DASH}50 of 63" in html


def test_attendees_pager_keeps_the_filters(client_as, event, general, tickets, monkeypatch):
    monkeypatch.setattr("boxoffice.door.views.LIST_PAGE_SIZE", 2)
    order_make(event, general, quantity=20, buyer_name="Zed Crowd", buyer_email="z@example.com")
    door = client_as("door")
    url = f"/events/{event.id}/attendees/"
    filters = {"q": "Zed", "ticket_type": general.id, "checked_in": "no"}
    html = door.get(url, {**filters, "page": 5}, headers={"HX-Request": "true"}).content.decode()
    assert f"9{DASH}10 of 20" in html and "<html" not in html
    items = assert_pager(html, current=5, target="#attendee-table", swap="outerHTML", keeps=filters)
    assert [i["text"] for i in items] == ["Previous", "1", "…", "3", "4", "5", "6", "7", "…", "10", "Next"]
    # Without JavaScript the link is followed as it stands: the filters and the page arrive.
    html = door.get(url + items[-1]["href"]).content.decode()
    assert f"11{DASH}12 of 20" in html and "Grace Hopper" not in html
    assert pager_of(door.get(url, {"q": "Grace"}).content.decode()) == []  # one page: no pager


def test_door_page_weight_is_under_60_kb_gzipped(client_as, event, tickets):
    html = client_as("door").get(door_url(event)).content
    total = len(gzip.compress(html))
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    assert any(a.endswith(b"door.js") for a in assets) and any(a.endswith(b"door.css") for a in assets)
    for asset in assets:
        path = finders.find(asset.decode())
        assert path, asset
        with open(path, "rb") as f:
            total += len(gzip.compress(f.read()))
    assert total < 60 * 1024, total
    # The camera decoder is only named, never loaded, by the page.
    assert b'src="/static/vendor/' not in html and b"data-decoder=" in html


def test_csv_has_the_columns(client_as, event, tickets):
    scan(client_as("door"), event, tickets[3].barcode)
    response = client_as("box_office").get(f"/events/{event.id}/attendees/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
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
    grace = next(r for r in rows if r[0] == "Grace Hopper")
    assert grace[2:7] == [tickets[3].order_id, "VIP Balcony", tickets[3].barcode, "valid", "yes"] and grace[7]


# --- from a ticket to its order ---------------------------------------------------------


@pytest.mark.parametrize(("role", "linked"), [("box_office", True), ("organizer", True), ("door", False)])
def test_attendee_rows_link_to_their_order_for_the_desk_not_the_door(client_as, event, tickets, role, linked):
    client = client_as(role)
    order_url = f"/orders/{tickets[0].order_id}/"
    listed = client.get(f"/events/{event.id}/attendees/").content.decode()
    found = client.get(f"/events/{event.id}/door/search/", {"q": "Ada"}, headers={"HX-Request": "true"})
    for page in (listed, found.content.decode()):
        assert (f'href="{order_url}"' in page) is linked


def test_a_ticket_barcode_finds_its_order_at_the_desk(client_as, tickets):
    # The customer reads out the code printed on the ticket, in any case.
    desk = client_as("box_office")
    response = desk.get("/orders/lookup/", {"q": tickets[0].barcode.lower()})
    assert response.status_code == 200
    assert f'href="/orders/{tickets[0].order_id}/"' in response.content.decode()
