import io
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from sandbox import errors, idempotency
from sandbox.models import Event, IdempotencyRecord, Refund
from tests.conftest import ApiSession, make_account
from tests.factories import assert_api_error, event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def key_header():
    return {"Idempotency-Key": str(uuid.uuid4())}


@pytest.fixture
def order(account):
    event = event_make(account)
    return order_make(event, ticket_type_make(event), quantity=4)


def test_the_same_key_and_body_replays_the_first_answer(api, order):
    headers = key_header()
    first = api.post(f"/orders/{order.pk}/refund", json={"amount": 100, "reason": "x"}, headers=headers)
    second = api.post(f"/orders/{order.pk}/refund", json={"reason": "x", "amount": 100}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert Refund.objects.count() == 1


def test_error_answers_are_replayed_too(api, order):
    headers = key_header()
    first = api.post(f"/orders/{order.pk}/refund", json={"amount": 10**9, "reason": "x"}, headers=headers)
    assert_api_error(first, 400, errors.VALIDATION_ERROR, "amount")
    second = api.post(f"/orders/{order.pk}/refund", json={"amount": 10**9, "reason": "x"}, headers=headers)
    assert second.status_code == 400 and second.json() == first.json()


def test_the_same_key_with_another_body_is_refused(api, order):
    headers = key_header()
    api.post(f"/orders/{order.pk}/refund", json={"amount": 100, "reason": "x"}, headers=headers)
    again = api.post(f"/orders/{order.pk}/refund", json={"amount": 200, "reason": "x"}, headers=headers)
    assert_api_error(again, 400, errors.IDEMPOTENCY_KEY_REUSED)
    elsewhere = api.post("/events", json={"title": "x", "start_date": "2030-01-01T00:00:00Z"}, headers=headers)
    assert_api_error(elsewhere, 400, errors.IDEMPOTENCY_KEY_REUSED)
    assert Refund.objects.count() == 1


def test_rate_limited_answers_are_not_stored(api, order):
    for _ in range(5):
        api.post(f"/orders/{order.pk}/resend")
    headers = key_header()
    assert api.post(f"/orders/{order.pk}/resend", headers=headers).status_code == 429
    from sandbox.models import ConfirmationSend

    ConfirmationSend.objects.all().delete()  # the hour has passed
    assert api.post(f"/orders/{order.pk}/resend", headers=headers).status_code == 200


def test_keys_are_scoped_to_the_account(api, sandbox_url, order):
    headers = key_header()
    body = {"title": "Same key", "start_date": "2030-01-01T00:00:00Z"}
    assert api.post("/events", json=body, headers=headers).status_code == 201
    _, other_key = make_account("globex")
    with ApiSession(sandbox_url, other_key) as other:
        response = other.post("/events", json=body, headers=headers)
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert Event.objects.filter(title="Same key").count() == 2


def test_concurrent_retries_with_one_key_have_one_effect(sandbox_url, account_and_key, order):
    headers = key_header()
    sessions = [ApiSession(sandbox_url, account_and_key[1]) for _ in range(8)]

    def attempt(session):
        response = session.post(f"/orders/{order.pk}/refund", json={"amount": 700, "reason": "x"}, headers=headers)
        return response.status_code, response.json().get("id")

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, sessions))
    assert {status for status, _ in results} <= {201, 409}
    refund_ids = {refund_id for status, refund_id in results if status == 201}
    assert len(refund_ids) == 1 and Refund.objects.count() == 1


def test_a_keyed_delete_replays_too(api, order):
    """An undo whose first answer was lost: the retry says what happened, not 409."""
    ticket = order.attendees.first()
    api.post(f"/events/{order.event_id}/checkins", json={"barcode": ticket.barcode})
    headers = key_header()
    first = api.delete(f"/events/{order.event_id}/checkins/{ticket.pk}", headers=headers)
    second = api.delete(f"/events/{order.event_id}/checkins/{ticket.pk}", headers=headers)
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() and second.headers["Idempotent-Replayed"] == "true"
    assert_api_error(api.delete(f"/events/{order.event_id}/checkins/{ticket.pk}"), 409, errors.NOT_CHECKED_IN)


# --- stale keys: reclaimed when a request collides with them ----------------------
EVENT_BODY = {"title": "Keyed", "start_date": "2030-01-01T00:00:00Z"}


