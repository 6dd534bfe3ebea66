"""Writing the audit trail: one append-only row per attempted mutation.

Rows are written after the answer (or the failure) so each row holds the
outcome; a row per attempt means a double click shows as two attempts and,
thanks to the Idempotency-Key, one effect.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from django.db import connections, router, transaction

from boxoffice.audit.models import AuditEntry
from boxoffice.brightstar.errors import BrightStarError, ConnectionFailed, ServerError, redact
from boxoffice.brightstar.resources import Sent

Outcome = AuditEntry.Outcome
_MESSAGE_MAX = AuditEntry._meta.get_field("message").max_length


def outcome_for(exc: BrightStarError) -> str:
    # No answer, or a server failure mid-way: the change may or may not exist.
    if isinstance(exc, ConnectionFailed | ServerError):
        return Outcome.UNKNOWN
    return Outcome.REJECTED


def audited[T](
    send: Callable[[], Sent[T]],
    *,
    staff,
    action: str,
    object_type: str,
    idempotency_key: str,
    object_id: str = "",
    event_id: str = "",
    order_id: str = "",
    amount: int | None = None,
    currency: str = "",
    detail: Mapping[str, Any] | None = None,
    from_value: Callable[[T], Mapping[str, Any]] | None = None,
    then: Callable[[T], object] | None = None,
) -> Sent[T]:
    """Send one mutation through the SDK and record it, whatever happens.

    The fields are what is known up front; `from_value` reads more from the
    answer (a created object's id, a full refund's amount). `then` writes what
    the caller keeps of a success (the door's replica) in the audit row's own
    transaction: one commit, so one fsync on the dashboard's database
    (settings: synchronous=FULL). If `then` fails, the row is still committed
    (BrightStar did it) and the failure raised after.
    """
    fields: dict[str, Any] = {
        "object_id": object_id,
        "event_id": event_id,
        "order_id": order_id,
        "amount": amount,
        "currency": currency,
    }
    known = dict(detail or {})
    try:
        sent = send()
    except BrightStarError as exc:
        failure = {**known, "status": exc.status, "request_id": exc.request_id, "replayed": exc.replayed}
        if exc.field:
            failure["field"] = exc.field
        if isinstance(exc, ConnectionFailed):
            failure["may_have_reached_server"] = exc.may_have_reached_server
        audit_record(
            staff=staff,
            action=action,
            object_type=object_type,
            outcome=outcome_for(exc),
            error_code=exc.code,
            message=exc.message,
            idempotency_key=idempotency_key,
            detail=failure,
            **fields,
        )
        raise
    if from_value is not None and sent.value is not None:
        fields.update(from_value(sent.value))
    using = router.db_for_write(AuditEntry)
    failed: Exception | None = None
    with transaction.atomic(using=using):
        audit_record(
            staff=staff,
            action=action,
            object_type=object_type,
            outcome=Outcome.REPLAYED if sent.replayed else Outcome.SUCCEEDED,
            idempotency_key=idempotency_key,
            detail={**known, "status": sent.status, "request_id": sent.request_id, "attempts": sent.attempts},
            **fields,
        )
        if then is not None:
            try:
                with transaction.atomic(using=using):  # a savepoint: its failure must not take the row with it
                    then(sent.value)
            except Exception as exc:  # raised again below, once the row is committed
                failed = exc
    if failed is not None:
        raise failed
    return sent


def audit_record(
    *,
    staff,
    action: str,
    object_type: str,
    object_id: str,
    outcome: str,
    event_id: str = "",
    order_id: str = "",
    amount: int | None = None,
    currency: str = "",
    error_code: str = "",
    message: str = "",
    idempotency_key: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `staff` is a user, or None for work nobody clicked (commands)."""
    if outcome not in Outcome.values:
        raise ValueError(f"unknown audit outcome {outcome!r}")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        raise TypeError("audit amounts are integer cents")
    user = staff if staff is not None and getattr(staff, "is_authenticated", False) else None
    entry = AuditEntry(
        staff=user,
        staff_username=user.get_username() if user is not None else "",
        action=action,
        object_type=object_type,
        object_id=object_id or "",
        outcome=outcome,
        event_id=event_id or "",
        order_id=order_id or "",
        amount=amount,
        currency=currency or "",
        error_code=error_code or "",
        # Messages come from the API or from exceptions: never store a key.
        message=redact(message or "")[:_MESSAGE_MAX],
        idempotency_key=idempotency_key or "",
        detail=detail or {},
    )
    # Values can come from a tampered form (an overlong key, a NUL byte): the
    # trail keeps what it can store rather than losing the row. PostgreSQL,
    # unlike SQLite, refuses both.
    for field in AuditEntry._meta.concrete_fields:
        value = getattr(entry, field.attname)
        if isinstance(value, str):
            value = value.replace("\x00", "")
            setattr(entry, field.attname, value[: field.max_length] if field.max_length else value)
    entry.detail = _storable(entry.detail)
    _insert(entry)
    return entry


def _insert(entry: AuditEntry) -> None:
    """One INSERT, its SQL built once per database.

    Every scan at the door writes a row: Model.save() spends four times as
    long building the statement as the database spends running it. The
    fields still convert their own values (JSON, datetimes, per database).
    """
    connection = connections[router.db_for_write(AuditEntry)]
    fields = _fields()
    params = [field.get_db_prep_save(field.pre_save(entry, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(connection.alias), params)
        entry.pk = cursor.fetchone()[0]
    entry._state.adding, entry._state.db = False, connection.alias


@functools.cache
def _fields() -> tuple:
    return tuple(f for f in AuditEntry._meta.concrete_fields if not f.primary_key)


@functools.cache
def _insert_sql(alias: str) -> str:
    quote = connections[alias].ops.quote_name
    columns = ", ".join(quote(f.column) for f in _fields())
    placeholders = ", ".join(["%s"] * len(_fields()))
    # Only the model's own table and column names go in: values travel as parameters.
    pk_column = AuditEntry._meta.pk.column
    assert pk_column is not None  # a primary key is a concrete field: it always has a column
    table, pk = quote(AuditEntry._meta.db_table), quote(pk_column)
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING {pk}"  # noqa: S608


def _storable(value):
    """JSON without NUL characters, which PostgreSQL's jsonb cannot hold."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value
