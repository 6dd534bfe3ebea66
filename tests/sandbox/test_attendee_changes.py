"""GET /events/{id}/attendees?changes_after=: the feed a replica at the venue follows."""

import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sandbox import changes, errors
from sandbox.dbrouter import SANDBOX_DB
from sandbox.models import Attendee
from sandbox.services import locking
from sandbox.services.checkins import attendee_check_in, attendee_check_in_undo
from sandbox.services.refunds import order_refund
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def event(account):
    return event_make(account, status="published")


@pytest.fixture
def crowd(event):
    ticket_type = ticket_type_make(event, quantity=1000)
    for i in range(7):
        order_make(event, ticket_type, quantity=5, buyer_name=f"Buyer {i}")
    return event, list(Attendee.objects.filter(event=event))


def feed(api, event, cursor="", **params):
    return api.get(f"/events/{event.pk}/attendees", params={"changes_after": cursor, **params})


def in_feed_order(attendees):
    return [a.pk for a in sorted(attendees, key=lambda a: (a.updated_at, a.pk))]


def walk(api, event, *, limit, between_pages=lambda seen: None):
    """Every page from the start, as a replica would: (rows seen in order, last cursor)."""
    cursor, seen = "", []
    while True:
        response = feed(api, event, cursor, limit=limit)
        assert response.status_code == 200, response.text
        rows = response.json()
        seen += rows
        expected = changes.cursor_of(Attendee.objects.get(pk=rows[-1]["id"])) if rows else cursor
        assert response.headers["X-Next-Cursor"] == expected
        cursor = expected
        if len(rows) < limit:
            return seen, cursor
        between_pages(seen)


# --- the feed -------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["", "0"])
def test_the_feed_starts_at_the_beginning_in_change_order(api, crowd, start):
    event, attendees = crowd
    response = feed(api, event, start, limit=100)
    assert [row["id"] for row in response.json()] == in_feed_order(attendees)
    assert all(row["updated_at"] for row in response.json())
    assert response.headers["X-Per-Page"] == "100"
    # The seed's headers, as on every list: all that follows the cursor is available; this is its page 1.
    assert response.headers["X-Total-Count"] == str(len(attendees)) and response.headers["X-Page"] == "1"


def test_the_total_counts_what_follows_the_cursor(api, crowd):
    event, attendees = crowd
    first = feed(api, event, "", limit=10)
    after = feed(api, event, first.headers["X-Next-Cursor"], limit=10)
    assert after.headers["X-Total-Count"] == str(len(attendees) - 10)


def test_an_empty_page_gives_back_the_cursor_it_was_asked_for(api, crowd):
    event, _ = crowd
    _, cursor = walk(api, event, limit=10)
    again = feed(api, event, cursor)
    assert again.json() == [] and again.headers["X-Next-Cursor"] == cursor
    empty = event_make(event.account)
    for start in ("", "0"):
        assert feed(api, empty, start).headers["X-Next-Cursor"] == start


def test_void_tickets_are_in_the_feed(api, crowd):
    event, attendees = crowd
    order_refund(order=attendees[0].order, amount=None, reason="cancelled", expected_amount_refunded=None)
    rows = feed(api, event, limit=100).json()
    assert len(rows) == len(attendees)
    assert {row["id"] for row in rows if row["status"] == "void"} == {
        a.pk for a in attendees if a.order_id == attendees[0].order_id
    }
    assert [row["id"] for row in rows][-5:] == in_feed_order(Attendee.objects.filter(order=attendees[0].order))


def test_ties_on_updated_at_go_by_id(api, crowd):
    event, attendees = crowd
    Attendee.objects.filter(event=event).update(updated_at=timezone.now())  # one stamp for all, as migration 0005 left
    seen, _ = walk(api, event, limit=3)
    assert [row["id"] for row in seen] == sorted(a.pk for a in attendees)


