"""POST /events/{id}/scans: a refusal decided elsewhere (a door offline), logged and counted, never an admission."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from sandbox import errors
from sandbox.models import Attendee, Scan, TicketType
from tests.conftest import make_account
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make
from tests.sandbox.scan_times import WINDOW_EDGES, iso

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

DOOR = {"gate": "North", "device": "dashboard", "staff": "dora"}


@pytest.fixture
def door(account):
    event = event_make(account, title="Spring Gala")
    order = order_make(event, ticket_type_make(event), quantity=3)
    return event, list(order.attendees.order_by("id"))


def ago(**delta) -> datetime:
    return (timezone.now() - timedelta(**delta)).replace(microsecond=0)


def refuse(api, event_id, key=None, **body):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(f"/events/{event_id}/scans", json=body, headers=headers)


def scans(api, event_id, **params) -> list[dict]:
    response = api.get(f"/events/{event_id}/scans", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_refusal_is_logged_at_its_door_and_time_and_answered_with_the_scan(api, door):
    event, (ticket, *_) = door
    when = ago(minutes=40)
    response = refuse(api, event.pk, barcode=ticket.barcode, reason=errors.TICKET_VOID, scanned_at=iso(when), **DOOR)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"].startswith("scn_")
    assert body == {
        "id": body["id"],
        "event_id": event.pk,
        "attendee_id": ticket.pk,  # named, as a refused check-in names it
        "barcode": ticket.barcode,
        "result": "refused",
        "reason": errors.TICKET_VOID,
        **DOOR,
        "scanned_at": iso(when),
    }
    assert scans(api, event.pk) == [body]


def test_an_unknown_code_is_logged_as_scanned_and_by_attendee_id_too(api, door):
    event, (ticket, *_) = door
    when = ago(minutes=5)
    refuse(api, event.pk, barcode="NOPE-1", reason=errors.NOT_FOUND, scanned_at=iso(when), gate="North")
    refuse(api, event.pk, attendee_id="att_0", reason=errors.NOT_FOUND, scanned_at=iso(when), gate="North")
    refuse(api, event.pk, attendee_id=ticket.pk, reason=errors.ALREADY_CHECKED_IN, scanned_at=iso(when))
    assert sorted((s["attendee_id"] or "", s["barcode"] or "", s["reason"]) for s in scans(api, event.pk)) == [
        ("", "", errors.NOT_FOUND),
        ("", "NOPE-1", errors.NOT_FOUND),
        (ticket.pk, ticket.barcode, errors.ALREADY_CHECKED_IN),
    ]


def test_it_never_admits_and_changes_no_ticket(api, door):
    event, tickets = door
    before = list(Attendee.objects.order_by("id").values())
    for reason in (errors.TICKET_VOID, errors.ALREADY_CHECKED_IN, errors.NOT_FOUND, errors.EVENT_NOT_ACTIVE):
        response = refuse(api, event.pk, barcode=tickets[0].barcode, reason=reason, scanned_at=iso(ago(minutes=1)))
        assert response.status_code == 201, response.text
    assert list(Attendee.objects.order_by("id").values()) == before
    assert TicketType.objects.get().checked_in_count == 0
    assert api.get(f"/events/{event.pk}").json()["tickets_checked_in"] == 0
    # The ticket the door turned away is still admissible: nothing was decided here.
    assert api.post(f"/events/{event.pk}/checkins", json={"barcode": tickets[0].barcode}).status_code == 201
    assert [s["result"] for s in scans(api, event.pk, result="admitted")] == ["admitted"]


@pytest.mark.parametrize("reason", [None, "ADMITTED", "admitted", "NOT_CHECKED_IN", "TICKET_VOID ", "", 404])
def test_only_a_refusals_code_is_taken(api, door, reason):
    event, (ticket, *_) = door
    body = {"barcode": ticket.barcode, "scanned_at": iso(ago(minutes=1))}
    if reason is not None:
        body["reason"] = reason
    assert_api_error(api.post(f"/events/{event.pk}/scans", json=body), 400, errors.VALIDATION_ERROR, "reason")
    assert Scan.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": errors.NOT_FOUND}, "barcode"),  # neither
        ({"reason": errors.NOT_FOUND, "barcode": "A", "attendee_id": "att_1"}, "barcode"),  # both
        ({"reason": errors.NOT_FOUND, "barcode": "A", "result": "admitted"}, "result"),  # not a field
        ({"reason": errors.NOT_FOUND, "barcode": "A", "gate": "x" * 101}, "gate"),
        ({"reason": errors.NOT_FOUND, "barcode": "A", "scanned_at": None}, "scanned_at"),
    ],
)
def test_bad_input_logs_nothing(api, door, body, field):
    event, _ = door
    body = {"scanned_at": iso(ago(minutes=1)), **body}
    body = {k: v for k, v in body.items() if v is not None}
    assert_api_error(api.post(f"/events/{event.pk}/scans", json=body), 400, errors.VALIDATION_ERROR, field)
    assert Scan.objects.count() == 0


@WINDOW_EDGES
def test_the_scan_time_has_check_ins_window(api, door, offset, ok):
    event, (ticket, *_) = door
    response = refuse(
        api, event.pk, barcode=ticket.barcode, reason=errors.NOT_FOUND, scanned_at=iso(timezone.now() + offset)
    )
    if ok:
        assert response.status_code == 201, response.text
    else:
        error = assert_api_error(response, 400, errors.VALIDATION_ERROR, "scanned_at")
        assert {"earliest", "latest"} <= set(error)
        assert Scan.objects.count() == 0


@pytest.mark.parametrize("path", ["checkins", "scans"])
def test_a_ticket_named_twice_is_refused_before_its_scan_time_as_at_check_in(api, door, path):
    event, (ticket, *_) = door
    body = {"barcode": ticket.barcode, "attendee_id": ticket.pk, "scanned_at": iso(ago(days=30))}
    if path == "scans":
        body["reason"] = errors.NOT_FOUND
    assert_api_error(api.post(f"/events/{event.pk}/{path}", json=body), 400, errors.VALIDATION_ERROR, "barcode")
    assert Scan.objects.count() == 0


def test_an_unknown_or_foreign_event_is_404_and_logs_nothing(api, door):
    _, (ticket, *_) = door
    foreign = event_make(make_account("globex")[0], title="Not yours")
    for event_id in ("evt_0000000000000000", foreign.pk):
        response = refuse(
            api, event_id, barcode=ticket.barcode, reason=errors.NOT_FOUND, scanned_at=iso(ago(minutes=1))
        )
        assert_api_error(response, 404, errors.NOT_FOUND)
    assert Scan.objects.count() == 0


def test_a_replay_is_answered_again_and_logged_once(api, door):
    event, (ticket, *_) = door
    body = {"barcode": ticket.barcode, "reason": errors.TICKET_VOID, "scanned_at": iso(ago(minutes=3)), **DOOR}
    first = refuse(api, event.pk, key="offline-1", **body)
    second = refuse(api, event.pk, key="offline-1", **body)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert len(scans(api, event.pk)) == 1
    reused = refuse(api, event.pk, key="offline-1", **{**body, "reason": errors.NOT_FOUND})
    assert_api_error(reused, 400, errors.IDEMPOTENCY_KEY_REUSED)


def test_the_stats_count_it_like_a_refused_check_in(api, door):
    event, (ticket, other, _) = door
    now = ago(minutes=2)
    refuse(api, event.pk, barcode="NOPE", reason=errors.NOT_FOUND, scanned_at=iso(now), gate="North")
    refuse(api, event.pk, barcode=other.barcode, reason=errors.TICKET_VOID, scanned_at=iso(now), gate="North")
    api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "gate": "North"})
    stats = api.get(f"/events/{event.pk}/stats").json()
    [north] = stats["gates"]
    assert (north["gate"], north["admitted"], north["refused"]) == ("North", 1, 2)
    assert north["refusals"] == {errors.NOT_FOUND: 1, errors.TICKET_VOID: 1}
    assert stats["refusals"] == {errors.NOT_FOUND: 1, errors.TICKET_VOID: 1}
    assert sum(b["refused"] for b in stats["buckets"]) == 2
    assert stats["checked_in"] == 1
