"""Reading the audit trail (newest first)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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


def audit_search(
    *,
    action: str = "",
    staff_username: str = "",
    outcome: str = "",
    object_id: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[AuditEntry]:
    """The audit log page's filters; blank means "any". Newest first.

    An object id matches the row's object, order or event, so pasting an
    order id also finds the refunds and check-ins made on it.
    """
    entries = audit_list(action=action or None, staff_username=staff_username or None, outcome=outcome or None)
    if object_id:
        entries = entries.filter(Q(object_id=object_id) | Q(order_id=object_id) | Q(event_id=object_id))
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries


def audit_filter_choices() -> dict[str, list[str]]:
    """The actions and staff that appear in the log, for the filter menus."""
    return {
        "actions": list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct()),
        "staff": list(
            AuditEntry.objects.exclude(staff_username="")
            .order_by("staff_username")
            .values_list("staff_username", flat=True)
            .distinct()
        ),
    }
