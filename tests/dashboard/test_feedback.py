"""The one vocabulary: each BrightStar answer becomes one sentence, with data from the answer, never parsed."""

import pytest

from boxoffice.brightstar import errors
from boxoffice.brightstar.resources import Sent
from boxoffice.web import feedback


def failed(error: errors.BrightStarError, method: str | None) -> errors.BrightStarError:
    error.method = method  # as the client sets it
    return error


@pytest.mark.parametrize(
    ("error", "method", "says"),
    [
        (errors.ConnectionFailed("x", may_have_reached_server=False), "GET", feedback.UNREACHABLE),
        (errors.ConnectionFailed("x", may_have_reached_server=True), "GET", feedback.UNREACHABLE),
        (errors.ConnectionFailed("x", may_have_reached_server=True), "POST", feedback.UNCONFIRMED),
        (errors.ConnectionFailed("x", may_have_reached_server=False), "POST", feedback.UNREACHABLE),
        (errors.ServerError("x", status=503), "POST", feedback.UNCONFIRMED),
        (errors.ServerError("x", status=503), "GET", "had a problem answering"),
        (errors.RateLimited("x", retry_after=42), "GET", "42 seconds"),
        (errors.RateLimited("x", retry_after=3000), "POST", "already sent 5 times this hour. Try again in 50 minutes"),
        (errors.Conflict("x", code=errors.REFUND_STALE, status=409), "POST", "refunded this order meanwhile"),
        (errors.Conflict("x", code=errors.EVENT_NOT_DRAFT, status=409), "DELETE", "Only draft events"),
        (errors.ValidationError("x", code=errors.IDEMPOTENCY_KEY_REUSED, status=400), "POST", "already used"),
        (errors.AuthenticationError("x", status=401), "GET", "API key was refused"),
        (errors.NotFound("x", status=404), "GET", "Not found"),
        (errors.ValidationError("q: bad", status=400, field="q"), "GET", "Bad"),
    ],
)
def test_every_failure_has_a_sentence(error, method, says):
    assert says in feedback.describe(failed(error, method))


def test_not_confirmed_only_when_a_change_may_have_been_sent():
    # The refund page reads the order first: if only that read failed, nothing was sent.
    read = failed(errors.ConnectionFailed("x", may_have_reached_server=True), "GET")
    write = failed(errors.ConnectionFailed("x", may_have_reached_server=True), "POST")
    assert not feedback.may_have_changed(read) and feedback.may_have_changed(write)


def test_a_sentence_takes_its_data_from_the_answer_first():
    error = errors.Conflict("x", code=errors.EVENT_NOT_DRAFT, status=409)
    assert feedback.describe(error, event_status="published") == (
        "Only draft events can be deleted, and this one is published. Cancel it instead."
    )
    sold = errors.ValidationError(
        "quantity: whatever the API says", status=400, field="quantity", extra={"quantity_sold": 12}
    )
    # The answer's figure wins over the page's older one.
    assert feedback.field_message(sold, quantity_sold=3) == "Cannot be below what is sold: 12 already sold."
    assert feedback.field_message(errors.ValidationError("price: Input should be ≥ 0", field="price")) == (
        "Input should be ≥ 0"
    )


def test_the_door_names_the_event_a_ticket_belongs_to():
    error = errors.NotFound("x", code=errors.WRONG_EVENT, extra={"event_title": "The Seagull"})
    assert feedback.door_words(error) == ("Not for this event", "This ticket is for The Seagull.")
    duplicate = errors.Conflict("x", code=errors.ALREADY_CHECKED_IN)
    assert feedback.door_words(duplicate, when="19:42", who="dora") == (
        "Already checked in at 19:42",
        "Let in by dora.",
    )
    assert feedback.door_words(duplicate) == ("Already checked in", "")


def test_the_door_blames_brightstar_not_the_wifi_when_the_dashboard_answered():
    down = failed(errors.ConnectionFailed("x", may_have_reached_server=False), "POST")
    word, detail = feedback.door_words(down)
    assert word == feedback.DOOR_NO_ANSWER and "Wi-Fi" not in detail and "BrightStar" in detail


@pytest.mark.parametrize(("replayed", "attempts", "twice"), [(True, 1, True), (True, 2, False), (False, 1, False)])
def test_sent_twice_only_when_staff_sent_it_twice(replayed, attempts, twice):
    # After our own retry the replay is the answer to the request staff made once.
    sent = Sent(value=None, idempotency_key="k", status=201, request_id=None, replayed=replayed, attempts=attempts)
    assert sent.sent_twice_by_staff is twice


def test_no_key_ever_reaches_a_sentence():
    error = errors.ValidationError("bad key bs_test_SECRETSECRET", status=400, field=None)
    assert "SECRET" not in feedback.describe(error)


def test_a_body_too_large_is_bad_input_not_an_outage():
    from boxoffice.brightstar.errors import error_from_response

    class Answer:
        status_code = 413
        headers: dict = {}

        def json(self):
            return {"error": {"code": "REQUEST_TOO_LARGE", "message": "too large", "max_bytes": 2621440}}

    error = error_from_response(Answer())
    assert isinstance(error, errors.ValidationError) and error.extra["max_bytes"] == 2621440
    assert feedback.describe(error) == "That was too large for BrightStar to accept. Send less at once."
