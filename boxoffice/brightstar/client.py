"""The HTTP client: one pooled Session per thread, one `_request`, one retry loop.

Settings are read on every call (not baked into the Session) so a key or
URL change — or a test's `settings` fixture — takes effect at once, and the
key never sits in a long-lived object that might be logged or pickled.
The client stores nothing: a failed exchange is announced on the
`exchange_failed` signal, for whoever keeps count (the dashboard's health pill).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NameResolutionError, NewConnectionError

from boxoffice.brightstar import retry
from boxoffice.brightstar.errors import (
    BAD_RESPONSE,
    TIMEOUT,
    BrightStarError,
    ConnectionFailed,
    RateLimited,
    ValidationError,
    error_from_response,
    redact,
)
from boxoffice.brightstar.resources import FromJson, Page, Sent
from boxoffice.brightstar.response import ApiResponse
from boxoffice.brightstar.signals import exchange_failed

logger = logging.getLogger("boxoffice.brightstar")

# Sized to the dashboard server's worker threads; retries are ours, not urllib3's.
POOL_SIZE = 16
DEFAULT_TIMEOUT = (3.0, 10.0)
DEFAULT_MAX_ATTEMPTS = 3
USER_AGENT = "brightstar-boxoffice/0.1"

_local = threading.local()
# Indirection so tests can pin time without sleeping.
_sleep = time.sleep


def _session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=POOL_SIZE, pool_maxsize=POOL_SIZE, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        # A proxy picked up from the environment would see our Bearer key.
        session.trust_env = False
        _local.session = session
    return session


# What requests' Session would have added (compressed answers over a real network), and ours on top.
_HEADERS = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate", "User-Agent": USER_AGENT}


def _send(
    method: str, url: str, *, params: dict[str, str], json: Any, headers: dict[str, str], timeout: tuple[float, float]
) -> requests.Response:
    """One request straight through the thread's pooled adapter, its body read.

    `Session.request` costs more per call than the rest of the client (measured:
    merging settings, cookie jars both ways, hooks, redirect resolution), and
    none of it serves us: no cookies, no proxies (`trust_env` is off), and no
    redirects, which the API never sends. A 3xx is now refused as an answer we
    cannot trust, rather than followed (a POST turned into a GET, elsewhere).
    """
    prepared = requests.PreparedRequest()
    prepared.prepare_method(method)
    prepared.prepare_url(url, params)
    prepared.prepare_headers(headers)
    prepared.prepare_body(None, None, json)
    response = _session().get_adapter(url).send(prepared, timeout=timeout)
    # Inside the caller's try: a connection cut mid-body is a RequestException like any other.
    response.content  # noqa: B018
    return response


_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_.:-]{1,255}")


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


def require_int(name: str, value: Any) -> None:
    """Catch a float or a str before it becomes money (or a count) on the wire.

    Ranges are the API's to judge: its 400 names the field for the form.
    """
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError(f"{name} must be an int (money in cents), not {type(value).__name__}")


def _url(path: str) -> str:
    base: str = settings.BRIGHTSTAR_API_URL
    return base.rstrip("/") + "/" + path.lstrip("/")


def _query(params: Mapping[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[name] = str(value)
    return out


def _never_connected(exc: requests.RequestException) -> bool:
    """True only when no byte of the request can have reached the server.

    A refused or unresolvable connection never got there; a connection cut
    after the request went out (the answer was lost) may well have changed
    something, and staff must hear "not confirmed", not "nothing changed".
    """
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if not isinstance(exc, requests.ConnectionError):
        return False
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return isinstance(reason, NewConnectionError | NameResolutionError | ConnectionRefusedError)


def _request(
    method: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    idempotency_key: str | None = None,
    timeout: tuple[float, float] | None = None,
) -> ApiResponse:
    """Exactly one HTTP exchange; every failure leaves here as a BrightStarError."""
    headers = {**_HEADERS, "Authorization": f"Bearer {settings.BRIGHTSTAR_API_KEY}"}
    if idempotency_key is not None:
        if not _IDEMPOTENCY_KEY.fullmatch(idempotency_key):
            # It came from a form field: a tampered or mangled one must not become a header crash.
            raise ValidationError(
                "Idempotency-Key must be 1-255 of A-Z a-z 0-9 _ . : -", status=400, field="idempotency_key"
            )
        headers["Idempotency-Key"] = idempotency_key
    timeout = timeout or tuple(getattr(settings, "BRIGHTSTAR_TIMEOUT", DEFAULT_TIMEOUT))
    started = time.monotonic()
    try:
        response = _send(method, _url(path), params=_query(params), json=json, headers=headers, timeout=timeout)
    except requests.Timeout as exc:
        # A connect timeout never reached the server; a read timeout may have.
        reached = not isinstance(exc, requests.ConnectTimeout)
        raise ConnectionFailed(
            f"BrightStar did not answer {method} {path} in time", code=TIMEOUT, may_have_reached_server=reached
        ) from None
    except requests.RequestException as exc:
        # `from None`: the chained urllib3 error would carry our headers in locals.
        raise ConnectionFailed(
            f"Could not reach BrightStar for {method} {path} ({type(exc).__name__})",
            may_have_reached_server=not _never_connected(exc),
        ) from None
    elapsed_ms = (time.monotonic() - started) * 1000
    request_id = response.headers.get("X-Request-Id")
    logger.info("%s %s -> %s in %.0f ms (%s)", method, path, response.status_code, elapsed_ms, request_id)

    if not 200 <= response.status_code < 300:
        raise error_from_response(response)
    if response.status_code == 204 or not response.content:
        data = None
    else:
        try:
            data = response.json()
        except ValueError:
            raise ConnectionFailed(
                f"BrightStar answered {method} {path} with a body that is not JSON",
                status=response.status_code,
                code=BAD_RESPONSE,
                request_id=request_id,
            ) from None
    return ApiResponse(
        status=response.status_code,
        data=data,
        headers=response.headers,
        request_id=request_id,
        replayed=response.headers.get("Idempotent-Replayed", "").lower() == "true",
    )


def request(
    method: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    json: Any = None,
    idempotency_key: str | None = None,
    timeout: tuple[float, float] | None = None,
    max_attempts: int | None = None,
    retry_after_cap: float = retry.RETRY_AFTER_CAP,
) -> ApiResponse:
    """`_request` under the retry policy of `retry.should_retry`."""
    method = method.upper()
    if max_attempts is None:
        max_attempts = getattr(settings, "BRIGHTSTAR_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)
    attempt = 1
    # Once any attempt may have reached the server, the outcome stays unknown
    # even if a later one is refused outright (the API restarting, say).
    maybe_applied = False
    while True:
        try:
            response = _request(
                method, path, params=params, json=json, idempotency_key=idempotency_key, timeout=timeout
            )
        except BrightStarError as exc:
            exc.method = method
            # No usable answer (even a garbled one) is judged as a failure to connect.
            unanswered = isinstance(exc, ConnectionFailed)
            if isinstance(exc, ConnectionFailed):
                maybe_applied = maybe_applied or exc.may_have_reached_server
                exc.may_have_reached_server = maybe_applied
            if unanswered or exc.status is None or exc.status >= 500 or exc.status == 429:
                exchange_failed.send(sender=request, method=method, path=path, code=exc.code)
            if isinstance(exc, RateLimited) and (exc.retry_after or 0) > retry_after_cap:
                raise  # a limit that lifts in minutes (resend: per hour) will not lift during a retry
            again = retry.should_retry(
                method=method,
                has_idempotency_key=idempotency_key is not None,
                status=None if unanswered else exc.status,
                code=exc.code,
                exc=exc if unanswered else None,
                attempt=attempt,
                max_attempts=max_attempts,
            )
            if not again:
                raise
            delay = retry.backoff(
                attempt,
                retry_after=exc.retry_after if isinstance(exc, RateLimited) else None,
                retry_after_cap=retry_after_cap,
            )
            logger.warning(
                "Retrying %s %s after %r (attempt %d/%d, sleeping %.2f s)",
                method,
                path,
                redact(str(exc)),
                attempt,
                max_attempts,
                delay,
            )
            _sleep(delay)
            attempt += 1
            continue
        if attempt > 1:
            return dataclasses.replace(response, attempts=attempt)
        return response


def get(path: str, **kwargs: Any) -> ApiResponse:
    return request("GET", path, **kwargs)


def page[T](
    path: str,
    item_cls: FromJson[T],
    filters: Mapping[str, Any],
    *,
    limit: int,
    offset: int,
    max_attempts: int | None = None,
    retry_after_cap: float = retry.RETRY_AFTER_CAP,
) -> Page[T]:
    """One page of a list: the rows matching `filters` (None: not sent) from `offset` on."""
    params = {**filters, "limit": limit, "offset": offset}
    response = request("GET", path, params=params, max_attempts=max_attempts, retry_after_cap=retry_after_cap)
    return Page.from_response(response, item_cls, limit=limit, offset=offset)


def pages[T](
    path: str,
    item_cls: FromJson[T],
    filters: Mapping[str, Any],
    *,
    page_size: int,
    max_attempts: int | None = None,
    retry_after_cap: float = retry.RETRY_AFTER_CAP,
) -> Iterator[Page[T]]:
    """Every page of a list, each fetched when the caller reaches it, so no caller juggles `offset`."""
    offset = 0
    while True:
        current = page(
            path,
            item_cls,
            filters,
            limit=page_size,
            offset=offset,
            max_attempts=max_attempts,
            retry_after_cap=retry_after_cap,
        )
        yield current
        if not current.items or not current.has_next:
            return
        offset += len(current.items)


def send[T](
    method: str,
    path: str,
    build: Callable[[Any], T],
    *,
    json: Any = None,
    idempotency_key: str | None = None,
    max_attempts: int | None = None,
) -> Sent[T]:
    """One mutation under the retry policy (at most `max_attempts` tries), and what happened to it."""
    response = request(method, path, json=json, idempotency_key=idempotency_key, max_attempts=max_attempts)
    return Sent(
        value=build(response.data),
        idempotency_key=idempotency_key or "",
        status=response.status,
        request_id=response.request_id,
        replayed=response.replayed,
        attempts=response.attempts,
    )
