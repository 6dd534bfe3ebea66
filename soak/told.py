"""What the simulated people were told: their browsers, and the dashboard's answers as they read them."""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import urlencode

from bench.servers import HOST

PASSWORD = "soak-password-not-secret"  # noqa: S105 - throwaway users in var/soak


@dataclass
class Scan:
    door: str
    event_id: str
    barcode: str
    kind: str  # what the door meant to scan: fresh, twin, contested, readmit, void, already, unknown, wrong
    key: str
    told: str = ""
    sends: int = 0
    # (sent at, answered at) of each send whose page said nothing had been recorded
    said_nothing: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class RefundTry:
    staff: str
    order_id: str
    amount: int
    key: str
    told: str = ""  # done, refused, invalid, unresolved, unexpected
    message: str = ""
    told_amount: int | None = None
    sends: int = 0
    said_nothing: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    status: Counter = field(default_factory=Counter)
    failures: list = field(default_factory=list)  # (method, path, status) of 5xx / no answer
    scans: list[Scan] = field(default_factory=list)
    refunds: list[RefundTry] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    resent_after: Counter = field(default_factory=Counter)  # what a refund showed before it was sent again

    def http(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.status[status] += 1
            if status == 0 or status >= 500:
                self.failures.append((method, path, status))


@dataclass
class Page:
    status: int
    text: str
    headers: dict


class Browser:
    """One person's browser: a cookie jar, a CSRF token, one keep-alive connection."""

    def __init__(self, port: int, tally: Tally):
        self.port, self.tally = port, tally
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None
        self.last_used = 0.0

    def twin(self) -> Browser:
        """A second tab of the same session (two scanners on one account)."""
        other = Browser(self.port, self.tally)
        other.cookies = dict(self.cookies)
        return other

    def request(self, method: str, path: str, fields: dict | None = None, *, htmx: bool = False) -> Page:
        # gunicorn drops keep-alive connections idle for 5 s: open a new one before that.
        if self.conn is None or time.monotonic() - self.last_used > 3:
            if self.conn is not None:
                self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            self.tally.http(method, path, 0)
            return Page(0, "", {})
        self.last_used = time.monotonic()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";")[0].split("=", 1)
            self.cookies[name] = value
        self.tally.http(method, path, response.status)
        return Page(response.status, data.decode("utf-8", "replace"), {k.lower(): v for k, v in response.getheaders()})

    def get(self, path: str, *, htmx: bool = False) -> Page:
        page = self.request("GET", path, htmx=htmx)
        if page.status == 0:  # a GET is safe to send again, as a browser's reload
            page = self.request("GET", path, htmx=htmx)
        return page

    def post(self, path: str, fields: dict, *, htmx: bool = True) -> Page:
        return self.request("POST", path, fields, htmx=htmx)

    def login(self, username: str) -> None:
        page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status != 200 or token is None:
            raise SystemExit(f"soak: the login page did not load for {username} ({page.status})")
        fields = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
        page = self.post("/login/", fields, htmx=False)
        if page.status != 302:
            raise SystemExit(f"soak: {username} could not log in ({page.status})")


def door_outcome(page: Page) -> str:
    if page.status != 200:
        return f"http-{page.status}"
    found = re.search(r'<div class="result [^"]*" data-outcome="([a-z_]+)"', page.text)
    return found[1] if found else "unreadable"


def refund_verdict(page: Page, key: str) -> tuple[str, str]:
    """("done" | "again" | "refused" | "invalid" | "unexpected", what the notice said)."""
    if page.status == 0 or page.status >= 500:
        return "again", f"HTTP {page.status}"
    if page.headers.get("hx-retarget") == "#alerts":  # the order could not be read: nothing was sent
        return "again", unescape(re.sub(r"<[^>]+>", " ", page.text)).split("Dismiss")[0].strip()
    if page.status == 422:
        return "invalid", ""
    notice = re.search(r'class="alert (alert-ok|alert-offline|alert-error) order-notice".*?<strong>(.*?)</strong>',
                       page.text, re.S)
    if page.status != 200 or notice is None:
        return "unexpected", f"HTTP {page.status}"
    message = unescape(notice[2])
    if notice[1] == "alert-ok":
        return "done", message
    # The page offers the same form (the same key) only when the outcome is unknown.
    same_key = refund_form(page.text).get("idempotency_key") == key
    return ("again" if same_key else "refused"), message


def refund_form(text: str) -> dict[str, str]:
    """The refund form's fields as rendered (not the resend form's key), or {} without one."""
    form = re.search(r'<form[^>]*action="/orders/[^"]+/refund/".*?</form>', text, re.S)
    fields = re.findall(r'<input[^>]*?name="(idempotency_key|expected_amount_refunded|amount)"[^>]*?value="([^"]*)"',
                        form[0] if form else "")
    return {name: unescape(value) for name, value in fields}
