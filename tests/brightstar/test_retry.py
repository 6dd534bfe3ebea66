"""The retry predicate and the backoff, pinned without a network or a clock."""

import pytest

from boxoffice.brightstar import errors
from boxoffice.brightstar.errors import ConnectionFailed, ServerError
from boxoffice.brightstar.retry import MAX_DELAY, RETRY_AFTER_CAP, backoff, should_retry

REFUSED = ConnectionFailed("refused")


def decide(method="GET", key=False, status=None, code=None, exc=None, attempt=1, max_attempts=3):
    return should_retry(
        method=method,
        has_idempotency_key=key,
        status=status,
        code=code,
        exc=exc,
        attempt=attempt,
        max_attempts=max_attempts,
    )


@pytest.mark.parametrize("status", [429, 502, 503, 504])
@pytest.mark.parametrize(("method", "key"), [("GET", False), ("DELETE", False), ("POST", True)])
def test_replay_safe_requests_are_retried_on_throttling_and_gateway_errors(method, key, status):
    assert decide(method, key, status=status)


@pytest.mark.parametrize(("method", "key"), [("GET", False), ("DELETE", False), ("POST", True)])
def test_replay_safe_requests_are_retried_when_no_answer_came(method, key):
    assert decide(method, key, exc=REFUSED)


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_a_post_without_idempotency_key_is_never_retried(status):
    assert not decide("POST", False, status=status)
    assert not decide("POST", False, exc=REFUSED)


def test_a_patch_is_not_retried_even_with_a_key_because_the_api_only_replays_posts():
    assert not decide("PATCH", True, status=503)
    assert not decide("PATCH", True, exc=REFUSED)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_answers_that_would_come_back_the_same_are_not_retried(status):
    assert not decide("GET", status=status)


def test_a_500_is_asked_again_only_by_reads():
    assert decide("GET", status=500)
    assert not decide("POST", True, status=500)
    assert not decide("DELETE", status=500)


def test_other_exceptions_than_connection_failures_are_not_retried():
    assert not decide("GET", exc=ServerError("boom", status=500))


def test_idempotency_in_progress_is_retried_only_for_a_keyed_post():
    assert decide("POST", True, status=409, code=errors.IDEMPOTENCY_IN_PROGRESS)
    assert not decide("POST", True, status=409, code=errors.ALREADY_CHECKED_IN)


def test_the_last_attempt_is_the_last():
    assert decide(status=503, attempt=2, max_attempts=3)
    assert not decide(status=503, attempt=3, max_attempts=3)
    assert not decide(status=503, attempt=1, max_attempts=1)


def test_method_case_does_not_matter():
    assert decide("get", status=503)


def test_backoff_grows_exponentially_and_is_capped():
    no_jitter = [backoff(n, rand=lambda: 1.0) for n in range(1, 8)]
    assert no_jitter == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0, 2.0]
    assert max(no_jitter) == MAX_DELAY


def test_jitter_spreads_between_half_and_full_delay_never_zero():
    assert backoff(3, rand=lambda: 0.0) == 0.5
    assert backoff(3, rand=lambda: 0.5) == 0.75
    assert backoff(1, rand=lambda: 0.0) > 0


def test_retry_after_is_honoured_up_to_the_cap_without_jitter():
    assert backoff(1, retry_after=0.5, rand=lambda: 1.0) == 0.5
    assert backoff(1, retry_after=60, rand=lambda: 1.0) == RETRY_AFTER_CAP
    assert backoff(1, retry_after=60, retry_after_cap=30.0) == 30.0
    assert backoff(1, retry_after=0) == 0.0
