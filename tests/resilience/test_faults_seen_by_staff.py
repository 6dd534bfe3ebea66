"""What a member of staff sees when BrightStar misbehaves, one test per fault and page or action.

The faults are real: the sandbox (served in this process by the live server)
injects them from `SANDBOX_FAULTS` (sandbox/faults.py) — 500s in the error
envelope, 429s with Retry-After, latency beyond the dashboard's read timeout,
connections dropped before any effect, and answers lost after the change was
committed. Tests assert on the words staff read, and then on the sandbox's
data: nothing refunded twice, nobody admitted twice.
"""

import re
import time

import pytest
import requests

from boxoffice.brightstar import client as bs_client
from boxoffice.web.feedback import UNCONFIRMED, UNREACHABLE
from sandbox import faults
from sandbox.models import Attendee, ConfirmationSend, Event, Refund, TicketType
from tests.factories import event_make, order_make, ticket_type_make

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

HTMX = {"HX-Request": "true", "HX-Target": "order"}
SERVER_PROBLEM = "BrightStar had a problem answering. Try again in a moment."
NO_ANSWER = "No answer — scan again"
ERROR_PAGE = "Something went wrong talking to BrightStar"
PILL = "BrightStar degraded"


@pytest.fixture(autouse=True)
def _fault_counters():
    faults.reset()
    yield
    faults.reset()


@pytest.fixture(autouse=True)
def backoffs(monkeypatch) -> list[float]:
    """The retries happen; only their sleeps are skipped (the client's own hook for tests)."""
    slept: list[float] = []
    monkeypatch.setattr(bs_client, "_sleep", slept.append)
    return slept


class Faults:
    """Switch the sandbox's faults on for every request, or only for the dashboard's writes.

    A write page reads the order first; `on="POST"` faults just the POST, so
    the test watches the write fail, not the read before it.
    """

    def __init__(self, settings, monkeypatch):
        self.settings, self.monkeypatch = settings, monkeypatch
        self.real = bs_client._request

    def __call__(self, spec: str, *, on: str | None = None) -> None:
        faults.reset()
        if on is None:
            self.settings.SANDBOX_FAULTS = spec
            return
        self.settings.SANDBOX_FAULTS = ""

        def request(method, path, **kwargs):
            self.settings.SANDBOX_FAULTS = spec if method == on else ""
            try:
                return self.real(method, path, **kwargs)
            finally:
                self.settings.SANDBOX_FAULTS = ""

        self.monkeypatch.setattr(bs_client, "_request", request)

    def clear(self) -> None:
        self.settings.SANDBOX_FAULTS = ""
        self.monkeypatch.setattr(bs_client, "_request", self.real)
        faults.reset()


@pytest.fixture
def inject(settings, monkeypatch) -> Faults:
    return Faults(settings, monkeypatch)


@pytest.fixture
def short_timeout(settings):
    """The dashboard waits half a second for an answer; the sandbox will take a whole one."""
    settings.BRIGHTSTAR_TIMEOUT = (1, 0.5)


@pytest.fixture
def order(account):
    event = event_make(account, title="Spring Gala")
    return order_make(event, ticket_type_make(event, name="General", price=2500), quantity=2)


def page(response) -> str:
    return response.content.decode()


def hidden(html: str, name: str, after: str = "") -> str:
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html[html.index(after) :])
    assert match, html
    return match.group(1)


def wait_for(condition, seconds: float = 5.0) -> None:
    # The sandbox's threads finish a slow request after the dashboard stopped waiting for it.
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the sandbox never finished the request"
        time.sleep(0.05)


# --- reads: retried within their budget, then one clear message ---------------------------


def test_events_list_on_a_500_says_brightstar_had_a_problem(client_as, account, inject, api_calls):
    event_make(account)
    inject("500:1")
    response = client_as("organizer").get("/events/")
    assert response.status_code == 502
    assert ERROR_PAGE in page(response) and SERVER_PROBLEM in page(response)
    assert ">Try again</a>" in page(response)
    assert api_calls == [("GET", "events")] * 3  # a read asks again within its budget, then says so


def test_events_list_on_dropped_connections_says_unreachable_after_retrying(client_as, account, inject, api_calls):
    event_make(account)
    inject("drop:1")
    response = client_as("box_office").get("/events/")
    assert response.status_code == 503
    assert UNREACHABLE == "BrightStar is unreachable. Nothing was changed: try again in a moment."
    assert UNREACHABLE in page(response)
    assert api_calls == [("GET", "events")] * 3  # the whole retry budget, then the message


