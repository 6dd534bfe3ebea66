"""Idempotency keys: a retried POST replays the first answer, never a second effect.

The first request with a key claims it (a unique row); the answer is stored
on that row and replayed for 24 h to any request with the same key and the
same body. 429 and 5xx answers are not stored, so a retry after them runs
for real. A second request that arrives while the first is still running
waits for its answer, briefly, then gets 409 IDEMPOTENCY_IN_PROGRESS.
"""

import hashlib
import json
import re
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.models import ApiKey, IdempotencyRecord

# POST as the seed's contract says; DELETE too, so a retried undo or delete
# whose first answer was lost reports what happened instead of a 404/409.
IDEMPOTENT_METHODS = frozenset({"POST", "DELETE"})
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = timedelta(hours=24)
# A claim this old with no answer belongs to a process that died mid-request.
ABANDONED_AFTER = timedelta(minutes=5)
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.02
MAX_KEY_LENGTH = 255
# Some servers pass control characters through in a header (runserver), others
# refuse the request (gunicorn): refused here too, so a key means one thing
# whichever server stored it, and PostgreSQL is never handed a NUL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# Expired rows are dead weight: each process clears them out this often.
PURGE_EVERY_SECONDS = 3600.0
_next_purge = 0.0  # time.monotonic() of this process's next purge


def run(request: HttpRequest, api_key: ApiKey, call: Callable[[], HttpResponse]) -> HttpResponse:
    key = request.headers.get(HEADER)
    if request.method not in IDEMPOTENT_METHODS or key is None:
        return call()
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise errors.invalid(
            HEADER, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters", min_length=1, max_length=MAX_KEY_LENGTH
        )
    if CONTROL_CHARACTERS.search(key):
        raise ApiError(errors.VALIDATION_ERROR, f"{HEADER} must not contain control characters", field=HEADER)
    _purge_now_and_then()
    fingerprint = _fingerprint(request)
    scope = {"account_id": api_key.account_id, "livemode": api_key.livemode, "key": key}

    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = _claim(scope, fingerprint)
        if record is not None:
            return _execute(record, call)
        existing = IdempotencyRecord.objects.filter(**scope).first()
        if existing is None:
            continue  # released between our claim and our read: claim again
        if _is_stale(existing) and _discard_stale(scope):
            continue  # expired or abandoned: claim it afresh
        if existing.request_hash != fingerprint:
            raise ApiError(
                errors.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was already used with a different request",
                field=HEADER,
            )
        if existing.status_code is not None:
            return _replay(existing)
        if time.monotonic() >= deadline:
            raise ApiError(
                errors.IDEMPOTENCY_IN_PROGRESS,
                "A request with this Idempotency-Key is still being processed",
            )
        time.sleep(POLL_SECONDS)


def _fingerprint(request: HttpRequest) -> str:
    try:
        body = json.dumps(json.loads(request.body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        # Not JSON, or nested too deep to parse (the view refuses it as 400
        # either way): compare the bytes as they came.
        body = request.body
    return hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"\n" + body).hexdigest()


def _claim(scope: dict, fingerprint: str) -> IdempotencyRecord | None:
    try:
        with transaction.atomic(using="sandbox"):
            return IdempotencyRecord.objects.create(**scope, request_hash=fingerprint)
    except IntegrityError:
        return None


def _is_stale(record: IdempotencyRecord) -> bool:
    """Past its 24 h, or a claim whose process died mid-request: free to claim again."""
    age = timezone.now() - record.created_at
    return age > TTL or (record.status_code is None and age > ABANDONED_AFTER)


def _stale() -> Q:
    now = timezone.now()
    return Q(created_at__lt=now - TTL) | Q(status_code__isnull=True, created_at__lt=now - ABANDONED_AFTER)


def idempotency_purge() -> int:
    """Delete every stale row (past its 24 h, or abandoned mid-request); how many went."""
    deleted, _ = IdempotencyRecord.objects.filter(_stale()).delete()
    return deleted


def _purge_now_and_then() -> None:
    # Per process, by the clock: no shared state to keep, and with several
    # workers each one purging hourly is harmless (the DELETE is idempotent).
    global _next_purge
    if time.monotonic() < _next_purge:
        return
    _next_purge = time.monotonic() + PURGE_EVERY_SECONDS
    idempotency_purge()


def _discard_stale(scope: dict) -> bool:
    # Only when a claim collides, never on every request: a fresh key (the
    # usual case) costs one INSERT. The WHERE re-checks staleness, so a row
    # answered or replaced since we read it stays.
    deleted, _ = IdempotencyRecord.objects.filter(_stale(), **scope).delete()
    return deleted > 0


def _execute(record: IdempotencyRecord, call: Callable[[], HttpResponse]) -> HttpResponse:
    try:
        response = call()
    except BaseException:
        record.delete()
        raise
    if response.status_code == 429 or response.status_code >= 500:
        record.delete()
    else:
        record.status_code = response.status_code
        record.body = response.content
        record.save(update_fields=["status_code", "body"])
    return response


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body or b""), status=record.status_code, content_type="application/json")
    response[REPLAYED_HEADER] = "true"
    return response
