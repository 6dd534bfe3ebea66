"""The benchmark's floor: a bare Django view returning a small JSON body.

Served by the same gunicorn configuration as the dashboard and the sandbox,
so every figure of `bench/door.py` can be read as a multiple of what Django
itself costs on this machine. Nothing here belongs to the product.

    gunicorn bench.floor:application
"""

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor-only",  # noqa: S106 - no sessions, nothing signed
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        USE_TZ=True,
    )

from django.core.wsgi import get_wsgi_application
from django.http import JsonResponse
from django.urls import path


def floor(request):
    return JsonResponse({"id": "att_floor", "status": "valid", "checked_in": True})


urlpatterns = [path("floor/", floor)]
application = get_wsgi_application()
