import pytest

from boxoffice.brightstar import health


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
