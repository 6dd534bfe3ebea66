"""Per-key request budget: `SANDBOX_RATE_LIMIT` requests per window.

A fixed window in Django's cache: cheap, and shared across processes once
CACHE_URL points at Redis. Counting per key means one account's traffic
never eats another's budget.
"""

import functools
import math
import time

from django.conf import settings
from django.core.cache import cache

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.models import ApiKey

_PERIODS = {"second": 1, "minute": 60, "hour": 3600}


@functools.lru_cache
def parse_rate(rate: str) -> tuple[int, int]:
    """ "1200/minute" -> (1200, 60)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip().lower()]


def check(api_key: ApiKey, *, now: float | None = None) -> None:
    limit, period = parse_rate(settings.SANDBOX_RATE_LIMIT)
    now = time.time() if now is None else now
    window = int(now // period)
    counter = f"sandbox:rate:{api_key.pk}:{period}:{window}"
    cache.add(counter, 0, timeout=period + 1)
    try:
        used = cache.incr(counter)
    except ValueError:  # expired between add and incr: this request opens the window
        cache.set(counter, 1, timeout=period + 1)
        used = 1
    if used > limit:
        retry_after = max(1, math.ceil((window + 1) * period - now))
        raise ApiError(
            errors.RATE_LIMITED,
            f"Too many requests: the limit is {settings.SANDBOX_RATE_LIMIT} per key",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
            limit=limit,
            period_seconds=period,
        )
