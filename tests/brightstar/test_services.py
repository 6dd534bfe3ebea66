"""Every endpoint of the contract, through the services, against the real sandbox.

The sandbox is served by the live server and reached over HTTP, exactly as
BrightStar would be. Data the API cannot create (orders) comes from the
sandbox's own services via tests/factories.py.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.selectors import audit_attempts_by_key, audit_list
from boxoffice.brightstar import client, errors
from boxoffice.brightstar import orders as orders_api
from boxoffice.brightstar.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationError,
)
from boxoffice.brightstar.resources import Attendee, Event, Order, Page, Refund, TicketType, attendee_in
from boxoffice.door import services as door_services
from boxoffice.events import services as event_services
from boxoffice.orders import services as order_services
from sandbox.models import Attendee as SandboxAttendee
from sandbox.models import Event as SandboxEvent
from sandbox.models import Refund as SandboxRefund
from tests.conftest import make_account
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

Outcome = AuditEntry.Outcome


@pytest.fixture
def brightstar(settings, sandbox_url, account_and_key):
    """Point the dashboard's client at the live sandbox, as account 'acme'."""
    settings.BRIGHTSTAR_API_URL = sandbox_url
    settings.BRIGHTSTAR_API_KEY = account_and_key[1]
    return account_and_key[0]


@pytest.fixture
def http_calls(monkeypatch) -> list[tuple[str, str]]:
    """(method, path) of every HTTP exchange the client makes."""
    calls = []
    real = client._request

    def counting(method, path, **kwargs):
        calls.append((method, path))
        return real(method, path, **kwargs)

    monkeypatch.setattr(client, "_request", counting)
    return calls


@pytest.fixture
def event(brightstar):
    return event_make(brightstar, title="Spring Gala")


@pytest.fixture
def general(event):
    return ticket_type_make(event, name="General", price=2500, quantity=300)


@pytest.fixture
def order(event, general):
    return order_make(event, general, quantity=4, buyer_name="Grace Hopper", buyer_email="grace@example.com")


START = datetime(2030, 6, 1, 19, 0, tzinfo=UTC)


# --- events -------------------------------------------------------------------


def test_event_lifecycle_create_get_update_list_delete(brightstar, staff):
    created = event_services.event_create(title="Jazz Night", start_date=START, venue="Cellar", staff=staff)
    assert isinstance(created, Event)
    assert (created.title, created.status, created.currency) == ("Jazz Night", "draft", "USD")
    assert created.start_date == START
    assert created.start_date.tzinfo is not None

    assert event_services.event_get(event_id=created.id) == created
    updated = event_services.event_update(
        event_id=created.id, title="Jazz Night II", end_date=START + timedelta(hours=3), staff=staff
    )
    assert updated.title == "Jazz Night II"
    assert updated.end_date == START + timedelta(hours=3)
    assert event_services.event_get(event_id=created.id).title == "Jazz Night II"  # the update forgot the cached copy

    page = event_services.event_list(status="draft")
    assert isinstance(page, Page)
    assert [e.id for e in page.items] == [created.id]
    assert (page.total, page.limit, page.offset) == (1, 20, 0)

    event_services.event_delete(event_id=created.id, staff=staff)
    with pytest.raises(NotFound):
        event_services.event_get(event_id=created.id)
    actions = list(audit_list(object_id=created.id).order_by("id").values_list("action", "outcome"))
    assert actions == [("event.create", "succeeded"), ("event.update", "succeeded"), ("event.delete", "succeeded")]


def test_event_list_pages_and_sorts(brightstar):
    for title in ("Charlie", "Alpha", "Bravo"):
        event_make(brightstar, title=title)
    first = event_services.event_list(sort="title", limit=2)
    second = event_services.event_list(sort="title", limit=2, offset=2)
    assert [e.title for e in first] == ["Alpha", "Bravo"]
    assert [e.title for e in second] == ["Charlie"]
    assert (first.total, first.has_next, second.page, second.has_next) == (3, True, 2, False)
    assert [e.title for e in event_services.event_list(sort="-title", limit=1)] == ["Charlie"]


def test_event_create_reports_the_culprit_field(brightstar, staff):
    with pytest.raises(ValidationError) as info:
        event_services.event_create(
            title="Backwards", start_date=START, end_date=START - timedelta(days=1), staff=staff
        )
    assert (info.value.code, info.value.field) == (errors.VALIDATION_ERROR, "end_date")
    entry = audit_list(action="event.create").get()
    assert (entry.outcome, entry.error_code, entry.object_id) == (Outcome.REJECTED, errors.VALIDATION_ERROR, "")


