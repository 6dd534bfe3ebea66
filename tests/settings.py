"""Test settings: the dashboard's and the sandbox's URLs in one live server.

Tests may import both sides; the product may not (see the import-linter
contract in pyproject.toml).
"""

from boxoffice.settings import *  # noqa: F403

ROOT_URLCONF = "tests.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Generous, so the suite never trips it by accident; rate-limit tests override it.
SANDBOX_RATE_LIMIT = "100000/minute"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
