"""Which API calls a dashboard request made, read from the sandbox's gunicorn access log.

The sandbox logs with StampedAccessLogger (--logger-class
bench.calls.StampedAccessLogger, --access-logformat LOG_FORMAT). Every line
with the dashboard client's User-Agent that started while a page was being
answered is one of that page's calls, in start order. A marker request
(GET /v1/test/bench-mark/<n>) sent straight to the sandbox afterwards says
how far to read. Nothing in the dashboard is instrumented or proxied.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from gunicorn.glogging import Logger

from bench.harness.connection import Connection

# boxoffice/brightstar/client.py USER_AGENT: how the log tells the dashboard's calls from ours.
DASHBOARD_UA = "brightstar-boxoffice/"
API = "/v1/test"
LOG_FORMAT = '%(start)s "%(r)s" %(s)s "%(a)s"'
LOG_LINE = re.compile(
    r'^(?P<start>[\d.]+) "(?P<method>[A-Z]+) (?P<target>\S+) HTTP/[\d.]+" (?P<status>\d{3}) '
    r'"(?P<ua>[^"]*)"$'
)
IDS = re.compile(r"\b(evt|ord|tkt|att|ref)_[0-9a-f]+")
Q_VALUE = re.compile(r"([?&]q=)[^&]*")


class StampedAccessLogger(Logger):
    """gunicorn's logger, plus when each request started (wall clock, µs).

    A line is written after its response has gone out, sometimes a few ms
    late on a busy machine, so the order of lines is not the order of
    requests; their start times are.
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["start"] = f"{time.time() - request_time.total_seconds():.6f}"
        return atoms


def signature(method: str, target: str) -> str:
    """'GET /v1/test/orders?q=…&limit=8&offset=0': the call, without its ids or search words."""
    return f"{method} {Q_VALUE.sub(r'\1…', IDS.sub(r'\1_…', target))}"


class AccessLog:
    """The sandbox's access log, read as it grows."""

    def __init__(self, path: Path, sandbox: Connection):
        self.sandbox, self.seq, self.rest = sandbox, 0, b""
        self.file = path.open("rb")
        self.file.seek(0, os.SEEK_END)

    def dashboard_calls(self, started: float, finished: float) -> tuple[list[tuple[str, str]], list[float]]:
        """The dashboard's calls (method, target) that started in [started, finished], in order,
        and the start times of any dashboard calls logged late for an earlier window."""
        self.seq += 1
        mark = f"{API}/bench-mark/{self.seq}"  # a JSON 404 from the sandbox, logged like any call
        self.sandbox.call("GET", mark)
        calls, late, deadline = [], [], time.monotonic() + 10
        while True:
            self.rest += self.file.read()
            *lines, self.rest = self.rest.split(b"\n")
            for i, raw in enumerate(lines):
                m = LOG_LINE.match(raw.decode("utf-8", "replace"))
                if m is None:
                    continue
                if m["target"] == mark:
                    self.rest = b"\n".join([*lines[i + 1 :], self.rest])
                    return [(method, target) for _, method, target in sorted(calls)], late
                if m["ua"].startswith(DASHBOARD_UA):
                    start = float(m["start"])
                    if started <= start <= finished:
                        calls.append((start, m["method"], m["target"]))
                    else:
                        late.append(start)
            if time.monotonic() > deadline:
                raise SystemExit(f"marker {mark} never reached the sandbox's access log")
            time.sleep(0.0005)