def test_a_published_event_cannot_be_deleted(brightstar, event, staff):
    with pytest.raises(Conflict) as info:
        event_services.event_delete(event_id=event.pk, staff=staff)
    assert info.value.code == errors.EVENT_NOT_DRAFT
    assert SandboxEvent.objects.filter(pk=event.pk).exists()
    assert audit_list(object_id=event.pk).get().outcome == Outcome.REJECTED


def test_event_get_is_cached_briefly_and_mutations_forget_it(brightstar, event, general, staff, http_calls):
    event_services.event_get(event_id=event.pk)
    event_services.event_get(event_id=event.pk)
    assert http_calls.count(("GET", f"events/{event.pk}")) == 1
    event_services.ticket_type_create(event_id=event.pk, name="VIP", price=9000, quantity=20, staff=staff)
    assert event_services.event_get(event_id=event.pk).capacity == 320  # new capacity, not the cached 300
    assert http_calls.count(("GET", f"events/{event.pk}")) == 2


def test_the_cache_is_per_api_key_so_accounts_never_see_each_others_events(brightstar, event, settings):
    event_services.event_get(event_id=event.pk)
    _, other_key = make_account("globex")
    settings.BRIGHTSTAR_API_KEY = other_key
    with pytest.raises(NotFound):
        event_services.event_get(event_id=event.pk)


# --- ticket types ---------------------------------------------------------------


def test_ticket_types_create_list_update(brightstar, event, staff):
    vip = event_services.ticket_type_create(event_id=event.pk, name="VIP", price=12000, quantity=50, staff=staff)
    assert isinstance(vip, TicketType)
    assert (vip.event_id, vip.price, vip.quantity, vip.quantity_sold) == (event.pk, 12000, 50, 0)
    assert [t.id for t in event_services.ticket_type_list(event_id=event.pk)] == [vip.id]

    changed = event_services.ticket_type_update(ticket_type_id=vip.id, price=11000, staff=staff)
    assert (changed.name, changed.price, changed.quantity) == ("VIP", 11000, 50)
    assert event_services.ticket_type_list(event_id=event.pk)[0].price == 11000  # cache forgotten
    entry = audit_list(action="ticket_type.update").get()
    assert (entry.object_id, entry.event_id, entry.amount) == (vip.id, event.pk, 11000)


def test_ticket_type_quantity_cannot_drop_below_sold(brightstar, general, order, staff):
    with pytest.raises(ValidationError) as info:
        event_services.ticket_type_update(ticket_type_id=general.pk, quantity=3, staff=staff)
    assert info.value.field == "quantity"


def test_money_must_be_integer_cents_before_anything_is_sent(brightstar, event, staff, http_calls):
    with pytest.raises(TypeError):
        event_services.ticket_type_create(event_id=event.pk, name="Float", price=25.0, quantity=1, staff=staff)
    assert http_calls == []
    assert not AuditEntry.objects.exists()


# --- orders ---------------------------------------------------------------------


def test_order_list_for_an_event_and_across_the_account_with_filters(brightstar, event, general):
    other = event_make(brightstar, title="Other")
    old = order_make(event, general, buyer_name="Old Timer", created_at=datetime(2025, 1, 10, tzinfo=UTC))
    new = order_make(event, general, buyer_name="New Comer")
    elsewhere = order_make(other, ticket_type_make(other), buyer_name="Elsewhere Person")

    by_event = order_services.order_list(event_id=event.pk)
    assert [o.id for o in by_event] == [new.pk, old.pk]  # newest first
    assert all(isinstance(o, Order) and o.attendees is None for o in by_event)
    assert by_event.items[0].items[0].unit_price == 2500

    assert {o.id for o in order_services.order_list()} == {old.pk, new.pk, elsewhere.pk}
    assert [o.id for o in order_services.order_list(q="elsewhere")] == [elsewhere.pk]
    assert [o.id for o in order_services.order_list(event_id=event.pk, date_to=date(2025, 1, 10))] == [old.pk]
    assert [o.id for o in order_services.order_list(date_from=date(2025, 1, 11), event_id=event.pk)] == [new.pk]
    assert order_services.order_list(status="refunded").total == 0
    page = order_services.order_list(limit=1, offset=1)
    assert (len(page), page.total, page.page) == (1, 3, 2)


