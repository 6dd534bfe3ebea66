"""Test settings: the dashboard's and the sandbox's URLs in one live server.

Tests may import both sides; the product may not (see the import-linter
contract in pyproject.toml).
"""

import os

from boxoffice.settings import *  # noqa: F403

ROOT_URLCONF = "tests.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Generous, so the suite never trips it by accident; rate-limit tests override it.
SANDBOX_RATE_LIMIT = "100000/minute"
# No collectstatic before tests: serve static files from the source folders.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405

# One test database file per pytest process, so two runs on one machine
# (a developer's and a helper's, or CI legs) never delete each other's.
for _alias, _db in DATABASES.items():  # noqa: F405
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        _db["TEST"]["NAME"] = str(VAR_DIR / f"test_{_alias}_{os.getpid()}.sqlite3")  # noqa: F405
    # Live-server threads must not keep connections open past a test, or
    # PostgreSQL refuses to drop the test database at the end.
    _db["CONN_MAX_AGE"] = 0

# Without it the live server crashes on a URL segment over 255 bytes (Django checks MEDIA_URL against the path).
MEDIA_URL = "/media/"
