"""The client against a fault-injecting stand-in (`responses`) and real sockets.

The sandbox cannot produce 500s, timeouts, HTML bodies or refused
connections on demand; these tests can.
"""

import contextlib
import logging
import socket
import threading

import pytest
import requests

from boxoffice.brightstar import client, errors
from boxoffice.brightstar.errors import (
    ConnectionFailed,
    RateLimited,
    ServerError,
)
from boxoffice.brightstar.retry import RETRY_AFTER_CAP
from tests.brightstar.conftest import ERROR_CLASSES, FAKE_KEY, envelope, url


def test_every_request_carries_bearer_key_timeout_and_json_accept(mock, settings):
    settings.BRIGHTSTAR_TIMEOUT = (1.5, 4.0)
    mock.get(url("events"), json=[])
    mock.post(url("events"), json={"id": "evt_1"}, status=201)
    client.request("GET", "events")
    client.request("POST", "events", json={"title": "x"}, idempotency_key="k1")
    for call in mock.calls:
        assert call.request.headers["Authorization"] == f"Bearer {FAKE_KEY}"
        assert call.request.headers["Accept"] == "application/json"
        assert call.request.req_kwargs["timeout"] == (1.5, 4.0)
    assert "Idempotency-Key" not in mock.calls[0].request.headers
    assert mock.calls[1].request.headers["Idempotency-Key"] == "k1"


def test_query_params_drop_none_and_spell_booleans_like_the_api(mock):
    mock.get(url("events/evt_1/attendees"), json=[])
    client.request("GET", "events/evt_1/attendees", params={"checked_in": False, "q": None, "limit": 5})
    assert mock.calls[0].request.url.endswith("/events/evt_1/attendees?checked_in=false&limit=5")


def test_a_success_exposes_data_status_request_id_and_replay_flag(mock):
    mock.post(
        url("orders/ord_1/refund"),
        json={"id": "ref_1"},
        status=201,
        headers={"X-Request-Id": "req_1", "Idempotent-Replayed": "true"},
    )
    response = client.request("POST", "orders/ord_1/refund", json={"reason": "x"}, idempotency_key="k")
    assert (response.status, response.data, response.request_id, response.replayed) == (
        201,
        {"id": "ref_1"},
        "req_1",
        True,
    )


def test_204_has_no_data(mock):
    mock.delete(url("events/evt_1"), status=204)
    assert client.request("DELETE", "events/evt_1").data is None


@pytest.mark.parametrize(("status", "code", "cls"), ERROR_CLASSES)
def test_each_error_status_raises_its_class(mock, status, code, cls):
    mock.get(url("events/evt_1"), json=envelope(code), status=status, headers={"X-Request-Id": "req_9"})
    with pytest.raises(cls) as info:
        client.request("GET", "events/evt_1", max_attempts=1)
    assert (info.value.status, info.value.code, info.value.request_id) == (status, code, "req_9")


def test_a_get_is_retried_on_503_then_succeeds_with_backoff(mock, sleeps):
    mock.get(url("events"), json=envelope(errors.INTERNAL_ERROR), status=503)
    mock.get(url("events"), json=envelope(errors.INTERNAL_ERROR), status=503)
    mock.get(url("events"), json=[{"id": "evt_1"}])
    response = client.request("GET", "events")
    assert response.data == [{"id": "evt_1"}]
    assert response.attempts == 3
    assert len(mock.calls) == 3
    assert len(sleeps) == 2
    assert 0.125 <= sleeps[0] <= 0.25 and 0.25 <= sleeps[1] <= 0.5


def test_retries_stop_at_max_attempts_and_raise_the_last_error(mock, sleeps, settings):
    settings.BRIGHTSTAR_MAX_ATTEMPTS = 4
    mock.get(url("events"), json=envelope(errors.INTERNAL_ERROR), status=502)
    with pytest.raises(ServerError):
        client.request("GET", "events")
    assert len(mock.calls) == 4
    assert len(sleeps) == 3


def test_a_500_on_a_read_is_asked_again_within_the_budget(mock, sleeps):
    mock.get(url("events"), json=envelope(errors.INTERNAL_ERROR), status=500)
    mock.get(url("events"), json=[])
    client.request("GET", "events")
    assert len(mock.calls) == 2


