"""The demo data: deterministic, realistic, and its counters exact; and
order_create, the one-at-a-time sale the tests and the seed share."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from sandbox.errors import VALIDATION_ERROR, ApiError
from sandbox.models import Account, Attendee, Event, Order, Refund, TicketType
from sandbox.services.orders_create import order_create
from sandbox.services.seed import sandbox_seed
from tests.factories import event_make, ticket_type_make

# "__all__" rather than ["sandbox"]: Django makes every alias depend on `default`
# at test-database setup, so a run of this file alone needs both.
pytestmark = pytest.mark.django_db(databases="__all__")

NOW = datetime(2026, 3, 14, 15, 9, tzinfo=UTC)


def account(slug: str = "acme") -> Account:
    return Account.objects.create(slug=slug, name=slug.title())


def snapshot(acct: Account, *, barcodes: bool = True) -> list:
    """Everything but the ids, which are random by design."""
    return [
        (
            e.title,
            e.status,
            e.start_date,
            e.end_date,
            e.venue,
            e.created_at,
            e.gross_sales,
            e.amount_refunded,
            [(t.name, t.price, t.quantity, t.quantity_sold, t.checked_in_count) for t in e.ticket_types.all()],
            [
                (o.buyer_name, o.buyer_email, o.status, o.total, o.amount_refunded, o.created_at)
                for o in e.orders.order_by("created_at", "buyer_email")
            ],
            sorted(
                (a.name, a.email, a.status, str(a.checked_in_at), a.barcode if barcodes else "")
                for a in e.attendees.all()
            ),
        )
        for e in Event.objects.filter(account=acct).order_by("start_date", "title")
    ]


class Undo(Exception):
    pass


def test_same_seed_same_data():
    acct = account()
    try:
        with transaction.atomic(using="sandbox"):
            sandbox_seed(account=acct, seed=7, now=NOW)
            first = snapshot(acct)
            raise Undo
    except Undo:
        pass
    assert not Event.objects.exists()

    sandbox_seed(account=acct, seed=7, now=NOW)
    assert snapshot(acct) == first


def test_another_seed_other_data():
    a, b = account("a"), account("b")
    sandbox_seed(account=a, seed=1, now=NOW)
    sandbox_seed(account=b, seed=2, now=NOW)
    assert snapshot(a, barcodes=False) != snapshot(b, barcodes=False)


def test_barcodes_are_unique_across_accounts_and_repeated_seeds():
    a, b = account("a"), account("b")
    sandbox_seed(account=a, seed=7, now=NOW)
    sandbox_seed(account=b, seed=7, now=NOW)
    sandbox_seed(account=a, seed=7, now=NOW)  # seeding twice adds, and must not collide

    barcodes = list(Attendee.objects.values_list("barcode", flat=True))
    assert len(barcodes) == len(set(barcodes)) > 0
    assert all(re.fullmatch(r"[A-Z0-9]{12}", code) for code in barcodes)


def test_same_seed_in_two_accounts_gives_the_same_story():
    a, b = account("a"), account("b")
    sandbox_seed(account=a, seed=7, now=NOW)
    sandbox_seed(account=b, seed=7, now=NOW)
    assert snapshot(a, barcodes=False) == snapshot(b, barcodes=False)


def test_counters_are_exact():
    acct = account()
    sandbox_seed(account=acct, seed=11, orders_per_event=60, now=NOW)

    for tt in TicketType.objects.filter(event__account=acct):
        valid = Attendee.objects.filter(ticket_type=tt, status=Attendee.Status.VALID)
        assert tt.quantity_sold == valid.count(), tt.name
        assert tt.checked_in_count == valid.filter(checked_in=True).count(), tt.name
        assert tt.quantity >= tt.quantity_sold
        assert tt.price >= 0 and tt.price % 100 == 0

    for order in Order.objects.filter(account=acct).prefetch_related("items", "attendees", "refunds"):
        items, attendees = list(order.items.all()), list(order.attendees.all())
        assert order.total == sum(i.quantity * i.unit_price for i in items) > 0
        assert order.amount_refunded == sum(r.amount for r in order.refunds.all())
        assert 1 <= len(attendees) <= 4
        assert Counter(a.ticket_type_id for a in attendees) == {i.ticket_type_id: i.quantity for i in items}
        assert all(i.unit_price == i.ticket_type.price for i in items)
        statuses = {a.status for a in attendees}
        if order.status == Order.Status.REFUNDED:
            assert order.amount_refunded == order.total and statuses == {Attendee.Status.VOID}
        elif order.status == Order.Status.PARTIALLY_REFUNDED:
            assert 0 < order.amount_refunded < order.total and statuses == {Attendee.Status.VALID}
        else:
            assert order.status == Order.Status.COMPLETED
            assert order.amount_refunded == 0 and statuses == {Attendee.Status.VALID}

    for event in Event.objects.filter(account=acct):
        orders = Order.objects.filter(event=event)
        assert event.gross_sales == sum(o.total for o in orders)
        assert event.amount_refunded == sum(r.amount for r in Refund.objects.filter(order__event=event))


def test_the_demo_has_every_kind_of_event_and_order():
    acct = account()
    summary = sandbox_seed(account=acct, now=NOW)
    events = Event.objects.filter(account=acct)
    assert summary.events == events.count() == 12
    assert {e.status for e in events} == {"draft", "published", "cancelled"}
    published = events.filter(status="published")
    assert published.filter(end_date__lt=NOW).exists() and published.filter(start_date__gt=NOW).exists()
    assert published.filter(start_date__lte=NOW, end_date__gt=NOW).exists()  # one on right now
    assert len({e.title for e in events}) == 12 and all(e.venue for e in events)
    assert all(2 <= e.ticket_types.count() <= 4 for e in events)
    assert not Order.objects.filter(event__status="draft").exists()
    assert 40 * 9 <= summary.orders <= 50 * 10
    assert {o.status for o in Order.objects.filter(account=acct)} == {"completed", "partially_refunded", "refunded"}
    assert not Order.objects.filter(event__status="cancelled").exclude(status="refunded").exists()
    assert Attendee.objects.filter(event__account=acct, checked_in=True).exists()


def test_times_tell_a_consistent_story():
    acct = account()
    sandbox_seed(account=acct, now=NOW)
    for event in Event.objects.filter(account=acct):
        assert event.created_at < NOW and event.created_at < event.start_date < event.end_date
        assert event.created_at <= event.updated_at <= NOW
        for order in event.orders.all():
            assert event.created_at < order.created_at <= min(NOW, event.start_date)
    for refund in Refund.objects.select_related("order"):
        assert refund.order.created_at <= refund.created_at <= NOW
    checked_in = Attendee.objects.filter(checked_in=True).select_related("event", "order")
    assert checked_in.exists()
    for attendee in checked_in:
        assert attendee.status == "valid" and attendee.event.status == "published"
        assert attendee.event.start_date - timedelta(hours=1) <= attendee.checked_in_at <= NOW
        assert attendee.order.created_at <= attendee.checked_in_at
    assert not Attendee.objects.filter(checked_in=True, event__start_date__gt=NOW).exists()


def test_a_single_event_is_one_on_now_with_every_order():
    acct = account()
    summary = sandbox_seed(account=acct, events=1, orders_per_event=30, now=NOW)
    event = Event.objects.get(account=acct)
    assert event.status == "published" and event.start_date <= NOW < event.end_date
    assert summary.orders == 30 and event.ticket_types.filter(checked_in_count__gt=0).exists()


def test_emails_never_leave_the_reserved_example_domains():
    acct = account()
    sandbox_seed(account=acct, events=4, now=NOW)
    emails = set(Order.objects.values_list("buyer_email", flat=True)) | set(
        Attendee.objects.values_list("email", flat=True)
    )
    assert all(re.fullmatch(r"[a-z0-9._]+@example\.(com|org|net)", e) for e in emails), emails


# --- order_create -----------------------------------------------------------


def test_order_create_sells_tickets_and_moves_the_counters():
    acct = account()
    event = event_make(acct)
    adult, child = ticket_type_make(event, price=2500, quantity=10), ticket_type_make(event, name="Child", price=1000)
    order = order_create(
        event=event,
        buyer_name="Ada Lovelace",
        buyer_email="ada@example.com",
        items=[(adult, 2), (child, 1)],
        attendee_names=["Ada Lovelace", "Charles Babbage", "Byron Lovelace"],
    )
    assert (order.total, order.status, order.currency) == (6000, "completed", "USD")
    names = sorted(order.attendees.values_list("name", flat=True))
    assert names == ["Ada Lovelace", "Byron Lovelace", "Charles Babbage"]
    adult.refresh_from_db()
    child.refresh_from_db()
    event.refresh_from_db()
    assert (adult.quantity_sold, child.quantity_sold, event.gross_sales) == (2, 1, 6000)


def test_order_create_refuses_more_than_is_left_and_leaves_nothing_behind():
    acct = account()
    event = event_make(acct)
    tt = ticket_type_make(event, quantity=3)
    with pytest.raises(ApiError) as caught:
        order_create(event=event, buyer_name="A", buyer_email="a@example.com", items=[(tt, 4)])
    assert caught.value.code == VALIDATION_ERROR and caught.value.field == "items"
    assert not Order.objects.exists() and not Attendee.objects.exists()


def test_order_create_refuses_a_ticket_type_of_another_event():
    acct = account()
    event, other = event_make(acct), event_make(acct, title="Other")
    with pytest.raises(ApiError):
        order_create(event=event, buyer_name="A", buyer_email="a@example.com", items=[(ticket_type_make(other), 1)])
