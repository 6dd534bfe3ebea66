"""What the simulated people were told: the dashboard's answers as they read them, and the tally."""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from html import unescape

from bench.harness.connection import Reply

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


def door_outcome(page: Reply) -> str:
    if page.status != 200:
        return f"http-{page.status}"
    found = re.search(r'<div class="result [^"]*" data-outcome="([a-z_]+)"', page.text)
    return found[1] if found else "unreadable"


def refund_verdict(page: Reply, key: str) -> tuple[str, str]:
    """("done" | "again" | "refused" | "invalid" | "unexpected", what the notice said)."""
    if page.status == 0 or page.status >= 500:
        return "again", f"HTTP {page.status}"
    if page.headers.get("hx-retarget") == "#alerts":  # the order could not be read: nothing was sent
        return "again", unescape(re.sub(r"<[^>]+>", " ", page.text)).split("Dismiss")[0].strip()
    if page.status == 422:
        return "invalid", ""
    notice = re.search(
        r'class="alert (alert-ok|alert-offline|alert-error) order-notice".*?<strong>(.*?)</strong>', page.text, re.S
    )
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
    fields = re.findall(
        r'<input[^>]*?name="(idempotency_key|expected_amount_refunded|amount)"[^>]*?value="([^"]*)"',
        form[0] if form else "",
    )
    return {name: unescape(value) for name, value in fields}
