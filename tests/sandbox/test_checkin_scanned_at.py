"""POST /events/{id}/checkins with `scanned_at`: scans made offline, sent when the venue is back online."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from sandbox import errors
from sandbox.models import Attendee
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make
from tests.sandbox.scan_times import WINDOW_EDGES, iso

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def door(account):
    event = event_make(account, title="Spring Gala")
    order = order_make(event, ticket_type_make(event), quantity=2)
    return event, list(order.attendees.order_by("id"))


def wire(when: datetime) -> str:
    """A time as the API writes it (UTC, to the millisecond)."""
    return DjangoJSONEncoder().default(when.astimezone(UTC))


def test_the_scan_time_becomes_checked_in_at(api, door):
    event, (ticket, _) = door
    scanned = timezone.now() - timedelta(hours=2)
    response = api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "scanned_at": iso(scanned)})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["checked_in"] is True and body["checked_in_at"] == wire(scanned)
    ticket.refresh_from_db()
    assert ticket.checked_in_at == scanned
    # The row changed now, not two hours ago: a replica that read past the scan time still gets it.
    assert ticket.updated_at > timezone.now() - timedelta(minutes=1)


def test_without_scanned_at_it_is_now(api, door):
    event, (ticket, _) = door
    before = timezone.now()
    api.post(f"/events/{event.pk}/checkins", json={"attendee_id": ticket.pk})
    ticket.refresh_from_db()
    assert before <= ticket.checked_in_at == ticket.updated_at <= timezone.now()


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("2030-01-01T12:00:00+02:00", datetime(2030, 1, 1, 10, 0, tzinfo=UTC)),
        ("2030-01-01T12:00:00", datetime(2030, 1, 1, 12, 0, tzinfo=UTC)),  # no offset: UTC, like every time
    ],
)
def test_a_scan_time_is_read_like_every_time(api, door, monkeypatch, sent, expected):
    event, (ticket, _) = door
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 1, 1, 13, 0, tzinfo=UTC))
    response = api.post(f"/events/{event.pk}/checkins", json={"attendee_id": ticket.pk, "scanned_at": sent})
    assert response.status_code == 201, response.text
    assert response.json()["checked_in_at"] == wire(expected)


@WINDOW_EDGES
def test_a_scan_time_is_at_most_5_minutes_ahead_and_7_days_old(api, door, offset, ok):
    event, (ticket, _) = door
    response = api.post(
        f"/events/{event.pk}/checkins", json={"attendee_id": ticket.pk, "scanned_at": iso(timezone.now() + offset)}
    )
    if ok:
        assert response.status_code == 201, response.text
        return
    error = assert_api_error(response, 400, errors.VALIDATION_ERROR, "scanned_at")
    earliest, latest = (datetime.fromisoformat(error[name]) for name in ("earliest", "latest"))
    assert latest - earliest == timedelta(days=7, minutes=5)
    assert abs(latest - (timezone.now() + timedelta(minutes=5))) < timedelta(minutes=1)
    assert not Attendee.objects.get(pk=ticket.pk).checked_in


@pytest.mark.parametrize("scanned_at", ["yesterday", "", 0, None, True, "2030-02-30T10:00:00Z", "10:00"])
def test_a_scan_time_that_is_no_time_is_400(api, door, scanned_at):
    event, (ticket, _) = door
    response = api.post(f"/events/{event.pk}/checkins", json={"attendee_id": ticket.pk, "scanned_at": scanned_at})
    assert_api_error(response, 400, errors.VALIDATION_ERROR, "scanned_at")


def test_a_bad_scan_time_is_400_before_an_unknown_ticket_is_404(api, door):
    event, _ = door
    old = iso(timezone.now() - timedelta(days=30))
    response = api.post(f"/events/{event.pk}/checkins", json={"barcode": "NOPE", "scanned_at": old})
    assert_api_error(response, 400, errors.VALIDATION_ERROR, "scanned_at")


def test_an_offline_scan_replayed_with_its_key_is_a_replay(api, door):
    event, (ticket, _) = door
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    body = {"barcode": ticket.barcode, "scanned_at": iso(timezone.now() - timedelta(minutes=30))}
    first = api.post(f"/events/{event.pk}/checkins", json=body, headers=headers)
    again = api.post(f"/events/{event.pk}/checkins", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    other_time = {**body, "scanned_at": iso(timezone.now() - timedelta(minutes=29))}
    assert_api_error(
        api.post(f"/events/{event.pk}/checkins", json=other_time, headers=headers), 400, errors.IDEMPOTENCY_KEY_REUSED
    )


def test_an_offline_scan_of_a_ticket_already_in_is_refused_with_the_first_scan(api, door):
    event, (ticket, _) = door
    first = api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode}).json()
    earlier = iso(timezone.now() - timedelta(minutes=10))
    error = assert_api_error(
        api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode, "scanned_at": earlier}),
        409,
        errors.ALREADY_CHECKED_IN,
    )
    assert error["attendee"]["checked_in_at"] == first["checked_in_at"]


def test_an_offline_scan_reaches_a_replica_that_read_past_its_scan_time(api, door):
    event, (ticket, _) = door
    scanned = iso(timezone.now() - timedelta(minutes=10))
    cursor = api.get(f"/events/{event.pk}/attendees", params={"changes_after": ""}).headers["X-Next-Cursor"]
    api.post(f"/events/{event.pk}/checkins", json={"attendee_id": ticket.pk, "scanned_at": scanned})
    rows = api.get(f"/events/{event.pk}/attendees", params={"changes_after": cursor}).json()
    assert [(row["id"], row["checked_in"]) for row in rows] == [(ticket.pk, True)]
