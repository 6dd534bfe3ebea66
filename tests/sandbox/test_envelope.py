import pytest

from sandbox import errors, selectors
from tests.factories import assert_api_error

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_every_response_has_a_request_id(api, anon_api):
    assert api.get("/events").headers["X-Request-Id"].startswith("req_")
    assert anon_api.get("/events").headers["X-Request-Id"].startswith("req_")


@pytest.mark.parametrize("path", ["/nope", "/events/evt_0000000000000000/nothing", "/orders/ord_x/refund/extra"])
def test_unknown_paths_are_404_in_the_envelope(api, path):
    assert_api_error(api.get(path), 404, errors.NOT_FOUND)


def test_unknown_path_outside_environments_is_also_the_envelope(live_server):
    import requests

    response = requests.get(live_server.url + "/v1/whatever", timeout=10)
    assert_api_error(response, 404, errors.NOT_FOUND)


@pytest.mark.parametrize(
    ("method", "path"),
    [("put", "/events"), ("delete", "/events"), ("get", "/tickets/tkt_x"), ("get", "/orders/ord_x/refund")],
)
def test_wrong_method_on_a_known_path_is_405(api, method, path):
    response = getattr(api, method)(path)
    assert_api_error(response, 405, errors.METHOD_NOT_ALLOWED)
    assert response.headers["Allow"]


def test_malformed_json_is_a_validation_error(api):
    response = api.post("/events", data="{not json", headers={"Content-Type": "application/json"})
    assert_api_error(response, 400, errors.VALIDATION_ERROR)


def test_a_crash_is_a_500_envelope_without_a_traceback(api, monkeypatch):
    def explode(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "event_list", explode)
    response = api.get("/events")
    assert_api_error(response, 500, errors.INTERNAL_ERROR)
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_served_alone_even_paths_outside_v1_answer_in_the_envelope(settings, client):
    settings.ROOT_URLCONF = "sandbox.urls"
    response = client.get("/elsewhere")
    assert_api_error(response, 404, errors.NOT_FOUND)
