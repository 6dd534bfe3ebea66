"""The services when BrightStar misbehaves: what the caller gets, what the audit says."""

import pytest
import requests
import responses

from boxoffice.audit.models import AuditEntry
from boxoffice.brightstar import errors
from boxoffice.brightstar.errors import ConnectionFailed, ServerError
from boxoffice.brightstar.resources import attendee_in
from boxoffice.door import services as door_services
from boxoffice.events import services as event_services
from boxoffice.orders import services as order_services
from tests.brightstar.conftest import ATTENDEE, FAKE_KEY, url

pytestmark = pytest.mark.django_db

Outcome = AuditEntry.Outcome

ORDER = {
    "id": "ord_1",
    "event_id": "evt_1",
    "status": "partially_refunded",
    "buyer_name": "Ada",
    "buyer_email": "ada@example.com",
    "currency": "EUR",
    "total": 5000,
    "amount_refunded": 1000,
    "created_at": "2026-04-01T10:00:00Z",
    "items": [],
    "attendees": [],
    "refunds": [],
}
REFUND = {
    "id": "ref_1",
    "order_id": "ord_1",
    "amount": 1000,
    "reason": "x",
    "created_at": "2026-05-01T10:00:00Z",
    "order": ORDER,
}
EVENT = {
    "id": "evt_1",
    "title": "Gala",
    "start_date": "2026-06-01T19:00:00Z",
    "status": "draft",
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z",
    "some_new_field": [1, 2],
}
TICKET_TYPE = {
    "id": "tkt_1",
    "event_id": "evt_1",
    "name": "General",
    "price": 2500,
    "quantity": 10,
    "quantity_sold": 0,
    "checked_in_count": 0,
}


def test_a_refund_that_times_out_is_retried_with_its_key_and_audited_once_per_call(mock, staff):
    mock.post(url("orders/ord_1/refund"), body=requests.ReadTimeout("slow"))
    mock.post(url("orders/ord_1/refund"), json=REFUND, status=201)
    refund = order_services.order_refund(
        order_id="ord_1", amount=1000, reason="x", idempotency_key="form-key", staff=staff
    ).value
    assert refund.order.currency == "EUR"
    assert [c.request.headers["Idempotency-Key"] for c in mock.calls] == ["form-key", "form-key"]
    entry = AuditEntry.objects.get()
    assert (entry.outcome, entry.amount, entry.currency, entry.object_id, entry.order_id, entry.event_id) == (
        Outcome.SUCCEEDED,
        1000,
        "EUR",
        "ref_1",
        "ord_1",
        "evt_1",
    )
    assert entry.detail["attempts"] == 2


def test_a_refund_with_no_answer_at_all_is_audited_as_unknown(mock, staff):
    mock.post(url("orders/ord_1/refund"), body=requests.ReadTimeout("slow"))
    with pytest.raises(ConnectionFailed):
        order_services.order_refund(order_id="ord_1", amount=1000, reason="x", idempotency_key="form-key", staff=staff)
    assert len(mock.calls) == 3
    entry = AuditEntry.objects.get()
    assert (entry.outcome, entry.error_code, entry.idempotency_key) == (Outcome.UNKNOWN, errors.TIMEOUT, "form-key")
    assert entry.detail["may_have_reached_server"] is True
    assert FAKE_KEY not in entry.message


def test_a_server_error_on_a_write_is_audited_as_unknown(mock, staff):
    mock.post(url("events/evt_1/checkins"), json={"error": {"code": "INTERNAL_ERROR", "message": "boom"}}, status=500)
    with pytest.raises(ServerError):
        door_services.attendee_check_in(event_id="evt_1", barcode="BC1", staff=staff)
    entry = AuditEntry.objects.get()
    assert (entry.outcome, entry.detail["barcode"], entry.detail["status"]) == (Outcome.UNKNOWN, "BC1", 500)


def test_a_replayed_rejection_is_audited_as_rejected_and_marked_replayed(mock, staff):
    body = {"error": {"code": errors.ALREADY_CHECKED_IN, "message": "Already in", "field": None, "attendee": ATTENDEE}}
    mock.post(url("events/evt_1/checkins"), json=body, status=409, headers={"Idempotent-Replayed": "true"})
    with pytest.raises(errors.Conflict) as info:
        door_services.attendee_check_in(event_id="evt_1", barcode="BC1", idempotency_key="scan", staff=staff)
    assert attendee_in(info.value).name == "Ada"
    entry = AuditEntry.objects.get()
    assert (entry.outcome, entry.error_code, entry.detail["replayed"]) == (
        Outcome.REJECTED,
        errors.ALREADY_CHECKED_IN,
        True,
    )


def test_a_refund_must_come_with_the_key_issued_by_its_form(mock, staff):
    with pytest.raises(ValueError):
        order_services.order_refund(order_id="ord_1", reason="x", idempotency_key="", staff=staff)
    with pytest.raises(TypeError):
        order_services.order_refund(order_id="ord_1", amount=10.5, reason="x", idempotency_key="k", staff=staff)
    assert len(mock.calls) == 0
    assert not AuditEntry.objects.exists()


