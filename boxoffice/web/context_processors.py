from django.conf import settings

from boxoffice.web import health


def environment(request) -> dict:
    # Only the environment is derived from the key: the key itself never reaches a template.
    return {
        "test_mode": settings.BRIGHTSTAR_API_KEY.startswith("bs_test_"),
        # The function, not its answer: a template calls it only where the pill is drawn (_base.html),
        # so an htmx fragment (most of the door's traffic) reads nothing from the cache, which is a
        # round trip to Redis once CACHE_URL is set.
        "brightstar_degraded": health.is_degraded,
    }
