from concurrent.futures import ThreadPoolExecutor

import pytest

from sandbox import errors
from sandbox.models import Attendee, TicketType
from tests.conftest import ApiSession
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def door(account):
    event = event_make(account, title="Spring Gala")
    ticket_type = ticket_type_make(event)
    order = order_make(event, ticket_type, quantity=3)
    return event, ticket_type, list(order.attendees.order_by("id"))


def test_a_barcode_is_admitted_once(api, door):
    event, ticket_type, (ticket, *_) = door
    response = api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode})
    assert response.status_code == 201
    attendee = response.json()
    assert attendee["id"] == ticket.pk and attendee["checked_in"] is True and attendee["checked_in_at"]
    ticket_type.refresh_from_db()
    assert ticket_type.checked_in_count == 1

    again = api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode})
    error = assert_api_error(again, 409, errors.ALREADY_CHECKED_IN)
    assert error["attendee"]["checked_in_at"] == attendee["checked_in_at"]
    ticket_type.refresh_from_db()
    assert ticket_type.checked_in_count == 1


def test_check_in_by_attendee_id(api, door):
    event, _, (_, ticket, _) = door
    response = api.post(f"/events/{event.pk}/checkins", json={"attendee_id": ticket.pk})
    assert response.status_code == 201 and response.json()["id"] == ticket.pk


@pytest.mark.parametrize("body", [{}, {"barcode": "X", "attendee_id": "att_x"}, {"barcode": ""}, {"barcode": 12}])
def test_exactly_one_identifier_is_required(api, door, body):
    event, _, _ = door
    assert_api_error(api.post(f"/events/{event.pk}/checkins", json=body), 400, errors.VALIDATION_ERROR)


def test_unknown_codes_are_404(api, door):
    event, _, _ = door
    assert_api_error(api.post(f"/events/{event.pk}/checkins", json={"barcode": "NOPE"}), 404, errors.NOT_FOUND)
    assert_api_error(api.post(f"/events/{event.pk}/checkins", json={"attendee_id": "att_0"}), 404, errors.NOT_FOUND)
    assert_api_error(api.post("/events/evt_0000000000000000/checkins", json={"barcode": "X"}), 404, errors.NOT_FOUND)


def test_a_ticket_for_another_event_says_which(api, account, door):
    event, _, _ = door
    other = event_make(account, title="Autumn Fair")
    stray = order_make(other, ticket_type_make(other)).attendees.first()
    error = assert_api_error(
        api.post(f"/events/{event.pk}/checkins", json={"barcode": stray.barcode}), 404, errors.WRONG_EVENT
    )
    assert error["event_id"] == other.pk and error["event_title"] == "Autumn Fair"


def test_another_accounts_ticket_is_just_unknown(api, door):
    from tests.conftest import make_account

    event, _, _ = door
    theirs, _ = make_account("globex")
    their_event = event_make(theirs)
    stray = order_make(their_event, ticket_type_make(their_event)).attendees.first()
    assert_api_error(api.post(f"/events/{event.pk}/checkins", json={"barcode": stray.barcode}), 404, "NOT_FOUND")


@pytest.mark.parametrize("status", ["draft", "cancelled"])
def test_only_published_events_admit(api, account, status):
    event = event_make(account, status="published")
    ticket = order_make(event, ticket_type_make(event)).attendees.first()
    api.patch(f"/events/{event.pk}", json={"status": status}) if status == "cancelled" else type(event).objects.filter(
        pk=event.pk
    ).update(status=status)
    assert_api_error(
        api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode}), 409, errors.EVENT_NOT_ACTIVE
    )


def test_a_past_published_event_still_admits_late_arrivals(api, account):
    event = event_make(account, days_ahead=-3)
    ticket = order_make(event, ticket_type_make(event)).attendees.first()
    assert api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode}).status_code == 201


def test_a_void_ticket_is_reported_void_even_if_it_was_scanned_before(api, door):
    event, _, (ticket, *_) = door
    api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode})
    api.post(f"/orders/{ticket.order_id}/refund", json={"reason": "Refunded at the desk"})
    error = assert_api_error(
        api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode}), 409, errors.TICKET_VOID
    )
    assert error["attendee"]["status"] == "void"


def test_undo_a_check_in(api, door):
    event, ticket_type, (ticket, *_) = door
    api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode})
    response = api.delete(f"/events/{event.pk}/checkins/{ticket.pk}")
    assert response.status_code == 200
    assert response.json()["checked_in"] is False and response.json()["checked_in_at"] is None
    ticket_type.refresh_from_db()
    assert ticket_type.checked_in_count == 0
    assert_api_error(api.delete(f"/events/{event.pk}/checkins/{ticket.pk}"), 409, errors.NOT_CHECKED_IN)
    assert api.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode}).status_code == 201


def test_eight_doors_scanning_one_ticket_at_once_admit_it_once(sandbox_url, account_and_key, door):
    event, ticket_type, (ticket, *_) = door
    sessions = [ApiSession(sandbox_url, account_and_key[1]) for _ in range(8)]

    def scan(session):
        return session.post(f"/events/{event.pk}/checkins", json={"barcode": ticket.barcode}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(scan, sessions))
    assert statuses == [201] + [409] * 7
    assert TicketType.objects.get(pk=ticket_type.pk).checked_in_count == 1
    assert Attendee.objects.filter(checked_in=True).count() == 1


def test_an_unknown_event_is_reported_before_the_ticket(api, door):
    """The event is checked first, whatever the ticket: a valid barcode at an unknown event is 404 Event."""
    from tests.conftest import make_account

    _, _, (ticket, *_) = door
    theirs, _ = make_account("globex")
    for event_id in ("evt_0000000000000000", event_make(theirs).pk):
        for body in ({"barcode": ticket.barcode}, {"barcode": "NOPE"}):
            error = assert_api_error(api.post(f"/events/{event_id}/checkins", json=body), 404, errors.NOT_FOUND)
            assert error["message"] == "Event not found"
        undo = api.delete(f"/events/{event_id}/checkins/{ticket.pk}")
        assert assert_api_error(undo, 404, errors.NOT_FOUND)["message"] == "Event not found"
    ticket.refresh_from_db()
    assert ticket.checked_in is False


def test_a_void_ticket_never_scanned_is_refused_and_counts_nothing(api, door):
    event, ticket_type, (ticket, *_) = door
    api.post(f"/orders/{ticket.order_id}/refund", json={"reason": "Refunded at the desk"})
    error = assert_api_error(
        api.post(f"/events/{event.pk}/checkins", json={"attendee_id": ticket.pk}), 409, errors.TICKET_VOID
    )
    assert error["attendee"]["checked_in"] is False
    ticket_type.refresh_from_db()
    assert ticket_type.checked_in_count == 0


def test_a_ticket_undone_between_the_guard_and_the_lock_is_admitted(account, door, monkeypatch):
    """The guard missed (the ticket was in), then an undo committed: the locked re-read admits it."""
    from sandbox.services import checkins

    event, ticket_type, (ticket, *_) = door
    real_admit, calls = checkins._admit, []

    def guard_misses_once(attendee_id, *times):
        calls.append(attendee_id)
        return False if len(calls) == 1 else real_admit(attendee_id, *times)

    monkeypatch.setattr(checkins, "_admit", guard_misses_once)
    admitted = checkins.attendee_check_in(account=account, livemode=False, event_id=event.pk, barcode=ticket.barcode)
    assert admitted.checked_in is True and len(calls) == 2
    ticket.refresh_from_db()
    ticket_type.refresh_from_db()
    assert ticket.checked_in is True and ticket_type.checked_in_count == 1