MUTATIONS = {
    "event_create": (
        responses.POST,
        "events",
        201,
        EVENT,
        lambda s: event_services.event_create(title="Gala", start_date=_start(), staff=s),
    ),
    "event_update": (
        responses.PATCH,
        "events/evt_1",
        200,
        EVENT,
        lambda s: event_services.event_update(event_id="evt_1", title="Gala", staff=s),
    ),
    "event_delete": (
        responses.DELETE,
        "events/evt_1",
        204,
        None,
        lambda s: event_services.event_delete(event_id="evt_1", staff=s),
    ),
    "ticket_type_create": (
        responses.POST,
        "events/evt_1/tickets",
        201,
        TICKET_TYPE,
        lambda s: event_services.ticket_type_create(event_id="evt_1", name="G", price=1, quantity=1, staff=s),
    ),
    "ticket_type_update": (
        responses.PATCH,
        "tickets/tkt_1",
        200,
        TICKET_TYPE,
        lambda s: event_services.ticket_type_update(ticket_type_id="tkt_1", price=2, staff=s),
    ),
    "order_refund": (
        responses.POST,
        "orders/ord_1/refund",
        201,
        REFUND,
        lambda s: order_services.order_refund(
            order_id="ord_1", reason="x", idempotency_key="issued-with-form", staff=s
        ),
    ),
    "order_resend": (
        responses.POST,
        "orders/ord_1/resend",
        200,
        {"order_id": "ord_1", "email": "a@b.c", "sent_at": "2026-05-01T10:00:00Z"},
        lambda s: order_services.order_resend(order_id="ord_1", staff=s),
    ),
    "attendee_check_in": (
        responses.POST,
        "events/evt_1/checkins",
        201,
        ATTENDEE,
        lambda s: door_services.attendee_check_in(event_id="evt_1", barcode="BC1", staff=s),
    ),
    "attendee_check_in_undo": (
        responses.DELETE,
        "events/evt_1/checkins/att_1",
        200,
        ATTENDEE,
        lambda s: door_services.attendee_check_in_undo(event_id="evt_1", attendee_id="att_1", staff=s),
    ),
}


def _start():
    from datetime import UTC, datetime

    return datetime(2026, 6, 1, 19, tzinfo=UTC)


@pytest.mark.parametrize("name", MUTATIONS)
def test_every_mutation_sends_an_idempotency_key_and_writes_one_audit_row(mock, staff, name):
    method, path, status, body, call = MUTATIONS[name]
    mock.add(method, url(path), json=body, status=status)
    call(staff)
    key = mock.calls[0].request.headers["Idempotency-Key"]
    assert len(key) >= 16
    entry = AuditEntry.objects.get()
    assert (entry.outcome, entry.idempotency_key, entry.staff_username) == (Outcome.SUCCEEDED, key, "dora")


def test_generated_keys_differ_between_calls(mock, staff):
    mock.post(url("orders/ord_1/resend"), json={"order_id": "ord_1", "email": "a@b.c", "sent_at": None})
    order_services.order_resend(order_id="ord_1", staff=staff)
    order_services.order_resend(order_id="ord_1", staff=staff)
    keys = {c.request.headers["Idempotency-Key"] for c in mock.calls}
    assert len(keys) == 2


def test_resources_tolerate_unknown_fields_and_reject_float_money(mock):
    mock.get(url("events/evt_1"), json=EVENT)
    assert event_services.event_get(event_id="evt_1").title == "Gala"
    mock.get(url("events/evt_1/tickets"), json=[{**TICKET_TYPE, "price": 25.0}])
    with pytest.raises(ConnectionFailed) as info:
        event_services.ticket_type_list(event_id="evt_1")
    assert info.value.code == errors.BAD_RESPONSE


def test_ticket_types_are_cached_and_a_create_forgets_them(mock, staff):
    mock.get(url("events/evt_1/tickets"), json=[TICKET_TYPE], headers={"X-Total-Count": "1"})
    mock.post(url("events/evt_1/tickets"), json=TICKET_TYPE, status=201)
    event_services.ticket_type_list(event_id="evt_1")
    event_services.ticket_type_list(event_id="evt_1")
    event_services.ticket_type_create(event_id="evt_1", name="G", price=1, quantity=1, staff=staff)
    event_services.ticket_type_list(event_id="evt_1")
    assert [c.request.method for c in mock.calls] == ["GET", "POST", "GET"]


def test_attendee_iter_rides_out_a_long_rate_limit_that_the_door_would_not(mock, sleeps):
    mock.get(
        url("events/evt_1/attendees"),
        json={"error": {"code": "RATE_LIMITED", "message": "slow down"}},
        status=429,
        headers={"Retry-After": "20"},
    )
    mock.get(url("events/evt_1/attendees"), json=[ATTENDEE], headers={"X-Total-Count": "1"})
    assert [a.id for a in door_services.attendee_iter(event_id="evt_1")] == ["att_1"]
    assert sleeps == [20.0]
