"""The doors overview and the door's name, against the real sandbox: roles, one call per refresh, outages."""

import uuid
from zoneinfo import ZoneInfo

import pytest

from boxoffice.brightstar import client as bs_client
from boxoffice.brightstar.errors import ConnectionFailed
from boxoffice.door.overview import reasons
from boxoffice.web import feedback
from sandbox.models import Attendee, Scan
from tests.door.conftest import door_url, outcome
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

HTMX = {"HX-Request": "true"}


def overview_url(event) -> str:
    return f"/events/{event.id}/doors/"


def scan_at(client, event, barcode: str, gate: str = "", device: str = ""):
    data = {"barcode": barcode, "idempotency_key": str(uuid.uuid4()), "gate": gate, "device": device}
    return client.post(door_url(event), data, headers=HTMX)


def refresh(client, event, zone: str = "UTC"):
    return client.get(overview_url(event), {"zone": zone}, headers=HTMX)


def rows(html: str, attribute: str) -> dict[str, str]:
    """{row's data-* value: the row's HTML} for the overview's tables."""
    found = {}
    for chunk in html.split(f'{attribute}="')[1:]:
        name, _, rest = chunk.partition('"')
        found[name] = rest.split("</tr>")[0]
    return found


def figure(row: str, name: str) -> str:
    start = row.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    return row[start : row.index("<", start)]


def door_reasons(row: str) -> dict[str, str]:
    """{reason in staff words: count} of one door's row."""
    found = {}
    for chunk in row.split('data-door-reason="')[1:]:
        words, _, rest = chunk.partition('"')
        found[words] = figure(rest, "count")
    return found


@pytest.fixture
def scanned(client_as, event, tickets, refunded):
    """Two doors and a phone without a name: admitted, already in, void and unknown scans."""
    door = client_as("door")
    assert outcome(scan_at(door, event, tickets[0].barcode, "North entrance", "phone-a")) == "admitted"
    assert outcome(scan_at(door, event, tickets[1].barcode, "North entrance", "phone-a")) == "admitted"
    assert outcome(scan_at(door, event, tickets[0].barcode, "South gate", "phone-b")) == "duplicate"
    assert outcome(scan_at(door, event, refunded.barcode, "South gate", "phone-b")) == "void"
    assert outcome(scan_at(door, event, "NO-SUCH-CODE", "South gate", "phone-b")) == "unknown"
    assert outcome(scan_at(door, event, tickets[3].barcode)) == "admitted"
    return event


# --- the door's name, sent with each scan ------------------------------------------------------


def test_a_scan_carries_its_door_device_and_who_to_the_scan_log(client_as, event, tickets, staff_users):
    staff_users["door"].first_name, staff_users["door"].last_name = "Dora", "Keeper"
    staff_users["door"].save()
    response = scan_at(client_as("door"), event, tickets[0].barcode, "  North entrance\t", "a1b2c3d4e5f6a7b8")
    assert outcome(response) == "admitted"
    logged = Scan.objects.get(event=event)
    assert (logged.gate, logged.device, logged.staff) == ("North entrance", "a1b2c3d4e5f6a7b8", "Dora Keeper")


def test_a_refused_scan_is_logged_with_its_door_too(client_as, event, tickets):
    door = client_as("door")
    scan_at(door, event, tickets[0].barcode, "North entrance")
    assert outcome(scan_at(door, event, tickets[0].barcode, "South gate")) == "duplicate"
    refused = Scan.objects.get(event=event, result=Scan.Result.REFUSED)
    assert (refused.gate, refused.reason, refused.staff) == ("South gate", "ALREADY_CHECKED_IN", "door")


def test_a_scan_without_a_door_name_goes_without_one(client_as, event, tickets):
    assert outcome(scan_at(client_as("door"), event, tickets[0].barcode)) == "admitted"
    assert Scan.objects.get(event=event).gate is None


@pytest.mark.parametrize(
    ("field", "message"), [("gate", feedback.DOOR_NAME_TOO_LONG), ("device", feedback.DOOR_DEVICE_REFUSED)]
)
def test_a_too_long_door_name_or_device_is_a_clear_grey_panel_and_nothing_is_sent(
    client_as, event, tickets, api_calls, field, message
):
    door = client_as("door")
    door.get(door_url(event))
    api_calls.clear()
    response = scan_at(door, event, tickets[0].barcode, **{field: "x" * 101})
    html = response.content.decode()
    assert response.status_code == 200
    assert outcome(response) == "refused_setting"
    assert feedback.DOOR_SETTING_REFUSED in html and message.replace("'", "&#x27;") in html
    assert "result none" in html and "Admitted" not in html
    assert api_calls == []
    assert not Attendee.objects.get(pk=tickets[0].pk).checked_in