def test_a_full_walk_sees_every_attendee_while_the_door_is_busy(api, crowd):
    """limit=100 over 335 attendees; between pages the door admits rows already seen and rows not yet seen.

    Every attendee is seen, the untouched ones exactly once; a row admitted
    after it was seen comes again at the end, admitted; one admitted before it
    was reached is seen once, admitted. The replica ends equal to the API's list.
    """
    event, _ = crowd
    ticket_type = event.ticket_types.get()
    for i in range(7, 67):
        order_make(event, ticket_type, quantity=5, buyer_name=f"Buyer {i}")
    ids = sorted(Attendee.objects.filter(event=event).values_list("pk", flat=True))
    assert len(ids) == 335
    admitted_after: dict[str, int] = {}  # id -> how many rows the replica had when the door admitted it

    def the_door_scans(seen):
        seen_ids = [row["id"] for row in seen]
        not_yet = [pk for pk in ids if pk not in seen_ids and pk not in admitted_after]
        for pk in (seen_ids[len(seen) // 3], seen_ids[-1], not_yet[0], not_yet[-1]):
            if pk not in admitted_after:
                attendee_check_in(account=event.account, livemode=False, event_id=event.pk, attendee_id=pk)
                admitted_after[pk] = len(seen)

    seen, _ = walk(api, event, limit=100, between_pages=the_door_scans)

    positions: dict[str, list[int]] = {pk: [] for pk in ids}
    for i, row in enumerate(seen):
        positions[row["id"]].append(i)
    assert all(positions.values()), "an attendee was never seen"
    assert len(admitted_after) >= 9
    seen_twice = 0
    for pk, where in positions.items():
        seen_before_admission = pk in admitted_after and where[0] < admitted_after[pk]
        assert len(where) == (2 if seen_before_admission else 1), pk
        seen_twice += seen_before_admission
    assert 0 < seen_twice < len(admitted_after)  # both kinds happened
    replica = {row["id"]: row for row in seen}  # the last copy wins, as at the venue
    listed = [
        api.get(f"/events/{event.pk}/attendees", params={"limit": 100, "offset": offset}).json()
        for offset in range(0, 400, 100)
    ]
    assert replica == {row["id"]: row for page in listed for row in page}
    assert all(replica[pk]["checked_in"] for pk in admitted_after)


@pytest.mark.skipif(connections[SANDBOX_DB].vendor != "postgresql", reason="SQLite has one writer at a time")
def test_a_write_stamped_earlier_but_committed_later_is_never_skipped(api, crowd):
    """PostgreSQL: writer A stamps, B stamps later and commits first; a feed read then waits for A.

    Without the changes lock the read would return B, its cursor would pass
    A's stamp, and A, committed a moment later, would never be seen.
    """
    event, attendees = crowd
    _, cursor = walk(api, event, limit=100)
    first, second = attendees[0], attendees[1]
    stamped, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic(using=SANDBOX_DB):
                locking.changes_lock_write(event.pk)
                Attendee.objects.filter(pk=first.pk).update(name="Stamped First", updated_at=timezone.now())
                stamped.set()
                assert release.wait(10)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        writer = pool.submit(slow_writer)
        assert stamped.wait(10)
        attendee_check_in(account=event.account, livemode=False, event_id=event.pk, attendee_id=second.pk)
        reader = pool.submit(lambda: feed(api, event, cursor).json())
        with pytest.raises(FuturesTimeout):
            reader.result(timeout=0.5)  # waiting for the slow writer, rather than answering without it
        release.set()
        writer.result(timeout=10)
        rows = reader.result(timeout=10)
    assert [row["id"] for row in rows] == [first.pk, second.pk]
    assert rows[0]["name"] == "Stamped First" and rows[1]["checked_in"] is True


# --- what it refuses --------------------------------------------------------------------


@pytest.mark.parametrize(
    "params", [{"ticket_type": "tkt_1"}, {"checked_in": "true"}, {"q": "ada"}, {"q": ""}, {"offset": 0}, {"offset": 20}]
)
def test_the_feed_takes_no_other_filter_and_no_offset(api, event, params):
    (name,) = params
    assert_api_error(feed(api, event, **params), 400, errors.VALIDATION_ERROR, name)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "1",
        "00",
        " ",
        "2030-01-01T00:00:00Z~att_0123456789abcdef",
        "2030-13-01T00:00:00.000000Z~att_01",
        "2030-01-01T00:00:00.000000Z",
        "2030-01-01T00:00:00.000000Z~",
        "2030-01-01T00:00:00.000000Z~evt_0123",
        "2030-01-01T00:00:00.000000+00:00~att_01",
        "2030-01-01T00:00:00.000000Z~att_01\n",
        "x" * 101,
        "2030-01-01T00:00:00.000000Z~att_01'--",
    ],
)
def test_a_cursor_this_api_did_not_send_is_400(api, event, cursor):
    assert_api_error(feed(api, event, cursor), 400, errors.VALIDATION_ERROR, "changes_after")


@pytest.mark.parametrize("limit", [0, 101])
def test_the_feeds_limit_is_the_lists(api, event, limit):
    assert_api_error(feed(api, event, limit=limit), 400, errors.VALIDATION_ERROR, "limit")


