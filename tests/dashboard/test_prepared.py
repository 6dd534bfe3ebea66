"""Querysets compiled once (boxoffice/prepared.py) answer exactly as the ORM does, with each run's values."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from boxoffice.prepared import Prepared, PreparedUpdate
from boxoffice.venue.models import ReplicaTicket

pytestmark = pytest.mark.django_db


def _ticket(attendee_id: str, barcode: str, *, event_id: str = "evt_1") -> ReplicaTicket:
    return ReplicaTicket.objects.create(
        event_id=event_id, attendee_id=attendee_id, barcode=barcode, ticket_type_id="tt_1", status="valid"
    )


def test_a_model_query_binds_each_runs_values_and_converts_as_the_orm():
    when = datetime(2026, 6, 14, 19, 42, tzinfo=UTC)
    _ticket("att_1", "AAA")
    ReplicaTicket.objects.filter(attendee_id="att_1").update(checked_in=True, checked_in_at=when)
    _ticket("att_2", "BBB", event_id="evt_2")
    by_code = Prepared(
        lambda event_id, code: ReplicaTicket.objects.filter(event_id=event_id, barcode=code)[:1],
        event_id="e-marker",
        code="c-marker",
    )
    found = by_code.first(event_id="evt_1", code="AAA")
    assert found == ReplicaTicket.objects.get(barcode="AAA")
    assert (found.checked_in, found.checked_in_at) == (True, when)  # a boolean and an aware datetime
    assert by_code.first(event_id="evt_2", code="BBB").attendee_id == "att_2"
    assert by_code.first(event_id="evt_1", code="BBB") is None  # another event's ticket


def test_a_values_query_returns_rows_and_runs_one_query_without_building_it_again():
    user = User.objects.create_user("ada")
    user.groups.add(Group.objects.get(name="Door"))
    roles = Prepared(lambda pk: Group.objects.filter(user__id=pk).values_list("name"), pk=-1)
    assert roles.rows(pk=user.pk) == [("Door",)]
    with CaptureQueriesContext(connection) as queries:
        assert roles.rows(pk=user.pk + 1000) == []
    assert len(queries.captured_queries) == 1


def test_an_update_prepares_its_values_by_their_fields_and_counts_the_rows():
    when = datetime(2026, 6, 14, 19, 42, tzinfo=UTC)
    _ticket("att_1", "AAA")
    _ticket("att_2", "BBB")
    follow = PreparedUpdate(
        lambda code: ReplicaTicket.objects.filter(attendee_id=code), ("checked_in", "checked_in_at"), code="marker"
    )
    assert follow.run(values={"checked_in": True, "checked_in_at": when}, code="att_1") == 1
    assert follow.run(values={"checked_in": True, "checked_in_at": when}, code="att_9") == 0
    assert list(ReplicaTicket.objects.order_by("attendee_id").values_list("checked_in", "checked_in_at")) == [
        (True, when),
        (False, None),
    ]


def test_a_placeholder_the_compiled_query_does_not_hold_once_is_refused():
    # Equal to a constant of the query: which parameter to swap cannot be told.
    clash = Prepared(lambda code: ReplicaTicket.objects.filter(status="valid", barcode=code), code="valid")
    with pytest.raises(ValueError, match="2 times"):
        clash.rows()


def test_all_reads_every_row_in_the_querysets_order_and_skips_what_select_related_joins():
    from boxoffice.audit.selectors import audit_for_order
    from boxoffice.audit.services import audit_record

    staff = User.objects.create_user("ada")
    for n in range(3):
        audit_record(
            staff=staff,
            action="order.refund",
            object_type="order",
            object_id=f"ref_{n}",
            outcome="succeeded",
            order_id="ord_1",
        )
    audit_record(
        staff=staff,
        action="order.refund",
        object_type="order",
        object_id="ref_x",
        outcome="succeeded",
        order_id="ord_2",
    )
    trail = Prepared(lambda order_id: audit_for_order(order_id=order_id)[:2], order_id="prepared:order")
    assert trail.all(order_id="ord_1") == list(audit_for_order(order_id="ord_1")[:2])
    assert [e.object_id for e in trail.all(order_id="ord_1")] == ["ref_2", "ref_1"]  # newest first, two at most
    assert [e.staff_username for e in trail.all(order_id="ord_2")] == ["ada"]
    assert trail.all(order_id="ord_3") == []
