"""error_from_response: status → class, envelope → code/message/field/extras."""

import json

import pytest
import requests

from boxoffice.brightstar import errors
from boxoffice.brightstar.errors import (
    BrightStarError,
    ConnectionFailed,
    NotFound,
    RateLimited,
    ServerError,
    error_from_response,
)
from boxoffice.brightstar.resources import attendee_in
from tests.brightstar.conftest import ATTENDEE, ERROR_CLASSES, FAKE_KEY, envelope


def make_response(status: int, body=None, *, headers=None, raw: bytes | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    if raw is not None:
        response._content = raw
    else:
        response._content = json.dumps(body).encode()
        response.headers.setdefault("Content-Type", "application/json")
    return response


@pytest.mark.parametrize(("status", "code", "cls"), ERROR_CLASSES)
def test_each_status_maps_to_its_class_and_keeps_the_code(status, code, cls):
    exc = error_from_response(make_response(status, envelope(code), headers={"X-Request-Id": "req_abc"}))
    assert type(exc) is cls
    assert isinstance(exc, BrightStarError)
    assert (exc.status, exc.code, exc.message, exc.request_id) == (status, code, "nope", "req_abc")


def test_an_unexpected_4xx_is_a_plain_brightstar_error():
    exc = error_from_response(make_response(405, envelope(errors.METHOD_NOT_ALLOWED)))
    assert type(exc) is BrightStarError
    assert exc.code == errors.METHOD_NOT_ALLOWED


def test_validation_error_names_the_field():
    exc = error_from_response(make_response(400, envelope(errors.VALIDATION_ERROR, "title is required", "title")))
    assert exc.field == "title"
    assert exc.message == "title is required"


def test_already_checked_in_carries_the_attendee_with_the_first_scan_time():
    exc = error_from_response(make_response(409, envelope(errors.ALREADY_CHECKED_IN, attendee=ATTENDEE)))
    assert attendee_in(exc).id == "att_1"
    assert attendee_in(exc).checked_in_at.isoformat() == "2026-05-01T19:02:03+00:00"
    assert exc.extra["attendee"]["barcode"] == "BC1"


def test_a_conflict_without_attendee_has_none():
    assert attendee_in(error_from_response(make_response(409, envelope(errors.TICKET_VOID)))) is None


def test_wrong_event_says_which_event_the_ticket_belongs_to():
    exc = error_from_response(
        make_response(404, envelope(errors.WRONG_EVENT, event_id="evt_other", event_title="Jazz Night"))
    )
    assert isinstance(exc, NotFound)
    assert (exc.code, exc.event_id, exc.event_title) == (errors.WRONG_EVENT, "evt_other", "Jazz Night")


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("0.5", 0.5), ("-3", 0.0), ("soon", None), (None, None)])
def test_rate_limited_reads_retry_after(header, expected):
    headers = {"Retry-After": header} if header is not None else {}
    exc = error_from_response(make_response(429, envelope(errors.RATE_LIMITED), headers=headers))
    assert isinstance(exc, RateLimited)
    assert exc.retry_after == expected


def test_a_5xx_html_page_from_a_proxy_is_a_server_error():
    exc = error_from_response(make_response(502, raw=b"<html>Bad Gateway</html>"))
    assert isinstance(exc, ServerError)
    assert exc.status == 502


@pytest.mark.parametrize("status", [200, 404])
def test_a_non_json_body_that_is_not_a_5xx_is_a_connection_failure(status):
    exc = error_from_response(make_response(status, raw=b"<html>captive portal</html>"))
    assert isinstance(exc, ConnectionFailed)
    assert exc.code == errors.BAD_RESPONSE


def test_a_replayed_error_is_flagged():
    headers = {"Idempotent-Replayed": "true"}
    assert error_from_response(make_response(409, envelope(errors.ORDER_NOT_REFUNDABLE), headers=headers)).replayed
    assert not error_from_response(make_response(409, envelope(errors.ORDER_NOT_REFUNDABLE))).replayed


def test_the_api_key_never_survives_into_message_str_or_repr():
    exc = error_from_response(make_response(401, envelope(errors.UNAUTHORIZED, f"bad key {FAKE_KEY}")))
    for text in (exc.message, str(exc), repr(exc)):
        assert FAKE_KEY not in text
        assert "bs_test_[redacted]" in text


def test_redact_covers_live_keys_too():
    assert errors.redact("key=bs_live_abc-DEF_123 ok") == "key=bs_live_[redacted] ok"
