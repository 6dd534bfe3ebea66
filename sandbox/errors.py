"""The API's error codes and the one exception that carries them.

Services raise ApiError; the API boundary turns it into the seed's envelope
`{"error": {"code", "message", "field", ...extra}}`. Tests import the codes,
so they pin behaviour rather than sentences.
"""

from typing import Any

VALIDATION_ERROR = "VALIDATION_ERROR"
UNAUTHORIZED = "UNAUTHORIZED"
FORBIDDEN = "FORBIDDEN"
NOT_FOUND = "NOT_FOUND"
WRONG_EVENT = "WRONG_EVENT"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
RATE_LIMITED = "RATE_LIMITED"
INTERNAL_ERROR = "INTERNAL_ERROR"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"

EVENT_NOT_DRAFT = "EVENT_NOT_DRAFT"
EVENT_HAS_ORDERS = "EVENT_HAS_ORDERS"
ORDER_NOT_REFUNDABLE = "ORDER_NOT_REFUNDABLE"
REFUND_STALE = "REFUND_STALE"
ALREADY_CHECKED_IN = "ALREADY_CHECKED_IN"
NOT_CHECKED_IN = "NOT_CHECKED_IN"
TICKET_VOID = "TICKET_VOID"
EVENT_NOT_ACTIVE = "EVENT_NOT_ACTIVE"
IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS"

STATUS_BY_CODE = {
    VALIDATION_ERROR: 400,
    IDEMPOTENCY_KEY_REUSED: 400,
    UNAUTHORIZED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    WRONG_EVENT: 404,
    METHOD_NOT_ALLOWED: 405,
    REQUEST_TOO_LARGE: 413,
    RATE_LIMITED: 429,
    INTERNAL_ERROR: 500,
}


class ApiError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status or STATUS_BY_CODE.get(code, 409)
        self.headers = headers or {}
        self.extra = extra

    def envelope(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field, **self.extra}}


def not_found(what: str = "Resource") -> ApiError:
    return ApiError(NOT_FOUND, f"{what} not found")


def invalid(field: str | None, message: str, **extra: Any) -> ApiError:
    """400 VALIDATION_ERROR on `field`; `extra` carries the data the message states, for clients to use."""
    return ApiError(VALIDATION_ERROR, message, field=field, **extra)