def test_a_door_name_of_100_characters_is_taken(client_as, event, tickets):
    assert outcome(scan_at(client_as("door"), event, tickets[0].barcode, "N" * 100)) == "admitted"
    assert Scan.objects.get(event=event).gate == "N" * 100


def test_the_door_page_asks_for_the_door_name_and_links_the_overview_only_for_supervisors(client_as, event, tickets):
    door_html = client_as("door").get(door_url(event)).content.decode()
    assert 'id="door-name-form"' in door_html and 'maxlength="100"' in door_html
    assert 'name="gate"' in door_html and 'name="device"' in door_html and "js/door-name" in door_html
    assert overview_url(event) not in door_html
    assert overview_url(event) in client_as("box_office").get(door_url(event)).content.decode()


# --- the overview: who may see it ---------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("box_office", 200), ("organizer", 200), ("admin", 200), ("door", 403)])
def test_the_overview_is_for_box_office_and_organizers_not_the_door(client_as, event, tickets, role, status):
    response = client_as(role).get(overview_url(event))
    assert response.status_code == status
    if status == 403:
        assert "Box office" in response.content.decode()


def test_a_refresh_is_refused_to_the_door_role_too(client_as, event, tickets, api_calls):
    assert refresh(client_as("door"), event).status_code == 403
    assert api_calls == []


def test_the_event_page_links_the_overview_for_supervisors_only(client_as, event, tickets):
    assert overview_url(event) in client_as("organizer").get(f"/events/{event.id}/").content.decode()
    assert overview_url(event) not in client_as("door").get(f"/events/{event.id}/").content.decode()


# --- the overview: what it shows -----------------------------------------------------------------


def test_each_door_has_its_counts_rate_and_last_scan_and_refusals_are_in_staff_words(client_as, scanned):
    html = client_as("organizer").get(overview_url(scanned)).content.decode()
    doors = rows(html, "data-door")
    assert list(doors) == ["North entrance", "South gate", feedback.DOORS_NO_NAME]
    assert (figure(doors["North entrance"], "admitted"), figure(doors["North entrance"], "refused")) == ("2", "0")
    assert (figure(doors["South gate"], "admitted"), figure(doors["South gate"], "refused")) == ("0", "3")
    assert figure(doors[feedback.DOORS_NO_NAME], "admitted") == "1"
    assert figure(doors["South gate"], "per-minute") == "0.6"  # 3 scans in the last 5 minutes
    assert "UTC" in figure(doors["North entrance"], "last-scan") + doors["North entrance"]
    reasons = rows(html, "data-reason")
    assert {words: figure(row, "count") for words, row in reasons.items()} == {
        "Already checked in": "1",
        "Void ticket": "1",
        "Unknown code": "1",
    }
    # Per door: all three refusals were at the south gate, none at the others.
    assert door_reasons(doors["South gate"]) == {"Already checked in": "1", "Void ticket": "1", "Unknown code": "1"}
    assert door_reasons(doors["North entrance"]) == {} and "No refusals" in doors["North entrance"]
    assert door_reasons(doors[feedback.DOORS_NO_NAME]) == {}
    assert "ALREADY_CHECKED_IN" not in html and "TICKET_VOID" not in html
    # Overall: 3 in of 5 valid tickets sold (the refunded one is void).
    assert 'data-figure="checked-in">3<' in html and 'data-figure="sold">4<' in html
    assert 'id="arrivals"' in html


def test_arrivals_are_a_chart_of_stacked_columns_with_its_table_in_the_events_zone(client_as, account):
    event = event_make(account, title="Tokyo Night")
    event.timezone = "Asia/Tokyo"
    event.save()
    order_make(event, ticket_type_make(event, name="General"), quantity=2)
    first, second = Attendee.objects.filter(event=event).order_by("pk")
    door = client_as("door")
    for barcode in (first.barcode, second.barcode, first.barcode, "NO-SUCH-CODE"):
        scan_at(door, event, barcode, "East")
    html = refresh(client_as("organizer"), event, zone="Asia/Tokyo").content.decode()
    chart = html[html.index('<figure class="chart" id="arrivals">') : html.index("</figure>")]
    svg = chart[chart.index('<svg class="chart-svg columns"') : chart.index("</svg>", chart.index("chart-svg columns"))]
    # All four scans fall in one or two 5-minute buckets: admitted solid (kind-0), refused hatched (kind-1).
    assert 'class="kind-0"' in svg and 'class="kind-1"' in svg and 'role="img"' in svg
    assert "2 admitted and 2 refused since" in svg
    table = chart[chart.index('<details class="chart-table" open>') :]  # open: a refresh would close it otherwise
    assert "Scans per 5 minutes (Asia/Tokyo)" in table
    cells = [row.split("</td>") for row in table.split("<tbody>")[1].split("</tr>")[:-1]]
    assert sum(int(c[0].rsplit(">", 1)[1]) for c in cells) == 2 and sum(int(c[1].rsplit(">", 1)[1]) for c in cells) == 2
    # The first bin starts at the first scan's 5-minute bucket, on Tokyo's clock.
    earliest = min(Scan.objects.filter(event=event).values_list("scanned_at", flat=True)).astimezone(
        ZoneInfo("Asia/Tokyo")
    )
    bucket = earliest.replace(minute=earliest.minute - earliest.minute % 5)
    assert f'<th scope="row">{bucket:%H:%M}</th>' in table


