from django.conf import settings

from boxoffice.web import health


def environment(request) -> dict:
    # Only the environment is derived from the key: the key itself never reaches a template.
    return {
        "test_mode": settings.BRIGHTSTAR_API_KEY.startswith("bs_test_"),
        "brightstar_degraded": health.is_degraded(),
    }
