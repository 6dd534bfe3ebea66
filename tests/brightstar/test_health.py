import pytest

from boxoffice.web import health


@pytest.fixture(autouse=True)
def _clean(settings):
    from django.core.cache import cache

    cache.clear()


def test_healthy_until_several_failures_in_a_minute():
    now = 1_000_000.0
    assert not health.is_degraded(now=now)
    for _ in range(health.DEGRADED_AFTER - 1):
        health.record_failure(now=now)
    assert not health.is_degraded(now=now)
    health.record_failure(now=now)
    assert health.is_degraded(now=now)


def test_failures_age_out():
    now = 1_000_020.0
    for _ in range(health.DEGRADED_AFTER):
        health.record_failure(now=now)
    assert health.is_degraded(now=now + 45)  # the next minute still counts the last
    assert not health.is_degraded(now=now + 2 * health.WINDOW)


def test_the_client_records_failed_exchanges_but_not_refusals(fake_api, sleeps):
    import responses

    from boxoffice.brightstar import client, errors

    with responses.RequestsMock() as mock:
        mock.get(f"{fake_api}/events", status=503, json={"error": {"code": "INTERNAL_ERROR", "message": "x"}})
        mock.get(f"{fake_api}/events/evt_x", status=404, json={"error": {"code": "NOT_FOUND", "message": "x"}})
        for _ in range(3):
            with pytest.raises(errors.NotFound):
                client.request("GET", "/events/evt_x")
        assert not health.is_degraded()  # a 404 is an answer, not a failure
        with pytest.raises(errors.ServerError):
            client.request("GET", "/events", max_attempts=3)
    assert health.is_degraded()


def test_a_limit_that_lifts_in_minutes_is_not_retried(fake_api, sleeps):
    import responses

    from boxoffice.brightstar import client, errors

    with responses.RequestsMock() as mock:
        mock.post(
            f"{fake_api}/orders/ord_x/resend",
            status=429,
            headers={"Retry-After": "3600"},
            json={"error": {"code": "RATE_LIMITED", "message": "x"}},
        )
        with pytest.raises(errors.RateLimited):
            client.request("POST", "/orders/ord_x/resend", idempotency_key="k", max_attempts=3)
        assert len(mock.calls) == 1 and sleeps == []
