"""Fixtures for the client tests: a fake API host, a pinned clock, a clean cache, and the API's answers."""

import pytest
import responses
from django.contrib.auth import get_user_model
from django.core.cache import cache

from boxoffice.brightstar import client, errors
from boxoffice.brightstar.errors import (
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    ValidationError,
)

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
def mock(fake_api, sleeps):
    """The fake host's answers, as each test adds them (`responses`)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("dora", password="x")


def url(path: str) -> str:
    return f"{FAKE_URL}/{path.lstrip('/')}"


def envelope(code, message="nope", field=None, **extra):
    """The API's error body."""
    return {"error": {"code": code, "message": message, "field": field, **extra}}


# (status, code, the class it raises): what the client and error_from_response are both held to.
ERROR_CLASSES = [
    (400, errors.VALIDATION_ERROR, ValidationError),
    (400, errors.IDEMPOTENCY_KEY_REUSED, ValidationError),
    (401, errors.UNAUTHORIZED, AuthenticationError),
    (403, errors.FORBIDDEN, PermissionDenied),
    (404, errors.NOT_FOUND, NotFound),
    (404, errors.WRONG_EVENT, NotFound),
    (409, errors.ALREADY_CHECKED_IN, Conflict),
    (409, errors.REFUND_STALE, Conflict),
    (409, errors.EVENT_NOT_DRAFT, Conflict),
    (429, errors.RATE_LIMITED, RateLimited),
    (500, errors.INTERNAL_ERROR, ServerError),
    (503, errors.INTERNAL_ERROR, ServerError),
]

# A checked-in attendee as the API sends it (in a list, a check-in, or an ALREADY_CHECKED_IN error).
ATTENDEE = {
    "id": "att_1",
    "event_id": "evt_1",
    "order_id": "ord_1",
    "ticket_type_id": "tkt_1",
    "name": "Ada",
    "email": "ada@example.com",
    "barcode": "BC1",
    "status": "valid",
    "checked_in": True,
    "checked_in_at": "2026-05-01T19:02:03Z",
}
