"""Fault injection: a sandbox that misbehaves on purpose, like the real API on its worst night.

Off unless `SANDBOX_FAULTS` says otherwise, e.g.

    SANDBOX_FAULTS="500:0.1,429:0.1,latency:0.1:2s,drop:0.05,lost:0.05"

Each rule is `kind:probability[:duration][:max=N]`:

- `500`     answer 500 INTERNAL_ERROR (in the envelope) without doing anything;
- `429`     answer 429 RATE_LIMITED with `Retry-After`, without doing anything;
- `latency` wait `duration` (e.g. `2s`, `300ms`) before handling the request;
- `drop`    break the connection before doing anything: the client gets no answer;
- `lost`    do the work (commit it, store the idempotent answer), then break the
            connection: the nasty case where only a retry with the same
            Idempotency-Key can tell the client what happened.

`max=N` caps how often a rule fires in this process (tests use `lost:1:max=1`).
"""

import contextlib
import functools
import logging
import random
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse

from sandbox import errors
from sandbox.errors import ApiError

logger = logging.getLogger("sandbox.faults")

KINDS = ("500", "429", "latency", "drop", "lost")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")
_fired: dict[str, int] = {}
_lock = threading.Lock()
_random = random.Random()


@dataclass(frozen=True)
class Rule:
    kind: str
    probability: float
    seconds: float = 0.0
    max_times: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.probability}:{self.seconds}:{self.max_times}"


class ConnectionDropped(Exception):
    """Raised so the boundary ends the exchange without an answer."""


@functools.lru_cache
def parse(spec: str) -> tuple[Rule, ...]:
    rules = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        kind, _, rest = part.partition(":")
        if kind not in KINDS:
            raise ValueError(f"SANDBOX_FAULTS: unknown fault {kind!r} (known: {', '.join(KINDS)})")
        fields = rest.split(":") if rest else []
        probability = float(fields.pop(0)) if fields else 1.0
        if not 0 <= probability <= 1:
            raise ValueError(f"SANDBOX_FAULTS: probability of {kind} must be between 0 and 1")
        seconds, max_times = 0.0, None
        for field in fields:
            if field.startswith("max="):
                max_times = int(field.removeprefix("max="))
            elif match := _DURATION.match(field):
                seconds = float(match[1]) / (1000 if match[2] == "ms" else 1)
            else:
                raise ValueError(f"SANDBOX_FAULTS: cannot read {field!r} in {part!r}")
        if kind == "latency" and not seconds:
            raise ValueError("SANDBOX_FAULTS: latency needs a duration, like latency:0.1:2s")
        rules.append(Rule(kind, probability, seconds, max_times))
    return tuple(rules)


def _fires(rule: Rule) -> bool:
    if _random.random() >= rule.probability:
        return False
    with _lock:
        count = _fired.get(rule.key, 0)
        if rule.max_times is not None and count >= rule.max_times:
            return False
        _fired[rule.key] = count + 1
    return True


def reset() -> None:
    """Forget how often rules fired (tests)."""
    with _lock:
        _fired.clear()


def inject(request, call: Callable[[], HttpResponse]) -> HttpResponse:
    """Run `call` under the configured faults; without any, it is just `call()`."""
    rules = parse(getattr(settings, "SANDBOX_FAULTS", "") or "")
    if not rules or request.path.endswith("/openapi.json"):
        return call()
    lost_after = False
    for rule in rules:
        if not _fires(rule):
            continue
        logger.info("Injecting %s into %s %s", rule.kind, request.method, request.path)
        if rule.kind == "latency":
            time.sleep(rule.seconds)
        elif rule.kind == "500":
            raise ApiError(errors.INTERNAL_ERROR, "Injected fault: internal error", status=500)
        elif rule.kind == "429":
            raise ApiError(
                errors.RATE_LIMITED, "Injected fault: rate limited", headers={"Retry-After": "1"}, retry_after=1
            )
        elif rule.kind == "drop":
            raise ConnectionDropped
        elif rule.kind == "lost":
            lost_after = True
    response = call()
    if lost_after:
        raise ConnectionDropped
    return response


def dropped_response(request) -> HttpResponse:
    """A response that promises a body and breaks off: clients see a dropped connection.

    The socket is shut down where it can be found; where it cannot, a body
    shorter than its Content-Length still makes every HTTP client fail the
    exchange as a broken connection.
    """
    sock = _client_socket(request)
    if sock is not None:
        # Do it for real: no byte of an answer leaves.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    response = StreamingHttpResponse(iter([b'{"error']), content_type="application/json")
    response["Content-Length"] = "4096"
    return response


def _client_socket(request):
    """The connection's socket: gunicorn hands it over; under Django's own server
    (runserver, the test live server) it sits behind wsgi.input."""
    sock = request.META.get("gunicorn.socket")
    if sock is not None:
        return sock
    stream = request.META.get("wsgi.input")
    for _ in range(5):  # LimitedStream -> BufferedReader -> SocketIO -> socket
        if stream is None:
            return None
        if hasattr(stream, "raw"):
            return getattr(stream.raw, "_sock", None)
        bound = getattr(stream, "_read", None)
        stream = getattr(stream, "stream", None) or getattr(bound, "__self__", None)
    return None
