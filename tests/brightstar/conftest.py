"""Fixtures for the client tests: a fake API host, a pinned clock, a clean cache."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from boxoffice.brightstar import client

FAKE_URL = "https://api.brightstar.invalid/v1/test"
FAKE_KEY = "bs_test_SuperSecretKeyThatMustNeverLeak42"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_api(settings):
    """Settings pointing the client at a host only `responses` answers for."""
    settings.BRIGHTSTAR_API_URL = FAKE_URL
    settings.BRIGHTSTAR_API_KEY = FAKE_KEY
    settings.BRIGHTSTAR_TIMEOUT = (3.0, 10.0)
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 3
    return FAKE_URL


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Every backoff the client would have slept, without sleeping."""
    slept: list[float] = []
    monkeypatch.setattr(client, "_sleep", slept.append)
    return slept


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("dora", password="x")


def url(path: str) -> str:
    return f"{FAKE_URL}/{path.lstrip('/')}"
