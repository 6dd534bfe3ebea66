"""Everything that can go wrong talking to BrightStar, as one exception tree.

`error_from_response` is the only place an HTTP answer becomes an exception,
so a view catches `BrightStarError` subclasses and never looks at a status
code. The API key must never leak into a message, a log line or a page:
every message passes through `redact` before it is stored.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import requests

# --- Codes, as the API sends them (imported by code and tests alike) ---------
VALIDATION_ERROR = "VALIDATION_ERROR"
IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
UNAUTHORIZED = "UNAUTHORIZED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
WRONG_EVENT = "WRONG_EVENT"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
RATE_LIMITED = "RATE_LIMITED"
INTERNAL_ERROR = "INTERNAL_ERROR"
EVENT_NOT_DRAFT = "EVENT_NOT_DRAFT"
EVENT_HAS_ORDERS = "EVENT_HAS_ORDERS"
ORDER_NOT_REFUNDABLE = "ORDER_NOT_REFUNDABLE"
REFUND_STALE = "REFUND_STALE"
ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
NOT_CHECKED_IN = "NOT_CHECKED_IN"
TICKET_VOID = "TICKET_VOID"
EVENT_NOT_ACTIVE = "EVENT_NOT_ACTIVE"
IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
# Ours, for failures that never produced an API answer.
CONNECTION_FAILED = "CONNECTION_FAILED"
TIMEOUT = "TIMEOUT"
BAD_RESPONSE = "BAD_RESPONSE"

_KEY_PATTERN = re.compile(r"bs_(test|live)_[A-Za-z0-9_\-]+")


def redact(text: str) -> str:
    """Replace anything shaped like a BrightStar key, whoever put it there."""
    return _KEY_PATTERN.sub(lambda m: f"bs_{m.group(1)}_[redacted]", text)


class BrightStarError(Exception):
    default_code = INTERNAL_ERROR

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        field: str | None = None,
        request_id: str | None = None,
        extra: dict[str, Any] | None = None,
        replayed: bool = False,
    ):
        self.message = redact(str(message))
        super().__init__(self.message)
        self.status = status
        self.code = code or self.default_code
        self.field = field
        self.request_id = request_id
        self.extra = dict(extra or {})
        # The API replayed a stored answer to an earlier request with this key.
        self.replayed = replayed
        # Set by the client: whether a read or a change failed decides what staff are told.
        self.method: str | None = None

    def __str__(self) -> str:
        where = f" (request {self.request_id})" if self.request_id else ""
        return f"{self.code}: {self.message}{where}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, message={self.message!r})"


class AuthenticationError(BrightStarError):
    default_code = UNAUTHORIZED


class PermissionDenied(BrightStarError):
    default_code = FORBIDDEN


class NotFound(BrightStarError):
    default_code = NOT_FOUND

    @property
    def event_id(self) -> str | None:
        """For WRONG_EVENT: the event the ticket actually belongs to."""
        return self.extra.get("event_id")

    @property
    def event_title(self) -> str | None:
        return self.extra.get("event_title")


class ValidationError(BrightStarError):
    default_code = VALIDATION_ERROR


class Conflict(BrightStarError):
    pass


class RateLimited(BrightStarError):
    default_code = RATE_LIMITED

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(BrightStarError):
    default_code = INTERNAL_ERROR


class ConnectionFailed(BrightStarError):
    """No usable answer: refused, timed out, or a body that is not the API's JSON.

    `may_have_reached_server` tells a write's caller whether the change may
    have happened anyway (a read timeout) or certainly did not (refused).
    """

    default_code = CONNECTION_FAILED

    def __init__(self, message: str, *, may_have_reached_server: bool = True, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.may_have_reached_server = may_have_reached_server


_CLASS_BY_STATUS: dict[int, type[BrightStarError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    413: ValidationError,  # REQUEST_TOO_LARGE: what was sent, not BrightStar, is at fault
    429: RateLimited,
}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header; an HTTP date or garbage counts as absent."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)


def error_from_response(response: requests.Response) -> BrightStarError:
    """Turn one non-2xx (or unreadable) `requests.Response` into the right exception."""
    status = response.status_code
    request_id = response.headers.get("X-Request-Id")
    replayed = response.headers.get("Idempotent-Replayed", "").lower() == "true"
    try:
        body = response.json()
    except ValueError:
        body = None
    envelope = body.get("error") if isinstance(body, dict) else None

    if not isinstance(envelope, dict):
        # Not the API speaking: a proxy's HTML page, a captive portal, a
        # truncated body. A 5xx is still the server's fault (and retryable);
        # anything else means we cannot trust what we got.
        if status >= 500:
            return ServerError(
                f"BrightStar answered {status} without a readable body", status=status, request_id=request_id
            )
        return ConnectionFailed(
            f"BrightStar answered {status} with an unreadable body",
            status=status,
            code=BAD_RESPONSE,
            request_id=request_id,
        )

    known = {"code", "message", "field"}
    kwargs: dict[str, Any] = {
        "status": status,
        "code": envelope.get("code"),
        "field": envelope.get("field"),
        "request_id": request_id,
        "extra": {k: v for k, v in envelope.items() if k not in known},
        "replayed": replayed,
    }
    message = envelope.get("message") or f"BrightStar answered {status}"
    if status == 429:
        return RateLimited(message, retry_after=parse_retry_after(response.headers.get("Retry-After")), **kwargs)
    if status >= 500:
        return ServerError(message, **kwargs)
    # 405 and other surprises are our bug, not the user's: the base class.
    return _CLASS_BY_STATUS.get(status, BrightStarError)(message, **kwargs)