def test_order_get_embeds_attendees_and_refunds(brightstar, order):
    got = orders_api.order_get(order_id=order.pk)
    assert (got.total, got.currency, got.refundable, got.refunds) == (10000, "USD", 10000, ())
    assert len(got.attendees) == 4
    assert all(isinstance(a, Attendee) and a.status == "valid" for a in got.attendees)


def test_order_lookup_by_id_by_name_and_by_partial_id(brightstar, order, http_calls):
    assert [o.id for o in order_services.order_lookup(query=f"  {order.pk} ")] == [order.pk]
    assert http_calls == [("GET", f"orders/{order.pk}")]
    assert [o.id for o in order_services.order_lookup(query="grace")] == [order.pk]
    assert [o.id for o in order_services.order_lookup(query="grace@EXAMPLE")] == [order.pk]
    # An id typed in capitals: the direct lookup misses, the search finds it.
    assert [o.id for o in order_services.order_lookup(query=order.pk.upper())] == [order.pk]
    assert order_services.order_lookup(query="ord_doesnotexist").total == 0
    calls = len(http_calls)
    assert order_services.order_lookup(query="   ").items == ()
    assert len(http_calls) == calls


def test_partial_then_full_refund(brightstar, order, staff):
    key1, key2 = client.new_idempotency_key(), client.new_idempotency_key()
    partial = order_services.order_refund(
        order_id=order.pk,
        amount=2500,
        reason="One can't come",
        idempotency_key=key1,
        expected_amount_refunded=0,
        staff=staff,
    ).value
    assert isinstance(partial, Refund)
    assert (partial.amount, partial.order.status, partial.order.amount_refunded) == (2500, "partially_refunded", 2500)
    rest = order_services.order_refund(order_id=order.pk, reason="Event clash", idempotency_key=key2, staff=staff).value
    assert (rest.amount, rest.order.status) == (7500, "refunded")
    assert {a.status for a in rest.order.attendees} == {"void"}

    with pytest.raises(Conflict) as info:
        order_services.order_refund(
            order_id=order.pk, reason="Again", idempotency_key=client.new_idempotency_key(), staff=staff
        )
    assert info.value.code == errors.ORDER_NOT_REFUNDABLE
    entries = audit_for_order_outcomes(order.pk)
    assert entries == [(Outcome.SUCCEEDED, 2500), (Outcome.SUCCEEDED, 7500), (Outcome.REJECTED, None)]
    assert AuditEntry.objects.filter(order_id=order.pk, outcome=Outcome.SUCCEEDED).first().currency == "USD"


def audit_for_order_outcomes(order_id):
    return list(audit_list(order_id=order_id).order_by("id").values_list("outcome", "amount"))


def test_a_refund_from_a_stale_page_is_refused(brightstar, order, staff):
    order_services.order_refund(order_id=order.pk, amount=1000, reason="x", idempotency_key="k-1", staff=staff)
    with pytest.raises(Conflict) as info:
        order_services.order_refund(
            order_id=order.pk, amount=1000, reason="x", idempotency_key="k-2", expected_amount_refunded=0, staff=staff
        )
    assert info.value.code == errors.REFUND_STALE


def test_a_refund_larger_than_the_balance_is_a_field_error(brightstar, order, staff):
    with pytest.raises(ValidationError) as info:
        order_services.order_refund(order_id=order.pk, amount=10001, reason="x", idempotency_key="k", staff=staff)
    assert info.value.field == "amount"


def test_the_same_refund_submitted_twice_refunds_once_and_audits_two_attempts(brightstar, order, staff):
    key = client.new_idempotency_key()
    first = order_services.order_refund(
        order_id=order.pk, amount=2500, reason="Double click", idempotency_key=key, staff=staff
    ).value
    second = order_services.order_refund(
        order_id=order.pk, amount=2500, reason="Double click", idempotency_key=key, staff=staff
    ).value
    assert second.id == first.id
    assert SandboxRefund.objects.filter(order_id=order.pk).count() == 1
    assert orders_api.order_get(order_id=order.pk).amount_refunded == 2500
    attempts = list(audit_attempts_by_key(idempotency_key=key).values_list("outcome", "object_id", "amount"))
    assert attempts == [(Outcome.SUCCEEDED, first.id, 2500), (Outcome.REPLAYED, first.id, 2500)]
    assert {e.staff_username for e in audit_attempts_by_key(idempotency_key=key)} == {"dora"}