@pytest.mark.parametrize(
    ("method", "path", "status"), [("POST", "orders/ord_1/refund", 500), ("PATCH", "events/evt_1", 503)]
)
def test_a_server_error_on_a_write_is_never_retried_even_with_a_key(mock, sleeps, method, path, status):
    mock.add(method, url(path), json=envelope(errors.INTERNAL_ERROR), status=status)
    with pytest.raises(ServerError):
        client.request(method, path, json={"reason": "x"}, idempotency_key="k-1")
    assert len(mock.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 503, "json": envelope(errors.INTERNAL_ERROR)},
        {"status": 429, "json": envelope(errors.RATE_LIMITED), "headers": {"Retry-After": "1"}},
        {"body": requests.ConnectionError("refused")},
        {"body": requests.ReadTimeout("slow")},
    ],
    ids=["503", "429", "refused", "read-timeout"],
)
def test_a_post_without_idempotency_key_is_never_retried(mock, sleeps, fault):
    mock.post(url("events"), **fault)
    mock.post(url("events"), json={"id": "evt_1"}, status=201)
    with pytest.raises(errors.BrightStarError):
        client.request("POST", "events", json={"title": "x"})
    assert len(mock.calls) == 1
    assert sleeps == []


def test_a_post_with_a_key_is_retried_after_a_read_timeout_with_the_same_key(mock, sleeps):
    mock.post(url("orders/ord_1/refund"), body=requests.ReadTimeout("slow"))
    mock.post(url("orders/ord_1/refund"), json={"id": "ref_1"}, status=201, headers={"Idempotent-Replayed": "true"})
    response = client.request("POST", "orders/ord_1/refund", json={"reason": "x"}, idempotency_key="key-1")
    assert response.replayed
    assert [c.request.headers["Idempotency-Key"] for c in mock.calls] == ["key-1", "key-1"]
    assert [c.request.body for c in mock.calls] == [b'{"reason": "x"}'] * 2


def test_a_keyed_post_still_running_on_the_server_is_asked_again(mock, sleeps):
    mock.post(url("orders/ord_1/refund"), json=envelope(errors.IDEMPOTENCY_IN_PROGRESS), status=409)
    mock.post(url("orders/ord_1/refund"), json={"id": "ref_1"}, status=201)
    assert client.request("POST", "orders/ord_1/refund", json={}, idempotency_key="k").data == {"id": "ref_1"}
    assert len(mock.calls) == 2


def test_a_delete_is_retried_when_the_connection_drops(mock, sleeps):
    mock.delete(url("events/evt_1"), body=requests.ConnectionError("reset"))
    mock.delete(url("events/evt_1"), status=204)
    client.request("DELETE", "events/evt_1")
    assert len(mock.calls) == 2


@pytest.mark.parametrize(("header", "slept"), [("0.5", 0.5), ("1", 1.0), (str(RETRY_AFTER_CAP), RETRY_AFTER_CAP)])
def test_retry_after_is_honoured_up_to_the_cap(mock, sleeps, header, slept):
    mock.get(url("events"), json=envelope(errors.RATE_LIMITED), status=429, headers={"Retry-After": header})
    mock.get(url("events"), json=[])
    client.request("GET", "events")
    assert sleeps == [slept]


def test_a_retry_after_beyond_the_cap_fails_at_once(mock, sleeps):
    """Waiting 2 s for a limit that lifts in 60 would only earn another 429: say so now."""
    mock.get(url("events"), json=envelope(errors.RATE_LIMITED), status=429, headers={"Retry-After": "60"})
    with pytest.raises(RateLimited) as info:
        client.request("GET", "events")
    assert info.value.retry_after == 60.0
    assert len(mock.calls) == 1 and sleeps == []


def test_a_caller_can_allow_a_longer_retry_after(mock, sleeps):
    mock.get(url("events"), json=envelope(errors.RATE_LIMITED), status=429, headers={"Retry-After": "30"})
    mock.get(url("events"), json=[])
    client.request("GET", "events", retry_after_cap=60.0)
    assert sleeps == [30.0]


def test_rate_limited_after_the_last_attempt_carries_retry_after(mock, sleeps):
    mock.get(url("events"), json=envelope(errors.RATE_LIMITED), status=429, headers={"Retry-After": "1"})
    with pytest.raises(RateLimited) as info:
        client.request("GET", "events")
    assert info.value.retry_after == 1.0
    assert len(mock.calls) == 3


def test_a_non_json_success_body_is_a_connection_failure(mock):
    mock.get(url("events"), body="<html>Welcome to hotel wifi</html>", content_type="text/html")
    with pytest.raises(ConnectionFailed) as info:
        client.request("GET", "events", max_attempts=1)
    assert info.value.code == errors.BAD_RESPONSE


def test_an_html_error_page_is_not_shown_as_an_api_message(mock):
    mock.get(url("events"), body="<html><h1>502 Bad Gateway</h1></html>", status=502, content_type="text/html")
    with pytest.raises(ServerError) as info:
        client.request("GET", "events", max_attempts=1)
    assert "<html>" not in info.value.message


def test_a_simulated_timeout_is_a_connection_failure_coded_timeout(mock):
    mock.get(url("events"), body=requests.ReadTimeout("slow"))
    with pytest.raises(ConnectionFailed) as info:
        client.request("GET", "events", max_attempts=1)
    assert info.value.code == errors.TIMEOUT
    assert info.value.may_have_reached_server


