import pytest

from boxoffice import feedback
from boxoffice.brightstar import errors


@pytest.mark.parametrize(
    ("error", "write", "says"),
    [
        (errors.ConnectionFailed("x", may_have_reached_server=False), False, "unreachable"),
        (errors.ConnectionFailed("x", may_have_reached_server=True), True, "Not confirmed"),
        (errors.ConnectionFailed("x", may_have_reached_server=False), True, "unreachable"),
        (errors.ServerError("x", status=503), True, "Not confirmed"),
        (errors.RateLimited("x", retry_after=42), False, "42 seconds"),
        (errors.Conflict("x", code=errors.REFUND_STALE, status=409), True, "refunded this order meanwhile"),
        (errors.Conflict("x", code=errors.EVENT_NOT_DRAFT, status=409), True, "Only draft events"),
        (errors.AuthenticationError("x", status=401), False, "API key was refused"),
        (errors.NotFound("x", status=404), False, "Not found"),
    ],
)
def test_every_failure_has_a_sentence(error, write, says):
    assert says in feedback.describe(error, write=write)


def test_no_key_ever_reaches_a_sentence():
    error = errors.ValidationError("bad key bs_test_SECRETSECRET", status=400, field=None)
    assert "SECRET" not in feedback.describe(error)