def test_reusing_a_refund_key_for_a_different_refund_is_refused(brightstar, order, staff):
    order_services.order_refund(order_id=order.pk, amount=100, reason="x", idempotency_key="same", staff=staff)
    with pytest.raises(ValidationError) as info:
        order_services.order_refund(order_id=order.pk, amount=200, reason="x", idempotency_key="same", staff=staff)
    assert info.value.code == errors.IDEMPOTENCY_KEY_REUSED
    assert SandboxRefund.objects.filter(order_id=order.pk).count() == 1


def test_a_refund_updates_the_cached_event_figures(brightstar, event, order, staff):
    assert event_services.event_get(event_id=event.pk).amount_refunded == 0
    order_services.order_refund(order_id=order.pk, amount=500, reason="x", idempotency_key="k", staff=staff)
    assert event_services.event_get(event_id=event.pk).amount_refunded == 500


def test_resend_emails_the_buyer_and_is_limited(brightstar, order, staff):
    sent = order_services.order_resend(order_id=order.pk, staff=staff).value
    assert (sent.order_id, sent.email) == (order.pk, "grace@example.com")
    assert sent.sent_at.tzinfo is not None
    assert [m.to for m in mail.outbox] == [["grace@example.com"]]
    for _ in range(4):
        order_services.order_resend(order_id=order.pk, staff=staff)
    with pytest.raises(RateLimited):
        order_services.order_resend(order_id=order.pk, staff=staff)
    assert len(mail.outbox) == 5
    outcomes = list(audit_list(action="order.resend").values_list("outcome", flat=True))
    assert outcomes.count(Outcome.SUCCEEDED) == 5 and outcomes.count(Outcome.REJECTED) == 1


# --- attendees and check-in -----------------------------------------------------


def test_attendee_list_filters(brightstar, event, general, order):
    vip = ticket_type_make(event, name="VIP", price=9000, quantity=10)
    order_make(event, vip, quantity=1, buyer_name="Zed Vip", buyer_email="zed@example.com")
    everyone = door_services.attendee_list(event_id=event.pk)
    assert everyone.total == 5
    assert [a.name for a in door_services.attendee_list(event_id=event.pk, ticket_type=vip.pk)] == ["Zed Vip"]
    assert door_services.attendee_list(event_id=event.pk, q="zed@").total == 1
    first = everyone.items[0]
    assert door_services.attendee_list(event_id=event.pk, q=first.barcode).items[0].id == first.id
    assert door_services.attendee_list(event_id=event.pk, checked_in=True).total == 0
    assert door_services.attendee_list(event_id=event.pk, checked_in=False).total == 5


def test_attendee_iter_walks_every_page_lazily(brightstar, event, general, http_calls):
    for n in range(5):
        order_make(event, general, quantity=50, buyer_name=f"Buyer {n}")
    seen = door_services.attendee_iter(event_id=event.pk, page_size=100)
    first = next(seen)
    assert len(http_calls) == 1  # lazily: one page fetched so far
    ids = [first.id, *(a.id for a in seen)]
    assert len(ids) == len(set(ids)) == 250
    assert set(ids) == set(SandboxAttendee.objects.filter(event=event).values_list("id", flat=True))
    assert len(http_calls) == 3


def test_check_in_by_barcode_then_again_then_undo(brightstar, event, order, staff):
    ticket = SandboxAttendee.objects.filter(order=order).first()
    admitted = door_services.attendee_check_in(event_id=event.pk, barcode=ticket.barcode, staff=staff)
    assert (admitted.id, admitted.checked_in) == (ticket.pk, True)
    assert admitted.checked_in_at is not None

    with pytest.raises(Conflict) as info:
        door_services.attendee_check_in(event_id=event.pk, barcode=ticket.barcode, staff=staff)
    assert info.value.code == errors.ALREADY_CHECKED_IN
    assert attendee_in(info.value).checked_in_at == admitted.checked_in_at  # the first scan's time

    undone = door_services.attendee_check_in_undo(event_id=event.pk, attendee_id=ticket.pk, staff=staff)
    assert not undone.checked_in
    with pytest.raises(Conflict) as info:
        door_services.attendee_check_in_undo(event_id=event.pk, attendee_id=ticket.pk, staff=staff)
    assert info.value.code == errors.NOT_CHECKED_IN

    by_id = door_services.attendee_check_in(event_id=event.pk, attendee_id=ticket.pk, staff=staff)
    assert by_id.checked_in
    trail = list(audit_list(event_id=event.pk).order_by("id").values_list("action", "outcome", "object_id"))
    assert trail == [
        ("attendee.check_in", Outcome.SUCCEEDED, ticket.pk),
        ("attendee.check_in", Outcome.REJECTED, ""),
        ("attendee.check_in_undo", Outcome.SUCCEEDED, ticket.pk),
        ("attendee.check_in_undo", Outcome.REJECTED, ticket.pk),
        ("attendee.check_in", Outcome.SUCCEEDED, ticket.pk),
    ]
    assert AuditEntry.objects.filter(action="attendee.check_in").first().order_id == order.pk


