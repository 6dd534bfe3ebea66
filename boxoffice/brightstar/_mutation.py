"""What every mutation shares: an Idempotency-Key, one audit row, cache scope.

Audit rows are written after the answer (or the failure) so each row holds
the outcome; a row per attempt means a double click shows as two attempts
and, thanks to the key, one effect.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.services import audit_record
from boxoffice.brightstar import client
from boxoffice.brightstar.client import ApiResponse
from boxoffice.brightstar.errors import BrightStarError, ConnectionFailed, ServerError

Outcome = AuditEntry.Outcome
# Event and ticket-type figures move with every sale elsewhere: keep it short.
DEFAULT_CACHE_SECONDS = 30


def outcome_for(exc: BrightStarError) -> str:
    # No answer, or a server failure mid-way: the change may or may not exist.
    if isinstance(exc, ConnectionFailed | ServerError):
        return Outcome.UNKNOWN
    return Outcome.REJECTED


def mutate(
    *,
    staff,
    action: str,
    object_type: str,
    object_id: str = "",
    method: str,
    path: str,
    body: Mapping[str, Any] | None = None,
    idempotency_key: str | None = None,
    audit: Mapping[str, Any] | None = None,
    audit_from: Callable[[Any], Mapping[str, Any]] | None = None,
) -> ApiResponse:
    """Send one mutation and audit it, whatever happens.

    `audit` holds fields known up front (event_id, amount…, and `detail`
    to merge into the row's detail); `audit_from`
    reads more from the answer's JSON (a created object's id, a full
    refund's amount).
    """
    key = idempotency_key or client.new_idempotency_key()
    fields: dict[str, Any] = {"object_id": object_id, **(audit or {})}
    extra_detail = fields.pop("detail", None) or {}
    try:
        response = client.request(method, path, json=body, idempotency_key=key)
    except BrightStarError as exc:
        detail = {**extra_detail, "status": exc.status, "request_id": exc.request_id, "replayed": exc.replayed}
        if exc.field:
            detail["field"] = exc.field
        if isinstance(exc, ConnectionFailed):
            detail["may_have_reached_server"] = exc.may_have_reached_server
        audit_record(
            staff=staff, action=action, object_type=object_type, outcome=outcome_for(exc),
            error_code=exc.code, message=exc.message, idempotency_key=key, detail=detail, **fields,
        )
        raise
    if audit_from is not None and response.data is not None:
        fields.update(audit_from(response.data))
    audit_record(
        staff=staff, action=action, object_type=object_type,
        outcome=Outcome.REPLAYED if response.replayed else Outcome.SUCCEEDED,
        idempotency_key=key,
        detail={**extra_detail, "status": response.status, "request_id": response.request_id,
                "attempts": response.attempts},
        **fields,
    )
    return response


def cache_key(*parts: str) -> str:
    """A key scoped to the API URL and key in use, without the key itself in it."""
    scope = hashlib.sha256(f"{settings.BRIGHTSTAR_API_URL}\0{settings.BRIGHTSTAR_API_KEY}".encode()).hexdigest()[:16]
    return ":".join(("brightstar", scope, *parts))


def cache_seconds() -> int:
    return getattr(settings, "BRIGHTSTAR_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)


def cache_forget_event(event_id: str) -> None:
    """The event row and its ticket types: their figures moved or their fields changed."""
    if event_id:
        cache.delete_many([cache_key("event", event_id), cache_key("ticket_types", event_id)])


def require_int(name: str, value: Any) -> None:
    """Catch a float or a str before it becomes money (or a count) on the wire.

    Ranges are the API's to judge: its 400 names the field for the form.
    """
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{name} must be an int (money in cents), not {type(value).__name__}")
