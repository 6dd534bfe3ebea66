"""Requests no client should send are refused in the envelope, by every server.

Each test runs against pytest's live server, `runsandbox` (Django's
runserver) and gunicorn: they parse headers and bodies differently, and the
contract must not depend on which one answered.
"""

import uuid

import pytest
from django.conf import settings

from sandbox import errors
from sandbox.models import Event, IdempotencyRecord
from tests.conftest import ApiSession
from tests.factories import assert_api_error
from tests.sandbox.servers import serve

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

EVENT = {"title": "Hostile", "start_date": "2030-01-01T00:00:00Z"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module", params=["live", "runserver", "gunicorn"])
def server_url(request, django_db_setup):
    if request.param == "live":
        yield request.getfixturevalue("live_server").url + "/v1/test"
        return
    with serve(request.param, workers=1) as url:
        yield url


@pytest.fixture
def api(server_url, account_and_key):
    with ApiSession(server_url, account_and_key[1]) as session:
        yield session


def keyed(with_key: bool) -> dict:
    return {**JSON, "Idempotency-Key": str(uuid.uuid4())} if with_key else JSON


@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "key"])
def test_a_body_over_the_limit_is_413_in_the_envelope(api, with_key):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = b'{"title": "' + b"x" * limit + b'", "start_date": "2030-01-01T00:00:00Z"}'
    response = api.post("/events", data=body, headers=keyed(with_key))
    error = assert_api_error(response, 413, errors.REQUEST_TOO_LARGE)
    assert error["max_bytes"] == limit and error["field"] is None
    assert response.headers["X-Request-Id"].startswith("req_")
    assert not Event.objects.exists() and not IdempotencyRecord.objects.exists()


@pytest.mark.parametrize("with_key", [False, True], ids=["no-key", "key"])
def test_json_nested_past_any_parser_is_a_validation_error(api, with_key):
    depth = 100_000
    response = api.post("/events", data="[" * depth + "]" * depth, headers=keyed(with_key))
    assert_api_error(response, 400, errors.VALIDATION_ERROR)
    assert not Event.objects.exists()


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x1b", "\x1f", "\x7f", "\t"])
def test_a_control_character_in_an_idempotency_key_is_refused(api, char):
    response = api.post("/events", json=EVENT, headers={"Idempotency-Key": f"retry{char}1"})
    assert_api_error(response, 400, errors.VALIDATION_ERROR, "Idempotency-Key")
    assert response.headers["X-Request-Id"].startswith("req_")
    assert not Event.objects.exists() and not IdempotencyRecord.objects.exists()


def test_a_plain_key_still_works_on_this_server(api):
    headers = {"Idempotency-Key": "order-42 retry #1"}
    first, second = api.post("/events", json=EVENT, headers=headers), api.post("/events", json=EVENT, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true" and Event.objects.count() == 1
