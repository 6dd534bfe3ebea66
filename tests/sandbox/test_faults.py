import uuid

import pytest
import requests

from sandbox import errors, faults
from sandbox.models import Refund
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture(autouse=True)
def _fresh_counters():
    faults.reset()
    yield
    faults.reset()


@pytest.fixture
def order(account):
    event = event_make(account)
    return order_make(event, ticket_type_make(event), quantity=2)


def test_rules_parse():
    rules = faults.parse("500:0.1,429:0.2,latency:0.3:250ms,drop:0.05,lost:1:max=1")
    assert [(r.kind, r.probability) for r in rules] == [
        ("500", 0.1),
        ("429", 0.2),
        ("latency", 0.3),
        ("drop", 0.05),
        ("lost", 1.0),
    ]
    assert rules[2].seconds == 0.25 and rules[4].max_times == 1


@pytest.mark.parametrize("spec", ["teapot:0.1", "500:2", "latency:0.5", "drop:0.1:forever"])
def test_bad_rules_are_refused_with_a_reason(spec):
    with pytest.raises(ValueError, match="SANDBOX_FAULTS"):
        faults.parse(spec)


def test_off_by_default(api, settings):
    assert settings.SANDBOX_FAULTS == ""
    assert all(api.get("/events").status_code == 200 for _ in range(20))


def test_injected_500_is_an_envelope_and_does_nothing(api, order, settings):
    settings.SANDBOX_FAULTS = "500:1"
    assert_api_error(api.post(f"/orders/{order.pk}/refund", json={"reason": "x"}), 500, errors.INTERNAL_ERROR)
    assert not Refund.objects.exists()


def test_injected_429_says_when_to_retry(api, settings):
    settings.SANDBOX_FAULTS = "429:1"
    response = api.get("/events")
    assert_api_error(response, 429, errors.RATE_LIMITED)
    assert response.headers["Retry-After"] == "1"


def test_drop_breaks_the_connection_before_any_effect(api, order, settings):
    settings.SANDBOX_FAULTS = "drop:1"
    with pytest.raises(requests.exceptions.ConnectionError):  # no answer at all, not an error page
        api.post(f"/orders/{order.pk}/refund", json={"reason": "x"})
    assert not Refund.objects.exists()


def test_lost_answer_then_retry_with_the_same_key_sees_the_original(api, order, settings):
    settings.SANDBOX_FAULTS = "lost:1:max=1"
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    with pytest.raises(requests.exceptions.ConnectionError):
        api.post(f"/orders/{order.pk}/refund", json={"amount": 500, "reason": "x"}, headers=headers)
    assert Refund.objects.count() == 1  # the change was committed although the answer was lost
    retry = api.post(f"/orders/{order.pk}/refund", json={"amount": 500, "reason": "x"}, headers=headers)
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == Refund.objects.get().pk
    assert Refund.objects.count() == 1


def test_latency_delays_the_answer(api, settings):
    import time

    settings.SANDBOX_FAULTS = "latency:1:300ms"
    started = time.monotonic()
    assert api.get("/events").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_the_openapi_document_is_never_faulted(anon_api, settings):
    settings.SANDBOX_FAULTS = "500:1,drop:1"
    assert anon_api.get("/openapi.json").status_code == 200
