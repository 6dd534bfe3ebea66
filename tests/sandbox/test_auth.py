import pytest
from django.db import connections
from django.test import RequestFactory

from sandbox import errors, keys
from sandbox.models import ApiKey
from sandbox.services.keys import TEST_PREFIX
from tests.conftest import ApiSession, make_account
from tests.factories import assert_api_error, event_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_a_request_without_a_key_is_401_in_the_envelope(anon_api):
    assert_api_error(anon_api.get("/events"), 401, errors.UNAUTHORIZED)


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer bs_test_nosuchkey", "bs_test_x"])
def test_malformed_or_unknown_keys_are_401(anon_api, header):
    assert_api_error(anon_api.get("/events", headers={"Authorization": header}), 401, errors.UNAUTHORIZED)


def test_a_test_key_does_not_open_the_live_environment(live_server, account_and_key):
    with ApiSession(live_server.url + "/v1", account_and_key[1]) as live:
        assert_api_error(live.get("/events"), 401, errors.UNAUTHORIZED)


def test_a_live_key_works_only_under_v1(live_server, transactional_db):
    _, live_key = make_account("acme", livemode=True)
    with ApiSession(live_server.url + "/v1", live_key) as live:
        assert live.get("/events").status_code == 200
    with ApiSession(live_server.url + "/v1/test", live_key) as test:
        assert_api_error(test.get("/events"), 401, errors.UNAUTHORIZED)


def test_live_and_test_data_are_separate(live_server, account):
    _, live_key = make_account(account.slug, livemode=True)
    test_event = event_make(account, livemode=False)
    with ApiSession(live_server.url + "/v1", live_key) as live:
        assert live.get("/events").json() == []
        assert_api_error(live.get(f"/events/{test_event.pk}"), 404, errors.NOT_FOUND)


def test_another_accounts_objects_are_404_not_403(sandbox_url, api, account):
    other, other_key = make_account("globex")
    theirs = event_make(other, title="Their show")
    assert_api_error(api.get(f"/events/{theirs.pk}"), 404, errors.NOT_FOUND)
    assert_api_error(api.patch(f"/events/{theirs.pk}", json={"title": "Mine now"}), 404, errors.NOT_FOUND)
    assert api.get("/events").json() == []
    with ApiSession(sandbox_url, other_key) as them:
        assert [e["title"] for e in them.get("/events").json()] == ["Their show"]


def test_a_read_only_key_reads_but_cannot_write(sandbox_url, account):
    _, read_only_key = make_account(account.slug, read_only=True)
    event = event_make(account, status="draft")
    with ApiSession(sandbox_url, read_only_key) as ro:
        assert ro.get("/events").status_code == 200
        new_event = {"title": "x", "start_date": "2030-01-01T00:00:00Z"}
        assert_api_error(ro.post("/events", json=new_event), 403, errors.FORBIDDEN)
        assert_api_error(ro.patch(f"/events/{event.pk}", json={"title": "y"}), 403, errors.FORBIDDEN)
        assert_api_error(ro.delete(f"/events/{event.pk}"), 403, errors.FORBIDDEN)
    event.refresh_from_db()
    assert event.title == "Spring Gala"


# --- the key's cached copy (sandbox/keys.py) -------------------------------------------
def _resolve(key: str, path: str = "/v1/test/events"):
    request = RequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    return keys.resolve(request)


def test_a_known_key_costs_no_query_after_its_first_use(account_and_key, django_assert_num_queries):
    _, key = account_and_key
    assert _resolve(key).account.slug == "acme"
    with django_assert_num_queries(0, connection=connections["sandbox"]):
        assert _resolve(key).account.slug == "acme"


def test_a_deleted_key_stops_working_at_once(api, account_and_key):
    assert api.get("/events").status_code == 200
    ApiKey.objects.filter(account=account_and_key[0]).get().delete()
    assert_api_error(api.get("/events"), 401, errors.UNAUTHORIZED)


def test_a_key_made_read_only_is_read_only_at_once(api, account_and_key):
    assert api.post("/events", json={"title": "x", "start_date": "2030-01-01T00:00:00Z"}).status_code == 201
    key = ApiKey.objects.filter(account=account_and_key[0]).get()
    key.read_only = True
    key.save()
    assert_api_error(
        api.post("/events", json={"title": "y", "start_date": "2030-01-01T00:00:00Z"}), 403, errors.FORBIDDEN
    )


def test_an_account_change_reaches_its_cached_keys(account_and_key):
    account, key = account_and_key
    assert _resolve(key).account.name != "Acme Renamed"
    account.name = "Acme Renamed"
    account.save()
    assert _resolve(key).account.name == "Acme Renamed"


def test_an_unknown_key_is_not_remembered(account_and_key):
    account, _ = account_and_key
    raw = TEST_PREFIX + "made-a-moment-later"
    assert _resolve(raw) is None
    ApiKey.objects.create(account=account, key_hash=ApiKey.hash(raw), prefix=raw[:12])
    assert _resolve(raw).account == account
