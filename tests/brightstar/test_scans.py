"""The SDK's scan log against the real sandbox: what the door sends comes back in the log."""

import pytest

from boxoffice.brightstar import attendees, errors, scans
from boxoffice.brightstar.errors import NotFound
from boxoffice.brightstar.resources import EventStats, Scan
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def brightstar(settings, sandbox_url, account_and_key):
    settings.BRIGHTSTAR_API_URL = sandbox_url
    settings.BRIGHTSTAR_API_KEY = account_and_key[1]
    return account_and_key[0]


def test_the_door_fields_reach_the_log_and_come_back_typed(brightstar):
    event = event_make(brightstar)
    ticket = order_make(event, ticket_type_make(event), quantity=1).attendees.get()
    door = {"gate": "North", "device": "scanner-7", "staff": "dora"}
    attendees.attendee_check_in(event_id=event.pk, barcode=ticket.barcode, idempotency_key="k-1", **door)
    with pytest.raises(NotFound):
        attendees.attendee_check_in(event_id=event.pk, barcode="NOPE", idempotency_key="k-2", **door)

    page = scans.scan_list(event_id=event.pk)
    assert page.total == 2 and all(isinstance(scan, Scan) for scan in page)
    refused, admitted = page.items
    assert (refused.result, refused.reason, refused.attendee_id, refused.barcode) == (
        "refused",
        errors.NOT_FOUND,
        None,
        "NOPE",
    )
    assert admitted.admitted and admitted.attendee_id == ticket.pk and admitted.reason is None
    assert (admitted.gate, admitted.device, admitted.staff) == ("North", "scanner-7", "dora")
    assert admitted.scanned_at.tzinfo is not None

    only = scans.scan_list(
        event_id=event.pk, result="refused", reason=errors.NOT_FOUND, gate="North", since=admitted.scanned_at
    )
    assert [scan.id for scan in only] == [refused.id]


def test_the_overview_comes_back_typed(brightstar):
    event = event_make(brightstar)
    general = ticket_type_make(event, name="General")
    ticket = order_make(event, general, quantity=2).attendees.first()
    attendees.attendee_check_in(event_id=event.pk, barcode=ticket.barcode, idempotency_key="k-1", gate="North")
    with pytest.raises(NotFound):
        attendees.attendee_check_in(event_id=event.pk, barcode="NOPE", idempotency_key="k-2", gate="South")
    stats = scans.event_stats(event_id=event.pk, hours=1)
    assert isinstance(stats, EventStats) and len(stats.buckets) == 12
    assert sum(b.admitted for b in stats.buckets) == 1
    assert [(g.gate, g.admitted, g.refused, g.refusals) for g in stats.gates] == [
        ("North", 1, 0, {}),
        ("South", 0, 1, {errors.NOT_FOUND: 1}),
    ]
    assert [(t.name, t.sold, t.checked_in, t.quantity, t.price) for t in stats.ticket_types] == [
        ("General", 2, 1, general.quantity, general.price)
    ]
    assert (stats.sold, stats.checked_in, stats.capacity, stats.refusals) == (2, 1, 100, {errors.NOT_FOUND: 1})
    assert [(day.sold, day.gross, day.by_ticket_type) for day in stats.sales] == [(2, 5000, {general.pk: 2})]
