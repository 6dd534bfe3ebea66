"""`make soak`: a dozen staff and doors work the dashboard while BrightStar misbehaves.

Seeds a fresh sandbox under var/soak/, serves it with ~20% injected faults
(500s, 429s, latency, dropped connections, answers lost after the commit)
and the dashboard beside it (gunicorn, DEBUG off, short API timeouts), all
on loopback. Then, for --minutes, simulated people use the dashboard and
only the dashboard, through real sessions and CSRF like a browser:

- doors (Door role) scan barcodes: new ones, the same one at two doors at
  once, ones already in, void, unknown and other events' codes; after
  "No answer" they scan again with the same idempotency key, as the page's
  form does;
- box office and organizers browse events, look orders up by email and id,
  open orders and refund partial or whole amounts; after "not confirmed"
  they send the same form again (same idempotency key).

Every answer is parsed for what the person was TOLD. At the end, with the
servers stopped, the sandbox's database is checked against it: admitted
means checked in, nobody admitted twice, each refund reported done exists
exactly once, no order refunded above its total. Exits 1 if an invariant
fails or the dashboard answered 500 even once.

    .venv/bin/python soak/run.py [--minutes 3] [--clients 12]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
HOST = "127.0.0.1"
PASSWORD = "soak-password-not-secret"  # noqa: S105 - throwaway users in var/soak
# ~20% of API requests misbehave; `lost` commits, then breaks the connection.
FAULTS = "500:0.06,429:0.04,latency:0.04:1s,drop:0.03,lost:0.03"
# How often a person sends the same thing again before giving up on it.
RESCANS = 6
RESENDS = 6
ID = re.compile(r"(evt|ord)_[A-Za-z0-9]+")
# What the dashboard says when it is sure a write never reached BrightStar.
NOTHING_RECORDED = re.compile(r"nothing was (recorded|changed)", re.I)
REASONS = ("Customer request", "Event change", "Duplicate order")
# Settings the soak decides; whatever the calling shell (or pytest) set is dropped.
OWN_ENV = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SANDBOX_DATABASE_URL", "CACHE_URL", "SANDBOX_FAULTS",
           "SANDBOX_RATE_LIMIT", "BRIGHTSTAR_API_URL", "BRIGHTSTAR_API_KEY", "BRIGHTSTAR_TIMEOUT",
           "BRIGHTSTAR_MAX_ATTEMPTS", "HTTPS", "BEHIND_PROXY", "SESSION_ENGINE", "DEBUG", "LOG_LEVEL")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def cents(text: str) -> int:
    return int(Decimal(text.replace(",", "")) * 100)


def dollars(amount: int) -> str:
    return f"{Decimal(amount) / 100:.2f}"


# --- what people were told ------------------------------------------------------------


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


# --- the stack ---------------------------------------------------------------------------


class Stack:
    def __init__(self, run_dir: Path, faults: str):
        self.dir, self.faults = run_dir, faults
        self.procs: list[subprocess.Popen] = []
        self.ports = {"sandbox": free_port(), "dashboard": free_port()}
        self.env = {k: v for k, v in os.environ.items() if k not in OWN_ENV}
        self.env.update({
            "DATABASE_URL": f"sqlite:///{run_dir / 'boxoffice.sqlite3'}",
            "SANDBOX_DATABASE_URL": f"sqlite:///{run_dir / 'sandbox.sqlite3'}",
            # Only the injected 429s: the soak's own pace must not hit the real limit.
            "SANDBOX_RATE_LIMIT": "100000000/minute",
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "BRIGHTSTAR_API_URL": f"http://{HOST}:{self.ports['sandbox']}/v1/test",
            # Short, so a dropped answer turns into "not confirmed" in seconds, not tens.
            "BRIGHTSTAR_TIMEOUT": "2,3",
            "PYTHONDONTWRITEBYTECODE": "1",
        })

    def manage(self, *argv: str) -> str:
        out = subprocess.run([PY, "manage.py", *argv], cwd=ROOT, env=self.env, check=True,  # noqa: S603
                             capture_output=True, text=True, timeout=300)
        return out.stdout.strip()

    def seed(self, *, orders_per_event: int, users: dict[str, str]) -> None:
        if self.dir.exists() and any(self.dir.iterdir()) and not (self.dir / "sandbox.sqlite3").exists():
            raise SystemExit(f"soak: {self.dir} is not empty and holds no earlier soak: not deleting it")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.manage("migrate", "--verbosity", "0")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        print(self.manage("seed_sandbox", "--account", "soak", "--events", "6",
                          "--orders-per-event", str(orders_per_event)))
        self.env["BRIGHTSTAR_API_KEY"] = self.manage("sandbox_apikey", "--account", "soak").splitlines()[-1]
        self.manage("shell", "-c", (
            "from django.contrib.auth.models import Group, User\n"
            f"for name, role in {users!r}.items():\n"
            f"    User.objects.create_user(name, password={PASSWORD!r}).groups.add(Group.objects.get(name=role))"))

    def serve(self) -> None:
        apps = {"sandbox": ("sandbox.wsgi:application", "sandbox.settings", {"SANDBOX_FAULTS": self.faults,
                                                                              "LOG_LEVEL": "INFO"}),
                "dashboard": ("boxoffice.wsgi:application", "boxoffice.settings", {})}
        for name, (app, settings_module, extra) in apps.items():
            env = {**self.env, **extra, "DJANGO_SETTINGS_MODULE": settings_module,
                   "BIND": f"{HOST}:{self.ports[name]}", "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "8"}
            log = (self.dir / f"{name}.log").open("w")
            cmd = [PY, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--chdir", str(ROOT), app]
            self.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log,  # noqa: S603
                                               start_new_session=True))
        deadline = time.monotonic() + 30
        for name, port in self.ports.items():
            while True:
                try:
                    socket.create_connection((HOST, port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"soak: {name} did not start (see {self.dir}/{name}.log)") from None
                    time.sleep(0.2)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # our own gunicorn master and its workers
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def sandbox_db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.dir / "sandbox.sqlite3")

    def dashboard_db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.dir / "boxoffice.sqlite3")


# --- the sandbox's data, before and after ---------------------------------------------------


@dataclass
class Snapshot:
    events: dict  # id -> (status, title)
    attendees: dict  # barcode -> (event_id, status, checked_in)
    orders: dict  # id -> (event_id, total, amount_refunded, buyer_email, status)
    refunds: dict  # id -> (order_id, amount)

    @classmethod
    def read(cls, db: sqlite3.Connection) -> Snapshot:
        return cls(
            events={r[0]: r[1:] for r in db.execute("SELECT id, status, title FROM sandbox_event")},
            attendees={r[0]: r[1:] for r in db.execute(
                "SELECT barcode, event_id, status, checked_in FROM sandbox_attendee")},
            orders={r[0]: r[1:] for r in db.execute(
                "SELECT id, event_id, total, amount_refunded, buyer_email, status FROM sandbox_order")},
            refunds={r[0]: r[1:] for r in db.execute("SELECT id, order_id, amount FROM sandbox_refund")},
        )


class Floor:
    """What the simulated people share: the seeded data, and what they were told."""

    def __init__(self, base: Snapshot, tally: Tally, seed: int):
        self.tally = tally
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.published = sorted(e for e, (status, _) in base.events.items() if status == "published")
        self.events = sorted(base.events)
        pools = defaultdict(lambda: defaultdict(list))
        for barcode, (event_id, status, checked_in) in sorted(base.attendees.items()):
            kind = "void" if status == "void" else "already" if checked_in else "fresh"
            pools[event_id][kind].append(barcode)
        for kinds in pools.values():
            self.rng.shuffle(kinds["fresh"])
        self.pools = pools
        self.contested: dict[str, deque] = defaultdict(deque)
        self.admitted: dict[str, list] = defaultdict(list)
        self.orders = sorted(o for o, (event_id, total, refunded, _, status) in base.orders.items()
                             if total > refunded and status != "cancelled")
        self.emails = sorted({row[3] for row in base.orders.values()})
        self.hot = self.rng.sample(self.orders, min(8, len(self.orders)))  # refunded by several desks at once

    def barcode(self, event_id: str, rng: random.Random) -> tuple[str, str]:
        pool = self.pools[event_id]
        with self.lock:
            roll = rng.random()
            if roll < 0.10 and self.contested[event_id]:
                return "contested", self.contested[event_id].popleft()
            if roll < 0.20 and self.admitted[event_id]:
                return "readmit", rng.choice(self.admitted[event_id])
            if roll < 0.27 and pool["void"]:
                return "void", rng.choice(pool["void"])
            if roll < 0.34 and pool["already"]:
                return "already", rng.choice(pool["already"])
            if roll < 0.41:
                return "unknown", f"SOAK{uuid.uuid4().hex[:12].upper()}"
            if roll < 0.45:
                other = self.pools[rng.choice([e for e in self.published if e != event_id] or [event_id])]
                if other["fresh"] or other["already"]:
                    return "wrong", rng.choice(other["fresh"] or other["already"])
            if pool["fresh"]:
                barcode = pool["fresh"].pop()
                if rng.random() < 0.2:  # another door will get this ticket too (a shared screenshot)
                    self.contested[event_id].append(barcode)
                return "fresh", barcode
            return "already", rng.choice(pool["already"] or pool["void"] or ["NOTHING-LEFT"])

    def told_admitted(self, event_id: str, barcode: str) -> None:
        with self.lock:
            self.admitted[event_id].append(barcode)

    def order(self, rng: random.Random) -> str:
        return rng.choice(self.hot) if rng.random() < 0.3 else rng.choice(self.orders)


# --- the people -----------------------------------------------------------------------------


def scan(floor: Floor, browser: Browser, door: str, event_id: str, kind: str, barcode: str) -> None:
    record = Scan(door, event_id, barcode, kind, str(uuid.uuid4()))
    for attempt in range(1, RESCANS + 1):
        sent = time.time()
        page = browser.post(f"/events/{event_id}/door/", {"barcode": barcode, "idempotency_key": record.key})
        record.sends, record.told = attempt, door_outcome(page)
        if NOTHING_RECORDED.search(page.text):
            record.said_nothing.append((sent, time.time()))
        # Grey "No answer" (or no page at all): scan the same ticket again, same key.
        if record.told not in ("unanswered", "http-0") and not record.told.startswith("http-5"):
            break
        time.sleep(0.2 * attempt)
    if record.told == "admitted":
        floor.told_admitted(event_id, barcode)
    with floor.tally.lock:
        floor.tally.scans.append(record)


def door_person(floor: Floor, browser: Browser, username: str, event_id: str, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    browser.login(username)
    browser.get(f"/events/{event_id}/door/")
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.05:
            browser.get(f"/events/{event_id}/door/counters/", htmx=True)
        elif roll < 0.10:
            browser.get(f"/events/{event_id}/door/search/?{urlencode({'q': rng.choice('aeiou') + rng.choice('nrst')})}",
                        htmx=True)
        elif roll < 0.12:
            browser.get(f"/events/{event_id}/attendees/?{urlencode({'checked_in': rng.choice(['', 'yes', 'no'])})}")
        else:
            kind, barcode = floor.barcode(event_id, rng)
            if kind == "fresh" and rng.random() < 0.08:
                # Two scanners read the same ticket at the same instant.
                twin = threading.Thread(target=scan, args=(floor, browser.twin(), username, event_id, "twin", barcode))
                twin.start()
                scan(floor, browser, username, event_id, "twin", barcode)
                twin.join()
            else:
                scan(floor, browser, username, event_id, kind, barcode)
        time.sleep(rng.uniform(0.05, 0.3))


def refund(floor: Floor, browser: Browser, staff: str, rng: random.Random) -> None:
    order_id = floor.order(rng)
    page = browser.get(f"/orders/{order_id}/")
    if page.status != 200:
        return
    form = refund_form(page.text)
    if not form:
        return  # nothing left to refund: nothing to try
    left = cents(form["amount"])
    roll = rng.random()
    amount = left + 1 if roll < 0.05 else left if roll < 0.15 else rng.randint(1, max(1, left // 3))
    fields = {"amount": dollars(amount), "reason": rng.choice(REASONS), "note": "",
              "idempotency_key": form["idempotency_key"], "expected_amount_refunded": form["expected_amount_refunded"]}
    record = RefundTry(staff, order_id, amount, form["idempotency_key"])
    for attempt in range(1, RESENDS + 1):
        sent = time.time()
        page = browser.post(f"/orders/{order_id}/refund/", fields)
        verdict, record.message = refund_verdict(page, record.key)
        if NOTHING_RECORDED.search(record.message):
            record.said_nothing.append((sent, time.time()))
        record.sends = attempt
        if verdict != "again":
            record.told = verdict
            break
        with floor.tally.lock:
            floor.tally.resent_after[record.message] += 1
        time.sleep(0.3 * attempt)  # "Not confirmed": wait a moment, send the same form again
    else:
        record.told = "unresolved"
    if record.told == "done":
        told = re.search(r"\$([\d,]+\.\d\d)", record.message)
        record.told_amount = cents(told[1]) if told else None
    with floor.tally.lock:
        floor.tally.refunds.append(record)


def staff_person(floor: Floor, browser: Browser, username: str, deadline: float, seed: int) -> None:
    rng = random.Random(seed)
    browser.login(username)
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.10:
            query = {"status": rng.choice(["", "published", "draft"]), "sort": rng.choice(["", "title", "-start_date"])}
            browser.get(f"/events/?{urlencode(query)}", htmx=rng.random() < 0.5)
        elif roll < 0.18:
            browser.get(f"/events/{rng.choice(floor.events)}/")
        elif roll < 0.30:
            q = urlencode({"q": rng.choice(floor.emails)})
            browser.get(f"/orders/lookup/?{q}", htmx=rng.random() < 0.5)
        elif roll < 0.36:
            page = browser.get(f"/orders/lookup/?{urlencode({'q': rng.choice(floor.orders)})}")
            if page.status == 302:
                browser.get(page.headers["location"])
        elif roll < 0.42:
            query = {"q": rng.choice(floor.emails).split("@")[0][:4], "status": rng.choice(["", "partially_refunded"])}
            browser.get(f"/orders/event/{rng.choice(floor.published)}/?{urlencode(query)}")
        elif roll < 0.58:
            browser.get(f"/orders/{floor.order(rng)}/")
        elif roll < 0.62 and username.startswith("organizer"):
            browser.get("/audit/")
        else:
            refund(floor, browser, username, rng)
        time.sleep(rng.uniform(0.05, 0.4))


# --- what the data says about what people were told -------------------------------------


def check(base: Snapshot, after: Snapshot, sandbox: sqlite3.Connection, dashboard: sqlite3.Connection,
          tally: Tally) -> list[tuple[bool, str, list[str]]]:
    results: list[tuple[bool, str, list[str]]] = []

    def verdict(name: str, problems: list[str]) -> None:
        results.append((not problems, name, problems))

    # Which key produced which effect, as BrightStar recorded it (answers kept for 24 h).
    answered: dict[str, tuple[int, dict]] = {}
    claimed: dict[str, float] = {}
    for key, status, body, created in sandbox.execute(
            "SELECT key, status_code, body, created_at FROM sandbox_idempotencyrecord WHERE status_code IS NOT NULL"):
        claimed[key] = datetime.fromisoformat(created).replace(tzinfo=UTC).timestamp()
        try:
            answered[key] = (status, json.loads(bytes(body or b"")))
        except ValueError:
            answered[key] = (status, {})
    audited = defaultdict(set)
    for action, key, outcome in dashboard.execute(
            "SELECT action, idempotency_key, outcome FROM audit_auditentry"):
        audited[(action, key)].add(outcome)

    scans, state = tally.scans, after.attendees
    admitted = [s for s in scans if s.told == "admitted"]
    told_in = Counter(s.barcode for s in admitted)
    verdict(f"every check-in reported Admitted is checked in ({len(told_in)} tickets)",
            [f"{s.barcode} (told Admitted at {s.door}, key {s.key}) is {state.get(s.barcode)}"
             for s in admitted if not state.get(s.barcode, (None, None, 0))[2]])
    verdict("no ticket reported Admitted twice, nor one already in before the soak",
            [f"{b} told Admitted {n} times: " + ", ".join(f"{s.door}/{s.key}" for s in admitted if s.barcode == b)
             for b, n in told_in.items() if n > 1]
            + [f"{b} was in before the soak, yet told Admitted" for b in told_in if base.attendees.get(b, (0, 0, 0))[2]]
            )
    checkins = [body for status, body in answered.values()
                if status == 201 and str(body.get("id", "")).startswith("att_")]
    newly = {b for b, (_, _, checked_in) in state.items() if checked_in and not base.attendees[b][2]}
    undecided = {s.barcode for s in scans if s.told not in ("admitted", "duplicate", "void", "unknown", "wrong_event")}
    verdict(f"checked-in flags match what doors were told ({len(newly)} new check-ins, "
            f"{len(checkins)} check-in answers)",
            [f"{b} is checked in, but no door was told Admitted (nor left without an answer)"
             for b in sorted(newly - set(told_in) - undecided)]
            + ([f"{len(checkins)} check-ins answered 201 for {len(newly)} tickets newly in"]
               if len(checkins) != len(newly) else []))
    refusals = {
        "duplicate": lambda s: state.get(s.barcode, (None, None, 0))[2],
        "void": lambda s: state.get(s.barcode, (None, ""))[1] == "void",
        "unknown": lambda s: s.barcode not in state,
        "wrong_event": lambda s: s.barcode in state and state[s.barcode][0] != s.event_id,
    }
    verdict("every refusal at the door is true (already in, void, unknown, another event's)",
            [f"{s.barcode} told {s.told} at {s.door} but is {state.get(s.barcode)}"
             for s in scans if s.told in refusals and not refusals[s.told](s)])

    done = [r for r in tally.refunds if r.told == "done"]
    problems = []
    for r in done:
        status, body = answered.get(r.key, (None, {}))
        refund = after.refunds.get(body.get("id", ""))
        if status != 201 or refund is None:
            problems.append(f"{r.order_id}: refund of {r.amount} told done (key {r.key}) has no refund ({status})")
        elif refund != (r.order_id, r.amount) or r.told_amount != r.amount:
            problems.append(f"{r.order_id}: asked {r.amount}, told {r.told_amount}, refund {body['id']} is {refund}")
    keyed = {body["id"] for status, body in answered.values()
             if status == 201 and str(body.get("id", "")).startswith("ref_")}
    new_refunds = set(after.refunds) - set(base.refunds)
    problems += [f"refund {i} {after.refunds[i]} was made without an answer of its own (a second effect?)"
                 for i in sorted(new_refunds - keyed)]
    verdict(f"every refund reported done exists exactly once ({len(done)} reported, {len(new_refunds)} made)",
            problems)
    verdict("no refund reported refused or invalid was made",
            [f"{r.order_id}: told {r.told} ({r.message!r}) but key {r.key} made refund {answered[r.key][1].get('id')}"
             for r in tally.refunds if r.told in ("refused", "invalid") and answered.get(r.key, (0,))[0] == 201])
    sums = Counter()
    for order_id, amount in after.refunds.values():
        sums[order_id] += amount
    verdict(f"no order refunded above its total, refunds add up ({len(after.orders)} orders)",
            [f"{o}: total {total}, amount_refunded {refunded}, refunds sum to {sums[o]}, {status}"
             for o, (_, total, refunded, _, status) in after.orders.items()
             if refunded > total or sums[o] != refunded
             or (status == "refunded") != (total > 0 and refunded == total and status != "cancelled")])
    verdict("ticket counters match the attendees (valid sold, valid checked in)",
            [f"{tid}: sold {sold} checked in {inn}, attendees say {valid} / {valid_in}"
             for tid, sold, inn, valid, valid_in in sandbox.execute(
                 "SELECT t.id, t.quantity_sold, t.checked_in_count, "
                 "(SELECT count(*) FROM sandbox_attendee a WHERE a.ticket_type_id = t.id AND a.status = 'valid'), "
                 "(SELECT count(*) FROM sandbox_attendee a WHERE a.ticket_type_id = t.id AND a.status = 'valid' "
                 "AND a.checked_in) FROM sandbox_tickettype t")
             if (sold, inn) != (valid, valid_in)])
    verdict("the audit log holds every success people were told of",
            [f"{action} key {key} told done, audit has {sorted(audited[(action, key)])}"
             for action, key in [*(("order.refund", r.key) for r in done),
                                 *(("attendee.check_in", s.key) for s in admitted)]
             if not audited[(action, key)] & {"succeeded", "replayed"}])
    # The first request with a key claims it; if that happened while the page
    # saying "nothing was recorded" was being made, and the answer kept is a
    # 201, the page told a person a change had not happened when it had.
    verdict("no page said nothing was recorded when it was",
            [f"{what} key {r.key}: the page said nothing was recorded, {when[1] - when[0]:.2f} s after it was sent, "
             f"but the key's request made a 201, {claimed[r.key] - when[0]:.2f} s after it was sent"
             for what, records in (("scan", tally.scans), ("refund", tally.refunds)) for r in records
             for when in r.said_nothing
             if answered.get(r.key, (0,))[0] == 201 and when[0] <= claimed[r.key] <= when[1]])
    verdict("every simulated person kept working to the end", tally.crashes)
    verdict("the dashboard never answered 500",
            [f"{method} {path}" for method, path, status in tally.failures if status == 500])
    return results


def report(args, tally: Tally, results, faults_fired: Counter, elapsed: float) -> dict:
    scans, refunds = Counter(s.told for s in tally.scans), Counter(r.told for r in tally.refunds)
    replayed = sum(1 for r in tally.refunds if r.told == "done" and "already made" in r.message)
    failed = Counter(f"{status or 'no answer'} {method} {ID.sub(r'<\1>', path.split('?')[0])}"
                     for method, path, status in tally.failures)
    summary = {
        "minutes": round(elapsed / 60, 2), "clients": args.clients, "faults": args.faults,
        "faults_injected": dict(faults_fired),
        "status": {str(k): v for k, v in sorted(tally.status.items())},
        "requests": sum(tally.status.values()),
        "scans": dict(scans), "scan_kinds": dict(Counter(s.kind for s in tally.scans)),
        "scans_sent_again": sum(s.sends - 1 for s in tally.scans),
        "failed_pages": dict(failed), "refunds": dict(refunds), "refunds_replayed": replayed,
        "refunds_sent_again": sum(r.sends - 1 for r in tally.refunds), "resent_after": dict(tally.resent_after),
        "refund_messages": dict(Counter(r.message for r in tally.refunds if r.told in ("refused", "unresolved"))),
        "said_nothing_recorded": sum(len(r.said_nothing) for r in [*tally.scans, *tally.refunds]),
        "admitted": scans["admitted"], "refunds_done": refunds["done"], "status_500": tally.status[500],
        "invariants_failed": sum(1 for ok, _, _ in results if not ok),
    }
    print(f"\nSoak: {summary['minutes']} min, {args.clients} clients, faults {args.faults}")
    print("Faults injected by the sandbox: " + ", ".join(f"{k} {v}" for k, v in sorted(faults_fired.items())))
    print(f"Dashboard responses ({summary['requests']}): "
          + ", ".join(f"{'no answer' if k == 0 else k}: {v}" for k, v in sorted(tally.status.items())))
    for what, n in failed.most_common():
        print(f"  {n:>4} x {what}")
    print(f"Door scans ({len(tally.scans)}, {summary['scans_sent_again']} sent again after no answer): "
          + ", ".join(f"{k} {v}" for k, v in scans.most_common()))
    print("  by what was scanned: " + ", ".join(f"{k} {v}" for k, v in Counter(s.kind for s in tally.scans).items()))
    print(f"Refunds ({len(tally.refunds)}, {summary['refunds_sent_again']} sent again after not confirmed): "
          + ", ".join(f"{k} {v}" for k, v in refunds.most_common()) + f" (of the done, {replayed} answered as replays)")
    for message, n in Counter(r.message for r in tally.refunds if r.told in ("refused", "unresolved")).most_common():
        print(f"  {n:>4} x final: {message}")
    for message, n in tally.resent_after.most_common():
        print(f"  {n:>4} x sent again after: {message}")
    print("Invariants:")
    for ok, name, problems in results:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
        for problem in problems[:10]:
            print(f"          {problem}")
        if len(problems) > 10:
            print(f"          … and {len(problems) - 10} more")
    return summary


def person(target, tally: Tally, *args) -> None:
    """Run one simulated person; a crash of the soak itself is a failure, never a thinner soak."""
    try:
        target(*args)
    except BaseException as exc:
        with tally.lock:
            tally.crashes.append(f"{threading.current_thread().name}: {type(exc).__name__}: {exc}")
        raise


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=12, help="simulated people: half doors, half staff")
    parser.add_argument("--orders-per-event", type=int, default=150)
    parser.add_argument("--faults", default=FAULTS, help="SANDBOX_FAULTS for the sandbox")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "soak", help="emptied, then holds DBs and logs")
    args = parser.parse_args(argv)

    stack = Stack(args.dir.resolve(), args.faults)
    doors = max(1, args.clients // 2)
    staff = args.clients - doors
    users = {f"door-{i}": "Door" for i in range(1, doors + 1)}
    users |= {(f"organizer-{i}" if i % 3 == 0 else f"desk-{i}"): ("Organizer" if i % 3 == 0 else "Box office")
              for i in range(1, staff + 1)}
    # Bounded in time whatever happens: the servers die with us.
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(SystemExit("soak: timed out")))
    signal.alarm(int(args.minutes * 60) + 600)
    tally = Tally()
    try:
        stack.seed(orders_per_event=args.orders_per_event, users=users)
        with stack.sandbox_db() as db:
            base = Snapshot.read(db)
        floor = Floor(base, tally, args.seed)
        stack.serve()
        port = stack.ports["dashboard"]
        started = time.monotonic()
        deadline = started + args.minutes * 60
        people = []
        for i, (username, role) in enumerate(users.items()):
            browser = Browser(port, tally)
            if role == "Door":
                event_id = floor.published[i % len(floor.published)]
                work = (door_person, tally, floor, browser, username, event_id, deadline, args.seed + i)
            else:
                work = (staff_person, tally, floor, browser, username, deadline, args.seed + i)
            people.append(threading.Thread(target=person, name=username, args=work))
        print(f"Soaking for {args.minutes:g} min: {doors} doors, {staff} staff, sandbox faults {args.faults}")
        for thread in people:
            thread.start()
        for thread in people:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        stack.stop()
    log = (stack.dir / "sandbox.log").read_text(errors="replace")
    faults_fired = Counter(re.findall(r"Injecting (\w+) into", log))
    with stack.sandbox_db() as sandbox, stack.dashboard_db() as dashboard:
        results = check(base, Snapshot.read(sandbox), sandbox, dashboard, tally)
    summary = report(args, tally, results, faults_fired, elapsed)
    if tally.status[500]:
        tracebacks = (stack.dir / "dashboard.log").read_text(errors="replace")
        print(f"\nThe dashboard's log ({stack.dir / 'dashboard.log'}) ends with:\n{tracebacks[-4000:]}")
    (stack.dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("SOAK-SUMMARY " + json.dumps(summary))
    return 1 if summary["invariants_failed"] or summary["status_500"] else 0


if __name__ == "__main__":
    sys.exit(main())
