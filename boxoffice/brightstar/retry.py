"""When to try a request again, and how long to wait first.

Both are pure functions so the policy can be tested without a network or a
clock. A retry is only safe when the server cannot apply the change twice:
reads and DELETEs by their nature, POSTs because the API replays an answer
for a repeated `Idempotency-Key`. Anything else (a POST without a key, a
PATCH, which the API does not replay) is never retried blindly.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from boxoffice.brightstar.errors import IDEMPOTENCY_IN_PROGRESS, ConnectionFailed

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
# A 500 often means a bug that fails the same way again, so writes never
# retry it (the API does not keep 5xx answers: a keyed retry would run
# again); a read costs nothing to ask once more, and often gets through.
RETRYABLE_FOR_READS = frozenset({500})

BASE_DELAY = 0.25
MAX_DELAY = 2.0
# A door volunteer with a queue must not wait out a long Retry-After.
RETRY_AFTER_CAP = 2.0


def is_replay_safe(*, method: str, has_idempotency_key: bool) -> bool:
    method = method.upper()
    return method in IDEMPOTENT_METHODS or (method == "POST" and has_idempotency_key)


def should_retry(
    *,
    method: str,
    has_idempotency_key: bool,
    status: int | None = None,
    code: str | None = None,
    exc: BaseException | None = None,
    attempt: int,
    max_attempts: int,
) -> bool:
    """Whether attempt number `attempt` (1-based) deserves another one.

    Pass `status` (and the error `code`, if any) when a response came back,
    or `exc` when none did.
    """
    if attempt >= max_attempts:
        return False
    if not is_replay_safe(method=method, has_idempotency_key=has_idempotency_key):
        return False
    if exc is not None:
        return isinstance(exc, ConnectionFailed)
    if status in RETRYABLE_STATUSES or (status in RETRYABLE_FOR_READS and method.upper() in READ_METHODS):
        return True
    # The first request with this key is still running on the server (e.g. we
    # timed out on it): asking again soon gets its answer, not a second effect.
    return status == 409 and code == IDEMPOTENCY_IN_PROGRESS and has_idempotency_key


def backoff(
    attempt: int,
    *,
    retry_after: float | None = None,
    retry_after_cap: float = RETRY_AFTER_CAP,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds to sleep after failed attempt number `attempt` (1-based).

    Exponential from BASE_DELAY, capped at MAX_DELAY, with "equal jitter"
    (half fixed, half random) so a crowd of clients spreads out but nobody
    retries instantly. A server's Retry-After wins, up to `retry_after_cap`.
    """
    if retry_after is not None:
        return min(max(retry_after, 0.0), retry_after_cap)
    delay = min(MAX_DELAY, BASE_DELAY * 2.0 ** (attempt - 1))
    return delay / 2 + rand() * delay / 2