# --- Real sockets: no mock, the OS produces the fault --------------------------


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket closes


@contextlib.contextmanager
def serving(answer):
    """A real server on a free local port, handing each connection to `answer` until the block ends."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            answer(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        server.close()


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: a real read timeout."""
    accepted = []
    with serving(accepted.append) as port:
        yield port
    for conn in accepted:
        conn.close()


def test_connection_refused_is_a_connection_failure_that_never_reached_the_server(settings, sleeps, closed_port):
    settings.BRIGHTSTAR_API_URL = f"http://127.0.0.1:{closed_port}/v1/test"
    settings.BRIGHTSTAR_API_KEY = FAKE_KEY
    with pytest.raises(ConnectionFailed) as info:
        client.request("GET", "events")
    assert info.value.code == errors.CONNECTION_FAILED
    assert not info.value.may_have_reached_server
    assert len(sleeps) == 2  # a GET: tried three times


def test_a_server_that_never_answers_times_out_within_the_read_timeout(settings, sleeps, silent_server):
    settings.BRIGHTSTAR_API_URL = f"http://127.0.0.1:{silent_server}/v1/test"
    settings.BRIGHTSTAR_TIMEOUT = (1.0, 0.2)
    with pytest.raises(ConnectionFailed) as info:
        client.request("POST", "events", json={"title": "x"})  # no key: one attempt
    assert info.value.code == errors.TIMEOUT
    assert info.value.may_have_reached_server
    assert sleeps == []


def test_the_api_key_never_reaches_logs_or_exceptions(settings, sleeps, closed_port, caplog):
    settings.BRIGHTSTAR_API_URL = f"http://127.0.0.1:{closed_port}/v1/test"
    settings.BRIGHTSTAR_API_KEY = FAKE_KEY
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ConnectionFailed) as info:
        client.request("GET", "events")
    assert caplog.records, "the retry must have logged something for this test to mean anything"
    assert FAKE_KEY not in caplog.text
    assert FAKE_KEY not in str(info.value) and FAKE_KEY not in repr(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_each_thread_gets_its_own_pooled_session():
    sessions = []
    thread = threading.Thread(target=lambda: sessions.append(client._session()))
    thread.start()
    thread.join()
    here = client._session()
    assert here is client._session()
    assert sessions[0] is not here
    adapter = here.get_adapter("https://api.brightstar.invalid/")
    assert adapter.max_retries.total == 0
    assert adapter._pool_maxsize == client.POOL_SIZE


def test_an_unknown_outcome_stays_unknown_when_a_later_attempt_is_refused(mock, sleeps):
    """Attempt 1 timed out reading (it may have refunded); attempt 2 is refused: still 'not confirmed'."""
    mock.post(url("orders/ord_1/refund"), body=requests.ReadTimeout("slow"))
    mock.post(url("orders/ord_1/refund"), body=requests.ConnectionError("refused"))
    with pytest.raises(ConnectionFailed) as info:
        client.request("POST", "orders/ord_1/refund", json={"reason": "x"}, idempotency_key="k-1", max_attempts=2)
    assert info.value.may_have_reached_server


def test_a_redirect_is_refused_not_followed(mock):
    """The API never redirects: a 3xx (a proxy, a misconfigured URL) is not trusted, and the key goes nowhere else."""
    mock.post(url("orders/ord_1/refund"), status=307, headers={"Location": "http://elsewhere.invalid/refund"})
    with pytest.raises(ConnectionFailed) as info:
        client.request("POST", "orders/ord_1/refund", json={"reason": "x"})
    assert info.value.code == errors.BAD_RESPONSE and info.value.status == 307
    assert [call.request.url for call in mock.calls] == [url("orders/ord_1/refund")]


def hang_up(conn):
    """Read the request, then close without a word: the answer to a write is lost."""
    conn.recv(65536)
    conn.close()


def cut_short(conn):
    """Answer 200 with a Content-Length the body does not honour, then close: the body is cut."""
    conn.recv(65536)
    conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id": ')
    conn.close()


@pytest.mark.parametrize("answer", [hang_up, cut_short], ids=["hang_up", "body_cut_short"])
def test_a_connection_lost_after_the_request_may_have_changed_something_and_is_no_crash(settings, sleeps, answer):
    with serving(answer) as port:
        settings.BRIGHTSTAR_API_URL = f"http://127.0.0.1:{port}/v1/test"
        settings.BRIGHTSTAR_API_KEY = FAKE_KEY
        with pytest.raises(ConnectionFailed) as info:
            client.request("POST", "orders/ord_1/refund", json={"reason": "x"})  # no key: one attempt
    assert info.value.may_have_reached_server