def test_a_rescan_with_the_same_key_replays_the_admission(brightstar, event, order, staff):
    """A dropped answer retried by the door is not reported as 'already checked in'."""
    ticket = SandboxAttendee.objects.filter(order=order).first()
    first = door_services.attendee_check_in(
        event_id=event.pk, barcode=ticket.barcode, idempotency_key="scan-1", staff=staff
    )
    again = door_services.attendee_check_in(
        event_id=event.pk, barcode=ticket.barcode, idempotency_key="scan-1", staff=staff
    )
    assert again == first
    outcomes = list(audit_attempts_by_key(idempotency_key="scan-1").values_list("outcome", flat=True))
    assert outcomes == [Outcome.SUCCEEDED, Outcome.REPLAYED]


def test_check_in_says_which_event_a_ticket_belongs_to(brightstar, event, staff):
    other = event_make(brightstar, title="Jazz Night")
    stray = order_make(other, ticket_type_make(other))
    barcode = SandboxAttendee.objects.filter(order=stray).first().barcode
    with pytest.raises(NotFound) as info:
        door_services.attendee_check_in(event_id=event.pk, barcode=barcode, staff=staff)
    assert (info.value.code, info.value.event_id, info.value.event_title) == (
        errors.WRONG_EVENT,
        other.pk,
        "Jazz Night",
    )
    with pytest.raises(NotFound) as info:
        door_services.attendee_check_in(event_id=event.pk, barcode="NOSUCHCODE", staff=staff)
    assert info.value.code == errors.NOT_FOUND


def test_check_in_refuses_void_tickets_and_inactive_events(brightstar, event, order, staff):
    order_services.order_refund(order_id=order.pk, reason="Full", idempotency_key="full", staff=staff)
    void = SandboxAttendee.objects.filter(order=order).first()
    with pytest.raises(Conflict) as info:
        door_services.attendee_check_in(event_id=event.pk, attendee_id=void.pk, staff=staff)
    assert info.value.code == errors.TICKET_VOID

    draft = event_make(brightstar, title="Draft", status="draft")
    ticket = SandboxAttendee.objects.filter(order=order_make(draft, ticket_type_make(draft))).first()
    with pytest.raises(Conflict) as info:
        door_services.attendee_check_in(event_id=draft.pk, barcode=ticket.barcode, staff=staff)
    assert info.value.code == errors.EVENT_NOT_ACTIVE


def test_check_in_needs_exactly_one_of_barcode_or_attendee(brightstar, event, staff, http_calls):
    with pytest.raises(ValueError):
        door_services.attendee_check_in(event_id=event.pk, staff=staff)
    with pytest.raises(ValueError):
        door_services.attendee_check_in(event_id=event.pk, barcode="A", attendee_id="att_1", staff=staff)
    assert http_calls == []


# --- keys -------------------------------------------------------------------------


def test_a_bad_key_is_an_authentication_error_without_the_key_in_it(brightstar, settings):
    settings.BRIGHTSTAR_API_KEY = "bs_test_notarealkey123"
    with pytest.raises(AuthenticationError) as info:
        event_services.event_list()
    assert info.value.code == errors.UNAUTHORIZED
    assert "notarealkey" not in str(info.value) + repr(info.value)
    assert info.value.request_id and info.value.request_id.startswith("req_")


def test_a_read_only_key_cannot_mutate(brightstar, event, settings, staff):
    _, read_only = make_account("acme", read_only=True)
    settings.BRIGHTSTAR_API_KEY = read_only
    assert event_services.event_get(event_id=event.pk).id == event.pk
    with pytest.raises(PermissionDenied):
        event_services.event_update(event_id=event.pk, title="Nope", staff=staff)
    assert audit_list(action="event.update").get().error_code == errors.FORBIDDEN
