"""Audit rows for the audit tests, written through the service as the dashboard writes them."""

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.services import audit_record


def record(staff, **overrides) -> AuditEntry:
    """A succeeded $25.00 refund by `staff`, unless `overrides` say otherwise."""
    fields = {
        "staff": staff,
        "action": "order.refund",
        "object_type": "refund",
        "object_id": "ref_1",
        "outcome": AuditEntry.Outcome.SUCCEEDED,
        "order_id": "ord_1",
        "amount": 2500,
        "currency": "USD",
    }
    return audit_record(**{**fields, **overrides})
