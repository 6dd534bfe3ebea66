"""The scan log: every check-in attempt at an event, admitted or refused, and its listing."""

import contextlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sandbox import errors
from sandbox.dbrouter import SANDBOX_DB
from sandbox.models import Event, Scan
from sandbox.services import checkins
from tests.conftest import ApiSession, make_account
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

DOOR = {"gate": "North door", "device": "scanner-7", "staff": "dora"}


@pytest.fixture
def door(account):
    event = event_make(account, title="Spring Gala")
    ticket_type = ticket_type_make(event)
    order = order_make(event, ticket_type, quantity=3)
    return event, list(order.attendees.order_by("id"))


def scan(api, event_id, **body):
    return api.post(f"/events/{event_id}/checkins", json=body)


def scans(api, event_id, **params) -> list[dict]:
    response = api.get(f"/events/{event_id}/scans", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_an_admission_is_logged_with_its_door(api, door):
    event, (ticket, *_) = door
    admitted = scan(api, event.pk, barcode=ticket.barcode, **DOOR).json()
    [logged] = scans(api, event.pk)
    assert logged["id"].startswith("scn_")
    assert logged == {
        "id": logged["id"],
        "event_id": event.pk,
        "attendee_id": ticket.pk,
        "barcode": ticket.barcode,
        "result": "admitted",
        "reason": None,
        **DOOR,
        "scanned_at": admitted["checked_in_at"],
    }


def test_the_door_fields_are_optional_and_null_when_left_out(api, door):
    event, (_, ticket, _) = door
    assert scan(api, event.pk, attendee_id=ticket.pk).status_code == 201
    [logged] = scans(api, event.pk)
    assert (logged["gate"], logged["device"], logged["staff"]) == (None, None, None)
    assert (logged["attendee_id"], logged["barcode"]) == (ticket.pk, ticket.barcode)


def test_every_refusal_is_logged_with_its_reason(api, account, door):
    event, (ticket, void, _) = door
    other = event_make(account, title="Autumn Fair")
    stray = order_make(other, ticket_type_make(other)).attendees.first()
    scan(api, event.pk, barcode=ticket.barcode)
    assert_api_error(scan(api, event.pk, barcode=ticket.barcode, **DOOR), 409, errors.ALREADY_CHECKED_IN)
    assert_api_error(scan(api, event.pk, barcode="NOPE", **DOOR), 404, errors.NOT_FOUND)
    assert_api_error(scan(api, event.pk, attendee_id="att_0", **DOOR), 404, errors.NOT_FOUND)
    assert_api_error(scan(api, event.pk, barcode=stray.barcode, **DOOR), 404, errors.WRONG_EVENT)
    api.post(f"/orders/{void.order_id}/refund", json={"reason": "Refunded at the desk"})
    assert_api_error(scan(api, event.pk, barcode=void.barcode, **DOOR), 409, errors.TICKET_VOID)

    logged = scans(api, event.pk)
    assert [(s["result"], s["reason"], s["attendee_id"], s["barcode"]) for s in reversed(logged)] == [
        ("admitted", None, ticket.pk, ticket.barcode),
        ("refused", errors.ALREADY_CHECKED_IN, ticket.pk, ticket.barcode),
        ("refused", errors.NOT_FOUND, None, "NOPE"),
        ("refused", errors.NOT_FOUND, None, None),
        ("refused", errors.WRONG_EVENT, stray.pk, stray.barcode),
        ("refused", errors.TICKET_VOID, void.pk, void.barcode),
    ]
    assert all(s["gate"] == DOOR["gate"] for s in logged[:-1])
    assert scans(api, other.pk) == [], "a stray ticket is logged at the door it was shown at"


def test_a_closed_event_logs_the_refusal(api, door):
    event, (ticket, *_) = door
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    assert_api_error(scan(api, event.pk, barcode=ticket.barcode), 409, errors.EVENT_NOT_ACTIVE)
    [logged] = scans(api, event.pk)
    assert (logged["result"], logged["reason"], logged["attendee_id"]) == (
        "refused",
        errors.EVENT_NOT_ACTIVE,
        ticket.pk,
    )


def test_bad_input_and_unknown_events_log_nothing(api, door):
    event, (ticket, *_) = door
    assert_api_error(scan(api, event.pk, barcode=ticket.barcode, gate="x" * 101), 400, errors.VALIDATION_ERROR, "gate")
    assert_api_error(
        scan(api, event.pk, barcode=ticket.barcode, staff="x" * 151), 400, errors.VALIDATION_ERROR, "staff"
    )
    long_ago = (timezone.now() - timedelta(days=8)).isoformat()
    assert_api_error(scan(api, event.pk, barcode=ticket.barcode, scanned_at=long_ago), 400, errors.VALIDATION_ERROR)
    assert_api_error(scan(api, "evt_0000000000000000", barcode=ticket.barcode), 404, errors.NOT_FOUND)
    assert Scan.objects.count() == 0


def test_an_offline_scan_is_logged_at_its_scan_time(api, door):
    event, (ticket, *_) = door
    when = (timezone.now() - timedelta(hours=2)).replace(microsecond=0)
    scan(api, event.pk, barcode=ticket.barcode, scanned_at=when.isoformat())
    scan(api, event.pk, barcode=ticket.barcode, scanned_at=when.isoformat(), gate="South")
    assert {s["scanned_at"] for s in scans(api, event.pk)} == {when.isoformat().replace("+00:00", "Z")}


def test_a_replay_is_not_logged_again(api, door):
    event, (ticket, *_) = door
    for _ in range(2):
        response = api.post(
            f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode}, headers={"Idempotency-Key": "k-1"}
        )
    assert response.headers["Idempotent-Replayed"] == "true"
    for _ in range(2):
        response = api.post(
            f"/events/{event.pk}/checkins", json={"barcode": "NOPE"}, headers={"Idempotency-Key": "k-2"}
        )
    assert response.headers["Idempotent-Replayed"] == "true"
    assert [s["result"] for s in scans(api, event.pk)] == ["refused", "admitted"]


