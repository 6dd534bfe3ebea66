"""`make serve`'s settings (boxoffice.settings, DEBUG off, no CACHE_URL unless the test sets one), plus two things
only a test needs: which worker answered, and templates that render without running collectstatic first."""

from boxoffice.settings import *  # noqa: F403

MIDDLEWARE = ["tests.serving.worker.WorkerPidMiddleware", *MIDDLEWARE]  # noqa: F405
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
