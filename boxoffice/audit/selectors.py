"""Reading the audit trail (newest first)."""

from __future__ import annotations

from django.db.models import QuerySet

from boxoffice.audit.models import AuditEntry


def audit_list(
    *,
    action: str | None = None,
    object_id: str | None = None,
    event_id: str | None = None,
    order_id: str | None = None,
    staff_username: str | None = None,
    outcome: str | None = None,
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("staff")
    filters = {
        "action": action,
        "object_id": object_id,
        "event_id": event_id,
        "order_id": order_id,
        "staff_username": staff_username,
        "outcome": outcome,
    }
    return entries.filter(**{name: value for name, value in filters.items() if value is not None})


def audit_for_order(*, order_id: str) -> QuerySet[AuditEntry]:
    """Everything done to one order: refunds, resends, and its tickets' check-ins."""
    return audit_list(order_id=order_id)


def audit_attempts_by_key(*, idempotency_key: str) -> QuerySet[AuditEntry]:
    """All attempts that shared one Idempotency-Key: many attempts, at most one effect."""
    return AuditEntry.objects.filter(idempotency_key=idempotency_key).order_by("created_at", "id")