def test_last_scans_show_in_the_events_time_zone(client_as, account, tickets):
    event = event_make(account, title="Tokyo Night")
    event.timezone = "Asia/Tokyo"
    event.save()
    order_make(event, ticket_type_make(event, name="General"), quantity=1)
    ticket = Attendee.objects.get(event=event)
    scan_at(client_as("door"), event, ticket.barcode, "East")
    html = client_as("organizer").get(overview_url(event)).content.decode()
    assert "JST" in rows(html, "data-door")["East"]
    assert "zone=Asia/Tokyo" in html  # each refresh keeps the zone without asking for the event again


def test_an_event_without_scans_says_so(client_as, event, tickets):
    html = client_as("organizer").get(overview_url(event)).content.decode()
    assert "No scans yet." in html and "No refusals yet." in html and "No scans in the last 6 hours." in html


# --- the overview: one call per refresh, outages ----------------------------------------------------


def test_a_refresh_is_one_api_call_however_many_doors(client_as, scanned, api_calls):
    organizer = client_as("organizer")
    api_calls.clear()
    response = refresh(organizer, scanned)
    html = response.content.decode()
    assert api_calls == [("GET", f"events/{scanned.id}/stats")]
    assert html.lstrip().startswith('<div id="partial"') and "<html" not in html
    assert len(rows(html, "data-door")) == 3
    assert 'class="chart-svg columns"' in html and 'class="chart-table"' in html  # the chart came with the same call
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_a_refresh_with_a_made_up_zone_falls_back_to_the_dashboards(client_as, scanned, settings):
    html = refresh(client_as("organizer"), scanned, zone="../../etc/passwd").content.decode()
    assert 'data-zone="UTC"' in html and settings.TIME_ZONE == "UTC"


def test_brightstar_down_on_a_refresh_keeps_the_figures_and_says_so(client_as, scanned, monkeypatch, settings):
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 1
    organizer = client_as("organizer")

    def down(method, path, **kwargs):
        raise ConnectionFailed("connection refused", code="CONNECTION_FAILED")

    monkeypatch.setattr(bs_client, "_request", down)
    response = refresh(organizer, scanned)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"  # the figures on screen stay as they are
    assert "HX-Request" in response["Vary"]
    assert 'hx-swap-oob="innerHTML"' in html and 'id="overview-status"' in html
    assert feedback.UNREACHABLE in html and feedback.DOORS_KEPT.replace("'", "&#x27;") in html
    assert "data-door=" not in html


def test_brightstar_down_on_the_page_says_so_in_the_usual_words(client_as, scanned, monkeypatch, settings):
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 1
    organizer = client_as("organizer")
    organizer.get(overview_url(scanned))  # the event is now cached; the stats are never cached
    real = bs_client._request

    def stats_down(method, path, **kwargs):
        if path.endswith("/stats"):
            raise ConnectionFailed("connection refused", code="CONNECTION_FAILED")
        return real(method, path, **kwargs)

    monkeypatch.setattr(bs_client, "_request", stats_down)
    response = organizer.get(overview_url(scanned))
    html = response.content.decode()
    assert response.status_code == 200 and feedback.UNREACHABLE in html and "data-door=" not in html

    monkeypatch.setattr(bs_client, "_request", lambda method, path, **kwargs: stats_down(method, "/stats"))
    from django.core.cache import cache

    cache.clear()
    response = organizer.get(overview_url(scanned))
    assert response.status_code == 503 and feedback.UNREACHABLE in response.content.decode()


# --- refusals in staff words --------------------------------------------------------------------


def test_reasons_are_staff_words_most_frequent_first_and_codes_reading_alike_are_one():
    got = reasons({"NOT_FOUND": 1, "TICKET_VOID": 2, "SOME_NEW_CODE": 2, "ANOTHER_NEW_CODE": 1, "WRONG_EVENT": 2})
    words = [r.words for r in got]
    other = str(feedback.refusal_words("SOME_NEW_CODE"))
    assert "TICKET_VOID" not in words and other not in ("SOME_NEW_CODE", "")
    assert dict((r.words, r.count) for r in got)[other] == 3  # two codes no panel knows: one reason
    counts = [r.count for r in got]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 8
    tied = [r.words for r in got if r.count == 2]
    assert tied == sorted(tied) and len(tied) == 2  # ties by words: a refresh never reorders them