def test_order_page_beyond_the_read_timeout_says_unreachable(client_as, order, inject, short_timeout, api_calls):
    inject("latency:1:1s")
    started = time.monotonic()
    response = client_as("box_office").get(f"/orders/{order.pk}/")
    assert response.status_code == 503 and UNREACHABLE in page(response)
    assert "Ada Lovelace" not in page(response)
    assert api_calls == [("GET", f"orders/{order.pk}")] * 3
    assert time.monotonic() - started < 5  # staff wait three short timeouts, not the sandbox's whole delay


def test_order_page_on_a_429_says_to_wait(client_as, order, inject, backoffs):
    inject("429:1")
    response = client_as("box_office").get(f"/orders/{order.pk}/")
    assert response.status_code == 502
    assert "Too many requests for now. Try again in 1 second" in page(response)
    assert backoffs == [1.0, 1.0]  # Retry-After honoured between the attempts


def test_a_read_that_fails_twice_then_answers_shows_the_page_and_no_message(client_as, order, inject, api_calls):
    inject("drop:1:max=1,lost:1:max=1")
    response = client_as("box_office").get(f"/orders/{order.pk}/")
    assert response.status_code == 200
    assert "Ada Lovelace" in page(response)
    assert UNREACHABLE not in page(response) and ERROR_PAGE not in page(response)
    assert len(api_calls) == 3


