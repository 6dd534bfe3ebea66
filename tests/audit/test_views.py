"""The audit log page: organizers only, filterable, paginated, newest first."""

from datetime import timedelta

import pytest
from django.utils import timezone

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.views import PAGE_SIZE
from tests.audit.conftest import record
from tests.orders.conftest import refund_form_fields
from tests.pager import assert_pager, pager_of

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

Outcome = AuditEntry.Outcome


def html(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("role", ["door", "box_office", "nobody"])
def test_only_organizers_read_the_audit_log(client_as, role):
    response = client_as(role).get("/audit/")
    assert response.status_code == 403
    assert "read the audit log" in html(response) and "Organizer" in html(response)


def test_anonymous_visitors_are_sent_to_log_in(client, dashboard):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["organizer", "admin"])
def test_organizers_see_who_did_what_newest_first(client_as, staff_users, role, api_calls):
    record(staff_users["box_office"], object_id="ref_old", message="")
    record(
        staff_users["organizer"],
        action="event.update",
        object_type="event",
        object_id="evt_9",
        order_id="",
        amount=None,
        outcome=Outcome.REJECTED,
        error_code="VALIDATION_ERROR",
        message="title is required",
    )
    response = client_as(role).get("/audit/")
    page = html(response)
    assert response.status_code == 200
    assert page.index("evt_9") < page.index("ref_old")  # newest first
    assert "VALIDATION_ERROR" in page and "$25.00" in page
    # One sentence per entry: who did what, for how much, and how it ended.
    assert "organizer tried to change an event, and BrightStar refused: title is required." in page
    assert "box_office refunded $25.00." in page
    assert "box_office" in page and "Rejected" in page and "Succeeded" in page
    assert api_calls == []  # the log is ours: BrightStar is not asked


def test_audit_filters(client_as, staff_users):
    boxo, org = staff_users["box_office"], staff_users["organizer"]
    record(boxo, object_id="ref_a", order_id="ord_a")
    record(boxo, object_id="ref_b", order_id="ord_b", outcome=Outcome.REPLAYED)
    record(org, action="order.resend", object_type="order", object_id="ord_c", order_id="ord_c", amount=None)
    old = record(org, action="event.update", object_type="event", object_id="evt_old", order_id="", amount=None)
    AuditEntry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    client = client_as("organizer")

    def shown(**filters) -> set[str]:
        page = html(client.get("/audit/", filters))
        return {oid for oid in ("ref_a", "ref_b", "ord_c", "evt_old") if oid in page}

    assert shown() == {"ref_a", "ref_b", "ord_c", "evt_old"}
    assert shown(action="order.resend") == {"ord_c"}
    assert shown(staff="box_office") == {"ref_a", "ref_b"}
    assert shown(outcome="replayed") == {"ref_b"}
    assert shown(object_id="ord_a") == {"ref_a"}  # an order id also finds its refunds
    assert shown(date_to=(timezone.now() - timedelta(days=30)).date().isoformat()) == {"evt_old"}
    assert shown(date_from=(timezone.now() - timedelta(days=1)).date().isoformat()) == {"ref_a", "ref_b", "ord_c"}


def test_audit_filter_fragment_and_bad_dates(client_as, staff_users):
    record(staff_users["box_office"])
    client = client_as("organizer")
    fragment = html(client.get("/audit/", {"outcome": "succeeded"}, headers={"HX-Request": "true"}))
    assert "<html" not in fragment and 'id="audit-results"' in fragment and "ref_1" in fragment
    response = client.get("/audit/", {"date_from": "2025-02-02", "date_to": "2025-02-01"})
    assert response.status_code == 422 and "must not be before" in html(response)
    assert client.get("/audit/", {"date_from": "yesterday"}).status_code == 422


def test_audit_log_is_paginated(client_as, staff_users):
    for n in range(PAGE_SIZE + 3):
        record(staff_users["box_office"], object_id=f"ref_{n:03d}")
    client = client_as("organizer")
    first = html(client.get("/audit/"))
    assert f"1\u2013{PAGE_SIZE} of {PAGE_SIZE + 3} entries" in first and f"ref_{PAGE_SIZE + 2:03d}" in first
    second = html(client.get("/audit/", {"page": 2}))
    assert f"{PAGE_SIZE + 1}\u2013{PAGE_SIZE + 3} of" in second and "ref_000" in second and "ref_010" not in second


def test_audit_pager_keeps_the_filters(client_as, staff_users, monkeypatch):
    monkeypatch.setattr("boxoffice.audit.views.PAGE_SIZE", 2)
    for n in range(24):
        record(staff_users["box_office"], object_id=f"ref_{n:03d}")
    record(staff_users["box_office"], action="order.resend", object_id="ord_x")
    client = client_as("organizer")
    filters = {"action": "order.refund", "staff": ""}
    page = html(client.get("/audit/", {**filters, "page": 6}, headers={"HX-Request": "true"}))
    assert "11\u201312 of 24 entries" in page and "??" not in page
    items = assert_pager(page, current=6, target="#audit-results", swap="outerHTML", keeps=filters)
    assert [i["text"] for i in items] == ["Previous", "1", "…", "4", "5", "6", "7", "8", "…", "12", "Next"]
    # Without JavaScript the link is followed as it stands: the filters and the page arrive.
    page = html(client.get("/audit/" + items[-1]["href"]))
    assert "13\u201314 of 24 entries" in page and "ord_x" not in page
    assert pager_of(html(client.get("/audit/", {"action": "order.resend"}))) == []  # one page: no pager


def test_double_submitted_refund_reads_as_two_attempts_one_effect(client_as, account):
    from tests.factories import event_make, order_make, ticket_type_make

    event = event_make(account)
    order = order_make(event, ticket_type_make(event))
    desk = client_as("box_office")
    fields = refund_form_fields(html(desk.get(f"/orders/{order.id}/")))
    for _ in range(2):
        desk.post(
            f"/orders/{order.id}/refund/",
            {"amount": "5", "reason": "Customer request", "confirmed": "true", **fields},
            headers={"HX-Request": "true"},
        )
    page = html(client_as("organizer").get("/audit/", {"object_id": order.id}))
    assert page.count("box_office refunded $5.00.") == 2
    assert "Succeeded" in page and "Replayed" in page
    assert "It was sent again and BrightStar answered from its record: nothing was done twice." in page
    # The order page shows the same trail to the desk.
    trail = html(desk.get(f"/orders/{order.id}/"))
    assert trail.count("box_office refunded $5.00.") == 2


def test_offline_check_ins_read_as_what_happened(client_as, staff_users):
    record(
        staff_users["box_office"],
        action="attendee.check_in_offline",
        object_type="attendee",
        object_id="att_1",
        order_id="",
        amount=None,
        detail={"barcode": "ABC123", "offline": True},
    )
    record(
        staff_users["box_office"],
        action="attendee.check_in_offline",
        object_type="attendee",
        object_id="att_2",
        order_id="",
        amount=None,
        outcome=Outcome.REJECTED,
        error_code="ALREADY_CHECKED_IN",
        detail={"barcode": "XYZ789", "offline": True},
    )
    page = html(client_as("organizer").get("/audit/"))
    assert "box_office let a ticket in (ABC123) while BrightStar was not answering (to sync)." in page
    assert (
        "box_office scanned a ticket (XYZ789) while BrightStar was not answering, and the copy at the door "
        "refused it: Already checked in."
    ) in page
