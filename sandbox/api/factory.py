from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from sandbox import errors, keys
from sandbox.api import attendees, events, orders, scans, tickets
from sandbox.api.schemas import AttendeeOut
from sandbox.boundary import error_response
from sandbox.errors import ApiError
from sandbox.models import ApiKey, Attendee

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SCOPE_WORDS = {"body", "query", "path", "header", "payload", "filters", "params"}
# The bound a value broke, named as in the OpenAPI schema, so a client need not parse the message.
_LIMITS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusive_minimum",
    "lt": "exclusive_maximum",
    "min_length": "min_length",
    "max_length": "max_length",
}


class KeyAuth(HttpBearer):
    """Bearer key of this environment; read-only keys may only read."""

    def __init__(self, *, livemode: bool):
        super().__init__()
        self.livemode = livemode

    def __call__(self, request) -> ApiKey | None:
        api_key = keys.resolve(request)
        if api_key is None or api_key.livemode != self.livemode:
            return None
        if api_key.read_only and request.method not in SAFE_METHODS:
            raise ApiError(errors.FORBIDDEN, "This API key is read-only")
        return api_key

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


def _serialisable(value):
    if isinstance(value, Attendee):
        return AttendeeOut.from_orm(value).model_dump()  # rendered like every other body
    return value


def on_api_error(request, exc: ApiError):
    exc.extra = {name: _serialisable(value) for name, value in exc.extra.items()}
    return error_response(exc)


def on_validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    loc = [str(part) for part in first.get("loc", ()) if str(part) not in _SCOPE_WORDS]
    field = ".".join(loc) or None
    message = first.get("msg", "Invalid input")
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if first.get("type") == "extra_forbidden":
        message = "Unknown field"
    elif first.get("type") == "missing":
        message = "This field is required"
    limits = {name: first["ctx"][key] for key, name in _LIMITS.items() if key in first.get("ctx", {})}
    return error_response(errors.invalid(field, f"{field}: {message}" if field else message, **limits))


def on_http_error(request, exc: HttpError):
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        return error_response(
            ApiError(errors.UNAUTHORIZED, "Missing or invalid API key for this environment (bs_test_… under /v1/test)")
        )
    if exc.status_code == 400:  # the body could not be parsed
        return error_response(ApiError(errors.VALIDATION_ERROR, "Request body must be valid JSON"))
    code = {403: errors.FORBIDDEN, 404: errors.NOT_FOUND, 429: errors.RATE_LIMITED}.get(exc.status_code)
    return error_response(ApiError(code or errors.INTERNAL_ERROR, str(exc), status=exc.status_code))


def on_not_found(request, exc):
    return error_response(errors.not_found())


def reraise(request, exc):
    # The boundary logs it and answers 500 in the envelope, never a traceback.
    raise exc


def build_api(*, livemode: bool) -> NinjaAPI:
    environment = "live" if livemode else "test"
    api = NinjaAPI(
        title=f"BrightStar API ({environment})",
        version="1",
        description="Events, ticket types, orders and attendees. Local sandbox of the BrightStar REST API.",
        urls_namespace=f"brightstar-{environment}",
        auth=KeyAuth(livemode=livemode),
        docs_url=None,
    )
    api.add_exception_handler(Exception, reraise)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_router("", events.build_router())
    api.add_router("", tickets.build_router())
    api.add_router("", attendees.build_router())
    api.add_router("", orders.build_router())
    api.add_router("", scans.build_router())
    return api