def test_an_htmx_read_that_fails_puts_the_message_in_the_alert_area(client_as, account, inject):
    event_make(account)
    inject("drop:1")
    response = client_as("organizer").get("/events/?status=draft", headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx swaps only 2xx: the message must arrive
    assert response["HX-Retarget"] == "#alerts"
    assert UNREACHABLE in page(response) and 'role="alert"' in page(response)
    assert "<html" not in page(response)


# --- a refund when the answer is missing: "not confirmed", and a safe retry ---------------------


def _refund_form(client, order) -> dict:
    html = page(client.get(f"/orders/{order.pk}/"))
    return {
        "amount": "10.00",
        "reason": "Customer request",
        "note": "",
        "confirmed": "true",
        "idempotency_key": hidden(html, "idempotency_key", "/refund/"),
        "expected_amount_refunded": hidden(html, "expected_amount_refunded", "/refund/"),
    }


def _resubmit(html: str, typed: dict) -> dict:
    """What the re-rendered form would post again: its hidden fields, and what the user typed (kept)."""
    assert 'value="10.00"' in html  # the amount the user typed is still there
    return {
        **typed,
        "idempotency_key": hidden(html, "idempotency_key", "/refund/"),
        "expected_amount_refunded": hidden(html, "expected_amount_refunded", "/refund/"),
    }


def _assert_not_confirmed(html: str) -> None:
    assert UNCONFIRMED == "Not confirmed: BrightStar did not answer. Check the order before trying again."
    assert UNCONFIRMED in html and "Reload the order" in html
    assert "Refunded $" not in html and "toast success" not in html


@pytest.mark.parametrize(("fault", "effect"), [("drop:1", False), ("500:1", False), ("lost:1", True)])
def test_refund_without_an_answer_is_not_confirmed_and_the_same_form_refunds_once(
    client_as, order, inject, fault, effect
):
    desk = client_as("box_office")
    typed = _refund_form(desk, order)
    inject(fault, on="POST")  # "lost": committed, then every answer (the retries' replays too) lost
    first = desk.post(f"/orders/{order.pk}/refund/", typed, headers=HTMX)
    # Dropped or lost look the same from here: the dashboard cannot know, so it must not guess.
    _assert_not_confirmed(page(first))
    assert Refund.objects.exists() is effect
    again = _resubmit(page(first), typed)
    assert again["idempotency_key"] == typed["idempotency_key"]  # the SAME key: a retry cannot refund twice

    inject.clear()
    second = desk.post(f"/orders/{order.pk}/refund/", again, headers=HTMX)
    if effect:
        assert "That refund of $10.00 was already made" in page(second)
        assert "Nothing was refunded twice." in page(second)
    else:
        assert "Refunded $10.00. Still refundable: $40.00." in page(second)
    assert Refund.objects.filter(order_id=order.pk).count() == 1
    order.refresh_from_db()
    assert order.amount_refunded == 1000


def test_refund_whose_first_answer_is_lost_is_confirmed_by_the_dashboards_own_retry(client_as, order, inject):
    desk = client_as("box_office")
    typed = _refund_form(desk, order)
    inject("lost:1:max=1", on="POST")
    response = desk.post(f"/orders/{order.pk}/refund/", typed, headers=HTMX)
    html = page(response)
    assert UNCONFIRMED not in html and UNREACHABLE not in html
    assert "Refunded $10.00" in html and "toast success" not in html  # a success, told once, in place
    assert Refund.objects.filter(order_id=order.pk).count() == 1


def test_refund_beyond_the_read_timeout_is_not_confirmed_and_the_retry_refunds_once(
    client_as, order, inject, short_timeout
):
    desk = client_as("box_office")
    typed = _refund_form(desk, order)
    inject("latency:1:1s", on="POST")
    first = desk.post(f"/orders/{order.pk}/refund/", typed, headers=HTMX)
    _assert_not_confirmed(page(first))
    wait_for(lambda: Refund.objects.exists())  # the slow request went through after we stopped waiting
    time.sleep(1.2)  # and its retries (replays) finish too
    again = _resubmit(page(first), typed)

    inject.clear()
    second = desk.post(f"/orders/{order.pk}/refund/", again, headers=HTMX)
    assert "That refund of $10.00 was already made" in page(second)
    assert Refund.objects.filter(order_id=order.pk).count() == 1


def test_refund_on_a_429_says_to_wait_and_keeps_the_form(client_as, order, inject):
    desk = client_as("box_office")
    typed = _refund_form(desk, order)
    inject("429:1", on="POST")
    first = desk.post(f"/orders/{order.pk}/refund/", typed, headers=HTMX)
    html = page(first)
    assert "Too many requests for now. Try again in 1 second" in html
    assert "Refunded $" not in html
    again = _resubmit(html, typed)
    assert again["idempotency_key"] == typed["idempotency_key"]
    assert not Refund.objects.exists()


def test_event_create_whose_answer_is_lost_is_not_confirmed_and_the_same_form_creates_one(client_as, account, inject):
    organizer = client_as("organizer")
    key = hidden(page(organizer.get("/events/new/")), "idempotency_key")
    typed = {"title": "Winter Ball", "start_date": "2030-12-01T19:00", "currency": "USD", "idempotency_key": key}
    inject("lost:1", on="POST")
    first = organizer.post("/events/new/", typed, headers={"HX-Request": "true"})
    assert first.status_code == 422
    assert UNCONFIRMED in page(first) and 'value="Winter Ball"' in page(first)
    assert hidden(page(first), "idempotency_key") == key

    inject.clear()
    second = organizer.post("/events/new/", typed, headers={"HX-Request": "true"})
    assert second.status_code == 200 and second["HX-Redirect"].startswith("/events/evt_")
    assert Event.objects.filter(title="Winter Ball").count() == 1


# --- the door: "No answer — scan again", never "Admitted", and a rescan admits once -----------------


@pytest.fixture
def ticket(account) -> Attendee:
    event = event_make(account, title="Spring Gala")
    order = order_make(event, ticket_type_make(event, name="General", price=2500), quantity=1)
    return order.attendees.get()


def _scan(client, ticket, key: str):
    return client.post(
        f"/events/{ticket.event_id}/door/",
        {"barcode": ticket.barcode, "idempotency_key": key},
        headers={"HX-Request": "true"},
    )


def _admitted_once(ticket) -> bool:
    ticket.refresh_from_db()
    return ticket.checked_in and TicketType.objects.get(pk=ticket.ticket_type_id).checked_in_count == 1


@pytest.mark.parametrize(("fault", "effect"), [("drop:1", False), ("500:1", False), ("429:1", False), ("lost:1", True)])
def test_door_scan_without_an_answer_says_scan_again_and_the_rescan_admits_once(
    client_as, ticket, inject, fault, effect
):
    door = client_as("door")
    key = "5c0f8a52-3b1e-4f7e-9d7e-1a2b3c4d5e6f"
    inject(fault)
    first = _scan(door, ticket, key)
    html = page(first)
    assert first.status_code == 200
    assert NO_ANSWER in html and 'data-outcome="unanswered"' in html
    assert "Admitted" not in html and "result ok" not in html
    ticket.refresh_from_db()
    assert ticket.checked_in is effect  # "lost": BrightStar admitted, but the door was never told
    if effect:
        assert "nothing was recorded" not in html, "the check-in WAS recorded; the door says it was not"

    inject.clear()
    again = _scan(door, ticket, key)  # the volunteer scans the same ticket: door.js keeps the key
    assert 'data-outcome="admitted"' in page(again) and "Admitted" in page(again)
    assert "Already checked in" not in page(again)
    assert _admitted_once(ticket)


def test_door_scan_beyond_the_read_timeout_says_scan_again(client_as, ticket, inject, short_timeout):
    door = client_as("door")
    key = "0d4b1c8e-7f3a-4e2b-8c9d-6a5b4c3d2e1f"
    inject("latency:1:1s")
    html = page(_scan(door, ticket, key))
    assert NO_ANSWER in html and "BrightStar did not answer in time" in html
    assert "Admitted" not in html
    wait_for(lambda: Attendee.objects.filter(pk=ticket.pk, checked_in=True).exists())
    time.sleep(1.2)

    inject.clear()
    assert "Admitted" in page(_scan(door, ticket, key))
    assert _admitted_once(ticket)


# --- resend ----------------------------------------------------------------------------------


def _resend(client, order, key: str):
    return client.post(f"/orders/{order.pk}/resend/", {"idempotency_key": key}, headers={"HX-Request": "true"})


def test_resend_on_a_429_explains_the_wait_without_blaming_the_hourly_limit(client_as, order, inject):
    # BrightStar throttled the request (Retry-After: 1 s); nothing was ever sent for this order.
    inject("429:1", on="POST")
    html = page(_resend(client_as("box_office"), order, "resend-key-0001"))
    assert "Sent to" not in html
    assert "Try again in" in html
    assert not ConfirmationSend.objects.exists()
    assert "already sent 5 times" not in html, "a one-second throttle is shown as the hourly limit of 5 emails"


def test_resend_at_the_hourly_limit_explains_the_wait(client_as, order):
    desk = client_as("box_office")
    for n in range(5):
        assert "Sent to" in page(_resend(desk, order, f"resend-key-{n:04d}"))
    html = page(_resend(desk, order, "resend-key-0005"))
    assert "The confirmation was already sent 5 times this hour. Try again in 60 minutes." in html
    assert ConfirmationSend.objects.count() == 5


def test_resend_whose_answer_is_lost_is_not_confirmed_and_the_same_button_sends_once(client_as, order, inject):
    desk = client_as("box_office")
    inject("lost:1", on="POST")
    html = page(_resend(desk, order, "resend-key-lost"))
    assert UNCONFIRMED in html and "Sent to" not in html
    assert hidden(html, "idempotency_key") == "resend-key-lost"  # the button keeps its key

    inject.clear()
    assert "Sent to" in page(_resend(desk, order, "resend-key-lost"))
    assert ConfirmationSend.objects.filter(order_id=order.pk).count() == 1


# --- the "BrightStar degraded" pill -------------------------------------------------------------


def test_one_failure_that_a_retry_absorbs_does_not_raise_the_degraded_pill(client_as, account, inject):
    event_make(account)
    organizer = client_as("organizer")
    inject("drop:1:max=1")
    response = organizer.get("/events/")
    assert response.status_code == 200 and PILL not in page(response)


def test_several_failures_raise_the_degraded_pill_until_brightstar_recovers(client_as, account, inject):
    event_make(account, title="Spring Gala")
    organizer = client_as("organizer")
    assert PILL not in page(organizer.get("/events/"))
    inject("drop:1")
    failed = organizer.get("/events/")
    assert failed.status_code == 503 and PILL in page(failed)

    inject.clear()
    recovered = organizer.get("/events/")
    html = page(recovered)
    assert recovered.status_code == 200 and "Spring Gala" in html
    # Still shown for the rest of the minute: the next request may fail the same way.
    assert PILL in html and 'role="status"' in html
    assert "reads are retried, writes are never sent twice" in html


# --- the fault injection itself, where these tests run ---------------------------------------


def test_a_dropped_connection_under_the_live_server_gets_no_answer(api, settings, monkeypatch):
    """Without the socket shim above, "drop" must still be a drop, not an HTTP 500 page."""
    monkeypatch.undo()  # the sandbox's own dropped_response, as `make run` and the test server use it
    settings.SANDBOX_FAULTS = "drop:1"
    try:
        response = api.get("/events")
    except requests.ConnectionError:
        return  # no answer at all: what a dropped connection is
    except requests.RequestException:
        return
    pytest.fail(f"a dropped connection answered HTTP {response.status_code}: {response.text[:80]!r}")