def age_record(key: str, **age) -> None:
    IdempotencyRecord.objects.filter(key=key).update(created_at=timezone.now() - timedelta(**age))


def test_an_answer_is_replayed_for_a_day(api):
    headers = key_header()
    first = api.post("/events", json=EVENT_BODY, headers=headers)
    age_record(headers["Idempotency-Key"], hours=23)
    second = api.post("/events", json=EVENT_BODY, headers=headers)
    assert second.headers["Idempotent-Replayed"] == "true" and second.json() == first.json()
    assert Event.objects.filter(title="Keyed").count() == 1


def test_an_expired_key_runs_again_even_with_another_body(api):
    headers = key_header()
    api.post("/events", json=EVENT_BODY, headers=headers)
    age_record(headers["Idempotency-Key"], hours=25)
    again = api.post("/events", json={**EVENT_BODY, "title": "Keyed again"}, headers=headers)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    replay = api.post("/events", json={**EVENT_BODY, "title": "Keyed again"}, headers=headers)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json() == again.json()
    assert Event.objects.filter(title__startswith="Keyed").count() == 2


def abandoned_claim(account, key: str, path: str, body: dict, **age) -> None:
    """A claim with no answer, as a process that died mid-request leaves it."""
    request = RequestFactory().post(path, data=json.dumps(body), content_type="application/json")
    IdempotencyRecord.objects.create(
        account=account, livemode=False, key=key, request_hash=idempotency._fingerprint(request)
    )
    age_record(key, **age)


def test_a_claim_left_unanswered_for_five_minutes_is_reclaimed(api, account):
    key = str(uuid.uuid4())
    abandoned_claim(account, key, "/v1/test/events", EVENT_BODY, minutes=6)
    response = api.post("/events", json=EVENT_BODY, headers={"Idempotency-Key": key})
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert IdempotencyRecord.objects.get(key=key).status_code == 201


def test_a_recent_claim_without_an_answer_is_still_in_progress(api, account, monkeypatch):
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.2)
    key = str(uuid.uuid4())
    abandoned_claim(account, key, "/v1/test/events", EVENT_BODY, minutes=4)
    response = api.post("/events", json=EVENT_BODY, headers={"Idempotency-Key": key})
    assert_api_error(response, 409, errors.IDEMPOTENCY_IN_PROGRESS)
    assert not Event.objects.filter(title="Keyed").exists()


# --- the table does not grow for ever --------------------------------------------------
def test_stale_records_are_purged_and_live_ones_kept(api, account):
    keys = {name: str(uuid.uuid4()) for name in ("expired", "abandoned", "answered", "running")}
    for name, key in keys.items():
        api.post("/events", json={**EVENT_BODY, "title": name}, headers={"Idempotency-Key": key})
    age_record(keys["expired"], hours=25)
    IdempotencyRecord.objects.filter(key__in=[keys["abandoned"], keys["running"]]).update(status_code=None)
    age_record(keys["abandoned"], minutes=6)
    age_record(keys["running"], minutes=4)
    age_record(keys["answered"], hours=23)

    assert idempotency.idempotency_purge() == 2
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {keys["answered"], keys["running"]}


def test_the_sandbox_purges_on_its_own_once_an_hour(api, monkeypatch):
    old = key_header()
    api.post("/events", json=EVENT_BODY, headers=old)
    age_record(old["Idempotency-Key"], hours=25)

    api.post("/events", json=EVENT_BODY, headers=key_header())  # within the hour: nothing purged
    assert IdempotencyRecord.objects.filter(key=old["Idempotency-Key"]).exists()

    monkeypatch.setattr(idempotency, "_next_purge", 0.0)  # the hour is up
    api.post("/events", json=EVENT_BODY, headers=key_header())
    assert not IdempotencyRecord.objects.filter(key=old["Idempotency-Key"]).exists()
    assert IdempotencyRecord.objects.count() == 2


def test_the_purge_command_reports_what_it_deleted(api):
    old = key_header()
    api.post("/events", json=EVENT_BODY, headers=old)
    age_record(old["Idempotency-Key"], hours=25)
    out = io.StringIO()
    call_command("sandbox_purge_keys", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 stale idempotency records."
