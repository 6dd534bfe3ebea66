"""How BrightStar has been answering lately, for the "degraded" pill in the top bar.

Only failures are recorded (a counter per minute in Django's cache, so all
workers share it once CACHE_URL points at Redis); the happy path costs nothing.
"""

import time

from django.core.cache import cache

WINDOW = 60
DEGRADED_AFTER = 3  # failed exchanges in the current minute


def _key(now: float) -> str:
    return f"brightstar:failures:{int(now // WINDOW)}"


def record_failure(*, now: float | None = None) -> None:
    key = _key(time.time() if now is None else now)
    cache.add(key, 0, timeout=WINDOW * 2)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW * 2)


def is_degraded(*, now: float | None = None) -> bool:
    now = time.time() if now is None else now
    # This minute and the last, so the pill does not flicker off at :00.
    recent = cache.get_many([_key(now), _key(now - WINDOW)])
    return sum(recent.values()) >= DEGRADED_AFTER


def on_exchange_failed(sender, **kwargs) -> None:
    """The SDK's `exchange_failed` signal: one more failure this minute."""
    record_failure()