def test_another_accounts_event_is_404(api, event):
    from tests.conftest import make_account

    theirs = event_make(make_account("globex")[0])
    assert_api_error(feed(api, theirs), 404, errors.NOT_FOUND)


# --- every change moves updated_at -------------------------------------------------------


@pytest.fixture
def ticket(event):
    order = order_make(event, ticket_type_make(event), quantity=2)
    attendee = order.attendees.order_by("pk").first()
    # Well in the past, so any change is plainly later.
    Attendee.objects.filter(order=order).update(updated_at=timezone.now() - timedelta(hours=1))
    attendee.refresh_from_db()
    return attendee


def _moved(ticket, change, api) -> None:
    before = ticket.updated_at
    change()
    ticket.refresh_from_db()
    assert ticket.updated_at > before
    rows = feed(api, ticket.event, limit=100).json()
    # Moved to the end of the feed (with whatever the same change stamped alongside it).
    assert ticket.pk in [row["id"] for row in rows if row["updated_at"] == rows[-1]["updated_at"]]


def _check_in(ticket):
    return attendee_check_in(
        account=ticket.event.account, livemode=False, event_id=ticket.event_id, attendee_id=ticket.pk
    )


def test_check_in_moves_updated_at(api, ticket):
    _moved(ticket, lambda: _check_in(ticket), api)


def test_check_in_over_the_api_answers_the_new_updated_at(api, ticket):
    body = api.post(f"/events/{ticket.event_id}/checkins", json={"attendee_id": ticket.pk}).json()
    ticket.refresh_from_db()
    # JSON times carry milliseconds; the cursor, not this field, is what a replica sends back.
    assert Attendee.updated_at.field.to_python(body["updated_at"]) == ticket.updated_at.replace(
        microsecond=ticket.updated_at.microsecond // 1000 * 1000
    )


def test_undo_moves_updated_at(api, ticket):
    _check_in(ticket)
    Attendee.objects.filter(pk=ticket.pk).update(updated_at=timezone.now() - timedelta(minutes=1))
    ticket.refresh_from_db()
    _moved(
        ticket,
        lambda: attendee_check_in_undo(
            account=ticket.event.account, livemode=False, event_id=ticket.event_id, attendee_id=ticket.pk
        ),
        api,
    )


def test_a_full_refund_moves_updated_at(api, ticket):
    _moved(
        ticket, lambda: order_refund(order=ticket.order, amount=None, reason="r", expected_amount_refunded=None), api
    )
    assert ticket.status == Attendee.Status.VOID


def test_a_refund_by_ticket_moves_updated_at_of_that_ticket_only(api, ticket):
    sibling = ticket.order.attendees.exclude(pk=ticket.pk).get()
    _moved(
        ticket,
        lambda: order_refund(
            order=ticket.order, amount=None, reason="r", expected_amount_refunded=None, attendee_ids=[ticket.pk]
        ),
        api,
    )
    assert sibling.updated_at == Attendee.objects.get(pk=sibling.pk).updated_at


def test_a_partial_refund_by_amount_leaves_the_tickets_alone(ticket):
    before = ticket.updated_at
    order_refund(order=ticket.order, amount=100, reason="r", expected_amount_refunded=None)
    ticket.refresh_from_db()
    assert ticket.updated_at == before and ticket.status == Attendee.Status.VALID


@pytest.mark.parametrize("update_fields", [None, ["name"]])
def test_a_rename_moves_updated_at(api, ticket, update_fields):
    def rename():
        ticket.name = "Ada King"
        ticket.save(update_fields=update_fields)

    _moved(ticket, rename, api)


# --- cheap at 100,000 -------------------------------------------------------------------


def test_a_page_is_one_range_of_the_index_in_the_feeds_order(event):
    connection = connections[SANDBOX_DB]
    with CaptureQueriesContext(connection) as captured:
        changes.attendee_changes(event=event, after=(timezone.now(), "att_0123456789abcdef"), limit=100)
    (query,) = [q for q in captured.captured_queries if 'FROM "sandbox_attendee"' in q["sql"]]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING INDEX att_event_changes (event_id=? AND updated_at>?)" in plan, plan
            assert "TEMP B-TREE" not in plan, plan  # already in order: LIMIT stops the range early
        else:
            cursor.execute("SET enable_seqscan = off")  # a few rows: a scan would win otherwise
            cursor.execute(f"EXPLAIN {query['sql']}")
            plan = " | ".join(str(row[0]) for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            assert "att_event_changes" in plan and "Sort" not in plan, plan