def test_eight_doors_at_once_log_one_admission_and_seven_refusals(sandbox_url, account_and_key, door):
    event, (ticket, *_) = door
    sessions = [ApiSession(sandbox_url, account_and_key[1]) for _ in range(8)]

    def at_gate(numbered):
        number, session = numbered
        body = {"barcode": ticket.barcode, "gate": f"gate {number}"}
        return session.post(f"/events/{event.pk}/checkins", json=body).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(at_gate, enumerate(sessions))) == [201] + [409] * 7
    results = sorted(Scan.objects.values_list("result", "reason"), key=str)
    assert results == [("admitted", None)] + [("refused", errors.ALREADY_CHECKED_IN)] * 7
    assert Scan.objects.values("gate").distinct().count() == 8


def test_logging_costs_the_check_in_one_insert_and_no_read(account, door):
    event, (ticket, *_) = door
    connection = connections[SANDBOX_DB]

    def queries(**kwargs) -> list[str]:
        with CaptureQueriesContext(connection) as captured, contextlib.suppress(checkins.Refused):
            checkins.attendee_check_in(account=account, livemode=False, event_id=event.pk, **kwargs)
        return [q["sql"] for q in captured.captured_queries if "sandbox_scan" in q["sql"]]

    [insert] = queries(barcode=ticket.barcode, gate="North")
    assert insert.startswith("INSERT")
    [insert] = queries(barcode=ticket.barcode, gate="North")  # refused: ALREADY_CHECKED_IN
    assert insert.startswith("INSERT")
    [insert] = queries(barcode="NOPE")
    assert insert.startswith("INSERT")


def test_the_log_of_a_refused_scan_survives_its_rollback(account, door, monkeypatch):
    """The refusal is raised inside the check-in's transaction; its log row is written after the rollback."""
    event, (ticket, *_) = door
    checkins.attendee_check_in(account=account, livemode=False, event_id=event.pk, barcode=ticket.barcode)
    with pytest.raises(checkins.Refused):
        checkins.attendee_check_in(account=account, livemode=False, event_id=event.pk, barcode=ticket.barcode)
    assert list(Scan.objects.order_by("scanned_at").values_list("result", flat=True)) == ["admitted", "refused"]


# --- the listing ------------------------------------------------------------------


@pytest.fixture
def night(api, door):
    """Admissions and refusals at two gates."""
    event, tickets = door
    for ticket in tickets:
        scan(api, event.pk, barcode=ticket.barcode, gate="North")
    scan(api, event.pk, barcode=tickets[0].barcode, gate="South")
    scan(api, event.pk, barcode="NOPE", gate="South")
    return event


def test_the_log_is_newest_first_and_paged(api, night):
    every = scans(api, night.pk, limit=100)
    assert len(every) == 5
    assert [s["scanned_at"] for s in every] == sorted((s["scanned_at"] for s in every), reverse=True)
    response = api.get(f"/events/{night.pk}/scans", params={"limit": 2, "offset": 2})
    assert [s["id"] for s in response.json()] == [s["id"] for s in every[2:4]]
    assert (response.headers["X-Total-Count"], response.headers["X-Page"], response.headers["X-Per-Page"]) == (
        "5",
        "2",
        "2",
    )


def test_the_log_filters(api, night):
    def ids(**params) -> set[str]:
        return {s["id"] for s in scans(api, night.pk, limit=100, **params)}

    every = scans(api, night.pk, limit=100)
    assert ids(result="admitted") == {s["id"] for s in every if s["result"] == "admitted"}
    assert len(ids(result="admitted")) == 3
    assert len(ids(result="refused")) == 2
    assert len(ids(reason=errors.NOT_FOUND)) == 1
    assert ids(reason=errors.ALREADY_CHECKED_IN) | ids(reason=errors.NOT_FOUND) == ids(result="refused")
    assert ids(reason=errors.TICKET_VOID) == set()
    assert ids(result="admitted", reason=errors.NOT_FOUND) == set()
    assert len(ids(gate="South")) == 2 and len(ids(gate="North")) == 3
    assert ids(since=every[1]["scanned_at"]) == {s["id"] for s in every[:2]}
    assert ids(since=(timezone.now() + timedelta(minutes=1)).isoformat()) == set()


@pytest.mark.parametrize(
    ("name", "value"),
    [("result", "maybe"), ("reason", "TEAPOT"), ("since", "yesterday"), ("gate", "x" * 101), ("limit", "0")],
)
def test_bad_filters_are_400_naming_them(api, night, name, value):
    assert_api_error(api.get(f"/events/{night.pk}/scans", params={name: value}), 400, errors.VALIDATION_ERROR, name)


def test_another_accounts_log_is_404(api, night):
    theirs, their_key = make_account("globex")
    assert_api_error(api.get(f"/events/{event_make(theirs).pk}/scans"), 404, errors.NOT_FOUND)
    with ApiSession(api.base_url, their_key) as them:
        assert_api_error(them.get(f"/events/{night.pk}/scans"), 404, errors.NOT_FOUND)
