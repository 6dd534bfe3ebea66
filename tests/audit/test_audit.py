"""The audit trail: append-only, typed, and free of secrets."""

import pytest
from django.contrib.auth import get_user_model

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.selectors import audit_attempts_by_key, audit_for_order, audit_list
from boxoffice.audit.services import audit_record
from tests.audit.conftest import record

pytestmark = pytest.mark.django_db

Outcome = AuditEntry.Outcome


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("dora", password="x")


def test_a_record_keeps_who_what_which_how_much_and_the_outcome(staff):
    entry = record(staff, idempotency_key="k", detail={"status": 201})
    entry.refresh_from_db()
    assert (entry.staff, entry.staff_username, entry.action, entry.object_id, entry.amount, entry.currency) == (
        staff,
        "dora",
        "order.refund",
        "ref_1",
        2500,
        "USD",
    )
    assert (entry.outcome, entry.idempotency_key, entry.detail) == (Outcome.SUCCEEDED, "k", {"status": 201})
    assert entry.created_at is not None


def test_entries_cannot_be_changed_or_deleted(staff):
    entry = record(staff)
    entry.outcome = Outcome.REJECTED
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AuditEntry.objects.get().outcome == Outcome.SUCCEEDED


def test_the_username_survives_the_staff_account(staff):
    record(staff)
    staff.delete()
    entry = AuditEntry.objects.get()
    assert (entry.staff, entry.staff_username) == (None, "dora")


def test_work_without_a_logged_in_user_is_recorded_without_a_name():
    entry = record(None)
    assert (entry.staff, entry.staff_username) == (None, "")


@pytest.mark.parametrize(("field", "value", "error"), [("outcome", "maybe", ValueError), ("amount", 25.0, TypeError)])
def test_bad_outcomes_and_float_money_are_refused(staff, field, value, error):
    with pytest.raises(error):
        record(staff, **{field: value})
    assert not AuditEntry.objects.exists()


def test_messages_are_redacted_and_truncated(staff):
    entry = record(staff, message="key bs_live_abcdef123456 rejected " + "x" * 1000)
    assert "abcdef123456" not in entry.message
    assert len(entry.message) == 500


def test_selectors_filter_and_order(staff):
    record(staff, idempotency_key="k", outcome=Outcome.SUCCEEDED)
    record(staff, idempotency_key="k", outcome=Outcome.REPLAYED)
    record(staff, order_id="ord_2", action="order.resend", idempotency_key="other")
    assert [e.outcome for e in audit_attempts_by_key(idempotency_key="k")] == [Outcome.SUCCEEDED, Outcome.REPLAYED]
    assert audit_for_order(order_id="ord_1").count() == 2
    assert [e.action for e in audit_list(staff_username="dora")] == ["order.resend", "order.refund", "order.refund"]
    assert audit_list(outcome=Outcome.REPLAYED).get().idempotency_key == "k"


def test_overlong_values_from_a_tampered_form_are_cut_to_fit_not_lost(db):
    entry = audit_record(
        staff=None,
        action="order.resend",
        object_type="order",
        object_id="o" * 500,
        outcome="rejected",
        idempotency_key="k" * 10_000,
    )
    entry.refresh_from_db()
    assert len(entry.idempotency_key) == 255 and len(entry.object_id) == 64


def test_nul_bytes_from_a_tampered_form_are_dropped_not_fatal(db):
    entry = audit_record(
        staff=None,
        action="attendee.check_in",
        object_type="attendee",
        object_id="a\x00b",
        outcome="rejected",
        idempotency_key="k\x00",
        detail={"barcode": "X\x00Y"},
    )
    entry.refresh_from_db()
    assert (entry.object_id, entry.idempotency_key, entry.detail) == ("ab", "k", {"barcode": "XY"})


def _sent(value="att_1"):
    from boxoffice.brightstar.resources import Sent

    return Sent(value=value, idempotency_key="k", status=201, request_id="req_1", replayed=False, attempts=1)


@pytest.mark.django_db(transaction=True)
def test_what_a_success_leaves_behind_commits_with_its_audit_row(staff):
    """`then` runs inside the row's transaction: both are there once audited() returns, in one commit."""
    from django.db import connection

    from boxoffice.audit.services import audited

    seen = []

    def then(value):
        # Still inside the row's transaction, and the row is already written in it.
        seen.append((value, connection.in_atomic_block, AuditEntry.objects.filter(idempotency_key="k").exists()))

    audited(_sent, staff=staff, action="attendee.check_in", object_type="attendee", idempotency_key="k", then=then)
    assert seen == [("att_1", True, True)]
    assert not connection.in_atomic_block
    assert AuditEntry.objects.get(idempotency_key="k").outcome == Outcome.SUCCEEDED


@pytest.mark.django_db(transaction=True)
def test_a_failing_follow_up_never_takes_the_audit_row_with_it(staff):
    """BrightStar did it: the row is committed even when what the dashboard keeps of it cannot be written."""
    from boxoffice.audit.services import audited

    def then(value):
        AuditEntry.objects.filter(pk=-1).exists()
        raise RuntimeError("the replica could not be written")

    with pytest.raises(RuntimeError, match="replica"):
        audited(_sent, staff=staff, action="attendee.check_in", object_type="attendee", idempotency_key="k", then=then)
    assert AuditEntry.objects.get(idempotency_key="k").outcome == Outcome.SUCCEEDED


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_dashboards_database_waits_for_the_disk_and_the_sandboxs_need_not(settings):
    """synchronous=FULL on the dashboard's SQLite: an audit row or an offline admission outlives a power cut."""
    from django.db import connections

    for alias, expected in (("default", 2), ("sandbox", 1)):  # FULL, NORMAL
        connection = connections[alias]
        if connection.vendor != "sqlite":
            pytest.skip("PostgreSQL commits durably by default (synchronous_commit=on)")
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == expected, alias
