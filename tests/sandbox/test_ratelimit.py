import pytest

from sandbox import errors
from sandbox.ratelimit import parse_rate
from tests.conftest import ApiSession, make_account
from tests.factories import assert_api_error

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_parse_rate():
    assert parse_rate("1200/minute") == (1200, 60)
    assert parse_rate("5/second") == (5, 1)
    assert parse_rate("100/hour") == (100, 3600)


def test_a_key_over_its_budget_gets_429_with_retry_after(api, sandbox_url, settings):
    settings.SANDBOX_RATE_LIMIT = "3/hour"
    for _ in range(3):
        assert api.get("/events").status_code == 200
    response = api.get("/events")
    error = assert_api_error(response, 429, errors.RATE_LIMITED)
    assert 1 <= int(response.headers["Retry-After"]) <= 3600
    assert error["retry_after"] == int(response.headers["Retry-After"])

    _, other_key = make_account("globex")
    with ApiSession(sandbox_url, other_key) as other:
        assert other.get("/events").status_code == 200  # another account's budget is untouched
