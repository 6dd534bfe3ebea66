"""A session kept in one worker's memory outlives its logout on the others: say so at start-up."""

from django.conf import settings
from django.core.checks import Warning, register

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)
CACHED_SESSION_ENGINES = ("django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db")
SESSIONS_IN_PROCESS = "staff.W001"


@register()
def sessions_shared_by_every_worker(app_configs, **kwargs):
    if settings.SESSION_ENGINE not in CACHED_SESSION_ENGINES:
        return []
    if settings.CACHES[settings.SESSION_CACHE_ALIAS]["BACKEND"] not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"SESSION_ENGINE={settings.SESSION_ENGINE} keeps sessions in a cache of each worker's own: "
            "with more than one worker, a session logged out on one is still served by the others.",
            hint="Leave SESSION_ENGINE unset (database sessions without CACHE_URL), or set CACHE_URL to Redis.",
            id=SESSIONS_IN_PROCESS,
        )
    ]
