"""What every request to the API passes through, whatever the settings.

The sandbox is sometimes served alone (sandbox.settings) and sometimes beside
the dashboard (the test server), so its cross-cutting rules live here, as a
wrapper around each of its views, rather than in a MIDDLEWARE setting one of
those deployments could forget:

- every response carries an `X-Request-Id`;
- every error, even Django's own 404/405/500, is the seed's JSON envelope;
- a key's requests are rate-limited (`SANDBOX_RATE_LIMIT`);
- POSTs with an `Idempotency-Key` are replayed, not repeated;
- faults are injected when `SANDBOX_FAULTS` asks for them (sandbox/faults.py);
- a body over DATA_UPLOAD_MAX_MEMORY_SIZE is 413 REQUEST_TOO_LARGE.

Under gunicorn, a request its parser refuses never reaches this wrapper:
sandbox/gunicorn_errors.py answers those in the envelope.
"""

import functools
import json
import logging
import secrets

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from sandbox import errors, faults, idempotency, keys, ratelimit
from sandbox.errors import ApiError

logger = logging.getLogger("sandbox")

_GENERIC = {
    404: (errors.NOT_FOUND, "No such endpoint"),
    405: (errors.METHOD_NOT_ALLOWED, "Method not allowed on this endpoint"),
}


def error_response(exc: ApiError) -> JsonResponse:
    response = JsonResponse(exc.envelope(), status=exc.status)
    for name, value in exc.headers.items():
        response[name] = value
    return response


def api_boundary(view):
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request_id = "req_" + secrets.token_hex(8)
        try:
            response = _handle(view, request, *args, **kwargs)
        except faults.ConnectionDropped:
            return faults.dropped_response(request)
        except ApiError as exc:
            response = error_response(exc)
        except Http404:
            response = error_response(errors.not_found("Endpoint"))
        except RequestDataTooBig:
            # Raised by the first read of request.body (the idempotency
            # fingerprint or the framework's parser), always before any effect.
            response = error_response(_too_large())
        except Exception:
            logger.exception("Unhandled error in %s %s (%s)", request.method, request.path, request_id)
            response = error_response(ApiError(errors.INTERNAL_ERROR, "Internal error", status=500))
        response = _as_envelope(response)
        response["X-Request-Id"] = request_id
        return response

    return wrapped


def _too_large() -> ApiError:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return ApiError(errors.REQUEST_TOO_LARGE, f"The request body is over the {limit} bytes allowed", max_bytes=limit)


def _handle(view, request, *args, **kwargs) -> HttpResponse:
    api_key = keys.resolve(request)

    def run() -> HttpResponse:
        if api_key is None:
            return view(request, *args, **kwargs)
        return idempotency.run(request, api_key, lambda: view(request, *args, **kwargs))

    if api_key is not None:
        ratelimit.check(api_key)
    # Outside idempotency, so a "lost" answer is stored before the connection breaks.
    return faults.inject(request, run)


def _as_envelope(response: HttpResponse) -> HttpResponse:
    """Turn a non-JSON error from Django or the framework into the envelope."""
    if response.status_code < 400 or response.get("Content-Type", "").startswith("application/json"):
        return response
    code, message = _GENERIC.get(response.status_code, (errors.INTERNAL_ERROR, "Internal error"))
    body = {"error": {"code": code, "message": message, "field": None}}
    enveloped = HttpResponse(json.dumps(body), status=response.status_code, content_type="application/json")
    for header in ("Allow", "Retry-After"):
        if header in response:
            enveloped[header] = response[header]
    return enveloped


def wrap_urls(urls):
    """Apply the boundary to every view of a NinjaAPI's URL patterns."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        pattern.callback = api_boundary(pattern.callback)
    return patterns, app_name, namespace
