"""`make bench`: what each dashboard page costs on top of the API calls it makes.

Seeds a fresh sandbox (one event with ~100,000 attendees and ~40,000 orders,
plus a few ordinary events), serves the sandbox, the dashboard and a floor
(bench/floor.py: a bare Django view returning small JSON) as three gunicorn
servers with the same settings (gunicorn.conf.py, DEBUG off) on loopback,
logs in an Organizer the way a browser does (login form, session cookie,
the CSRF token sent as X-CSRFToken, HX-Request on htmx requests), and then,
round after round with the pages in a fresh random order each round, for
each page or action (events list, event page, ticket edit: an inline price
change, order lookup by id and by email: the top bar's dropdown, order page,
refund of 1 cent, resend, door scan, door search, door counters):

1. times the dashboard request (a whole page for a link, the fragment for
   an htmx action);
2. reads which API calls that request made, from the sandbox's gunicorn
   access log (bench/calls.py); a call logged after its round's marker (a
   busy machine can delay a log write) drops that round rather than replay
   it short. The bench is the only client and waits for each answer, so
   nothing else is in flight; nothing in the dashboard is instrumented or
   proxied;
3. times those same calls, in the same order, issued straight to the
   sandbox with the key on one keep-alive connection: reads verbatim (same
   path and query); writes on a twin object (another order to refund or
   resend, another barcode, another price) so neither side ever hits a
   limit or replays the other's idempotency key;
4. times the floor, at a random point among the three.

So "calls" is what the page really did in that round (a cached event may
save two calls), and "API" is the same work done directly. The dashboard's
own cost is counted in floors of the same run: (dashboard median - API
median) / floor median, against the issue's targets (every desk page <= 6
floors, the big event's page included; door scan and counters <= 3; none
for door search). The direct side reads rows the dashboard has just read,
so if anything it flatters the API. It also measures the sandbox's deep
pagination: the attendee page at an offset near the end of 100,000 vs the
first page.

Prints one table and writes JSON to bench-results/pages-<timestamp>.json.
A benchmark, not a test: it asserts nothing, but it stops if a page answers
with anything other than what a browser expects.

    .venv/bin/python bench/pages.py [--rounds 200] [--warmup 20] [--deep-rounds 40]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench` importable
from bench.calls import API, LOG_FORMAT, AccessLog, signature
from bench.figures import overhead, overhead_cells, print_table, summary, write_results
from bench.harness.connection import Connection
from bench.harness.servers import ROOT, time_limit
from bench.harness.stack import Stack

USER = "bench-pages"
PASSWORD = "bench-pages-password-not-secret"  # noqa: S105 - a throwaway user in var/bench
DIRECT_UA = "bench-direct"
# The targets: the dashboard's overhead on top of its API calls, in floors.
DESK, DOOR = 6.0, 3.0


@dataclass
class Page:
    """One page or action: how the browser asks for it, and how to redo its writes directly."""

    name: str
    # round number -> (method, path, form fields or None, htmx?)
    request: Callable[[int], tuple[str, str, dict | None, bool]]
    expect: Callable[[int], bytes]  # in the 200 answer, or the page did not do its job
    # Writes replayed on a twin object: ids to swap in the logged paths, and the JSON body.
    swap: Callable[[int], dict[str, str]] = lambda i: {}
    body: Callable[[int], dict | None] = lambda i: None
    target: float | None = DESK  # most overhead allowed, in floors
    max_calls: int | None = None  # the earlier dashboard issue's call count, where it set one
    # One per measured round: dashboard ms, API ms (None without calls), the calls, and
    # whether a call was logged after the page's marker (the round is then dropped).
    samples: list[dict] = field(default_factory=list)


class Bench:
    def __init__(self, args):
        self.args = args
        self.stack = Stack(
            ROOT / "var" / "bench" / "pages",
            apps=("sandbox", "dashboard", "floor"),
            workers=args.workers,
            threads=args.threads,
        )
        self.log_path = self.stack.dir / "sandbox-access.log"

    # --- setup ---------------------------------------------------------------------
    def seed(self):
        started = time.perf_counter()
        self.stack.reset()
        print(self.stack.seed(account="bench", events=1, orders_per_event=self.args.orders))
        print(self.stack.seed(account="bench", events=6, orders_per_event=50))  # a few ordinary events
        self.stack.api_key("bench")
        self.stack.add_users({USER: "Organizer"}, PASSWORD)
        need = 2 * (self.args.warmup + self.args.rounds)
        with self.stack.sandbox_db() as db:
            self.event_id, self.attendees = db.execute(
                "SELECT event_id, count(*) AS n FROM sandbox_attendee GROUP BY event_id ORDER BY n DESC"
            ).fetchone()
            self.orders_total = db.execute(
                "SELECT count(*) FROM sandbox_order WHERE event_id = ?", (self.event_id,)
            ).fetchone()[0]
            self.ticket_type = db.execute(
                "SELECT id, name, quantity, price FROM sandbox_tickettype WHERE event_id = ? ORDER BY id",
                (self.event_id,),
            ).fetchone()
            self.orders = db.execute(
                "SELECT id, buyer_email FROM sandbox_order WHERE event_id = ? ORDER BY random() LIMIT 2000",
                (self.event_id,),
            ).fetchall()
            # Untouched completed orders: each is refunded (1 cent) or resent once, by one side only.
            spare = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM sandbox_order WHERE event_id = ? AND status = 'completed' AND amount_refunded = 0 "
                    "AND total >= 100 ORDER BY random() LIMIT ?",
                    (self.event_id, 2 * need),
                )
            ]
            self.barcodes = [
                r[0]
                for r in db.execute(
                    "SELECT barcode FROM sandbox_attendee WHERE event_id = ? AND status = 'valid' AND checked_in = 0 "
                    "ORDER BY random() LIMIT ?",
                    (self.event_id, need),
                )
            ]
            self.names = [
                r[0].split()[-1][:5]
                for r in db.execute(
                    "SELECT name FROM sandbox_attendee WHERE event_id = ? ORDER BY random() LIMIT 500", (self.event_id,)
                )
            ]
        if len(spare) < 2 * need or len(self.barcodes) < need:
            raise SystemExit("not enough untouched orders or barcodes for this many rounds: seed more orders")
        self.refund_orders, self.resend_orders = spare[:need], spare[need:]
        print(
            f"Seeded {self.attendees} attendees and {self.orders_total} orders on {self.event_id} "
            f"(plus 6 small events) in {time.perf_counter() - started:.0f}s"
        )

    def serve(self):
        # Each server's output (the console email backend's resends, Django's 404 per marker) goes to its log.
        self.stack.serve(
            env={"sandbox": {"GUNICORN_ACCESSLOG": str(self.log_path)}},
            args={"sandbox": ["--logger-class", "bench.calls.StampedAccessLogger", "--access-logformat", LOG_FORMAT]},
        )

    # --- the pages -------------------------------------------------------------------
    def pages(self) -> list[Page]:
        e, (tt_id, tt_name, tt_qty, tt_price) = self.event_id, self.ticket_type
        orders = self.orders
        base_price = max(tt_price, 1000) + 1000  # a new price every time: the form sends only changes

        def order(i: int) -> str:
            return orders[i % len(orders)][0]

        def price(i: int, side: int) -> int:
            return base_price + 2 * i + side

        def cents(amount: int) -> str:
            return f"{amount // 100}.{amount % 100:02d}"

        def twin(pool: list[str]) -> Callable[[int], dict[str, str]]:
            return lambda i: {pool[2 * i]: pool[2 * i + 1]}

        prefix = f"tt-{tt_id}-"
        return [
            Page("events list", lambda i: ("GET", "/events/", None, False), lambda i: b'id="event-list"', max_calls=1),
            Page(
                "event page",
                lambda i: ("GET", f"/events/{e}/", None, False),
                lambda i: b'id="orders-heading"',
                max_calls=3,
            ),
            Page(
                "ticket edit",
                lambda i: (
                    "POST",
                    f"/events/{e}/tickets/{tt_id}/edit/",
                    {
                        f"{prefix}name": tt_name,
                        f"{prefix}price": cents(price(i, 0)),
                        f"{prefix}quantity": tt_qty,
                        f"{prefix}idempotency_key": str(uuid.uuid4()),
                    },
                    True,
                ),
                lambda i: f'id="tt-{tt_id}"'.encode(),
                body=lambda i: {"price": price(i, 1)},
            ),
            Page(
                "lookup by id",
                lambda i: ("GET", f"/orders/lookup/?{urlencode({'q': order(i)})}", None, True),
                lambda i: order(i).encode(),
            ),
            Page(
                "lookup by email",
                lambda i: ("GET", f"/orders/lookup/?{urlencode({'q': orders[i % len(orders)][1]})}", None, True),
                lambda i: b"lookup-item",
            ),
            Page(
                "order page",
                lambda i: ("GET", f"/orders/{order(i)}/", None, False),
                lambda i: b'id="order-title"',
                max_calls=1,
            ),
            Page(
                "refund",
                lambda i: (
                    "POST",
                    f"/orders/{self.refund_orders[2 * i]}/refund/",
                    {
                        # The confirmed post, the one that sends (the confirmation before it calls no API).
                        "amount": "0.01",
                        "reason": "Customer request",
                        "note": "",
                        "idempotency_key": str(uuid.uuid4()),
                        "expected_amount_refunded": 0,
                        "confirmed": "true",
                    },
                    True,
                ),
                lambda i: b"Refunded ",
                swap=twin(self.refund_orders),
                body=lambda i: {"reason": "Customer request", "amount": 1, "expected_amount_refunded": 0},
            ),
            Page(
                "resend",
                lambda i: (
                    "POST",
                    f"/orders/{self.resend_orders[2 * i]}/resend/",
                    {"idempotency_key": str(uuid.uuid4())},
                    True,
                ),
                lambda i: b"resend-result",
                swap=twin(self.resend_orders),
            ),
            Page(
                "door scan",
                lambda i: (
                    "POST",
                    f"/events/{e}/door/",
                    {"barcode": self.barcodes[2 * i], "idempotency_key": str(uuid.uuid4())},
                    True,
                ),
                lambda i: b'data-outcome="admitted"',
                body=lambda i: {"barcode": self.barcodes[2 * i + 1]},
                target=DOOR,
                max_calls=1,
            ),
            Page(
                "door search",
                lambda i: (
                    "GET",
                    f"/events/{e}/door/search/?{urlencode({'q': self.names[i % len(self.names)]})}",
                    None,
                    True,
                ),
                lambda i: b"found-row",
                target=None,
            ),
            Page(
                "door counters",
                lambda i: ("GET", f"/events/{e}/door/counters/", None, True),
                lambda i: b'id="counters"',
                target=DOOR,
                max_calls=1,
            ),
        ]

    # --- one round of one page ---------------------------------------------------------
    def dashboard(self, page: Page, i: int) -> float:
        method, path, form, htmx = page.request(i)
        started = time.perf_counter()
        status, html, _ = self.browser.request(method, path, form, htmx=htmx)
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200 or page.expect(i) not in html:
            raise SystemExit(
                f"{page.name}: {method} {path} answered {status}, not the page:\n{html[:600]!r}"
                f"\n(servers' logs in {self.stack.dir})"
            )
        return elapsed

    def direct(self, page: Page, calls: list[tuple[str, str]], i: int) -> float:
        swaps = page.swap(i)
        plan = []
        for method, target in calls:
            for old, new in swaps.items():
                target = target.replace(old, new)
            body, headers = None, {}
            if method != "GET":
                payload = page.body(i)
                body = json.dumps(payload).encode() if payload is not None else None
                headers["Idempotency-Key"] = str(uuid.uuid4())  # every dashboard write sends one
            plan.append((method, target, body, headers))
        started = time.perf_counter()
        for method, target, body, headers in plan:
            status, answer, _ = self.api.call(method, target, body, headers)
            if not 200 <= status < 300:
                raise SystemExit(f"{page.name} (direct): {method} {target} answered {status}: {answer[:300]!r}")
        return (time.perf_counter() - started) * 1000

    def floor_ms(self) -> float:
        started = time.perf_counter()
        status, _, _ = self.floor.call("GET", "/floor/")
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"floor answered {status}")
        return elapsed

    # --- the runs ---------------------------------------------------------------------
    def measure(self) -> tuple[list[Page], list[float], int]:
        # One browser, one keep-alive connection: pages as links load them, actions as htmx sends them.
        self.browser = self.stack.browser()
        self.browser.login(USER, PASSWORD)
        self.api = self.stack.api({"User-Agent": DIRECT_UA})
        self.floor = self.stack.floor()
        log = AccessLog(self.log_path, Connection(self.stack.ports["sandbox"], {"User-Agent": "bench-marker"}))
        # The door page fills the names cache a door's scans rely on, as a door volunteer's first load does.
        started = time.time()
        self.browser.get(f"/events/{self.event_id}/door/")
        log.dashboard_calls(started, time.time())
        pages, floor, stray = self.pages(), [], 0
        order = [page.name for page in pages]
        windows: list[tuple[float, float, dict]] = []  # recent page requests, to place late log lines
        for i in range(self.args.warmup + self.args.rounds):
            measured = i >= self.args.warmup
            random.shuffle(pages)
            for page in pages:
                floor_at = random.randrange(3)  # before the page, between, or after the API calls
                if floor_at == 0:
                    floor.append(self.floor_ms())
                started = time.time()
                dash = self.dashboard(page, i)
                finished = time.time()
                calls, late = log.dashboard_calls(started, finished)
                for start in late:
                    owners = [sample for w0, w1, sample in windows if w0 <= start <= w1]
                    for sample in owners:
                        sample["late"] = True
                    stray += not owners
                if floor_at == 1:
                    floor.append(self.floor_ms())
                api = self.direct(page, calls, i) if calls else None
                if floor_at == 2:
                    floor.append(self.floor_ms())
                sample = {"dashboard_ms": dash, "api_ms": api, "calls": calls, "late": False}
                windows = [*windows[-50:], (started, finished, sample)]
                if measured:
                    page.samples.append(sample)
            if not measured:
                floor.clear()
        return sorted(pages, key=lambda page: order.index(page.name)), floor, stray

    def deep_pagination(self) -> dict:
        """The attendee list's first page vs one near the end, straight to the sandbox, interleaved."""
        api = self.stack.api({"User-Agent": DIRECT_UA})
        path = f"{API}/events/{self.event_id}/attendees?limit=100&offset="
        total = int(api.call("GET", path + "0").headers["X-Total-Count"])
        deep = max(0, total - 100)
        samples: dict[str, list[float]] = {"first": [], "deep": []}
        for i in range(3 + self.args.deep_rounds):
            for name, offset in random.sample([("first", 0), ("deep", deep)], 2):
                started = time.perf_counter()
                status, body, _ = api.call("GET", path + str(offset))
                elapsed = (time.perf_counter() - started) * 1000
                if status != 200 or not json.loads(body):
                    raise SystemExit(f"attendees at offset {offset} answered {status}")
                if i >= 3:
                    samples[name].append(elapsed)
        result = {name: summary(values) for name, values in samples.items()}
        result["deep_offset"], result["total"] = deep, total
        result["ratio_median"] = round(result["deep"]["median_ms"] / result["first"]["median_ms"], 2)
        result["ratio_p95"] = round(result["deep"]["p95_ms"] / result["first"]["p95_ms"], 2)
        return result


DEEP_TARGET = 3.0


def report(bench: Bench, pages: list[Page], floor_values: list[float], stray: int, deep: dict, load: dict) -> dict:
    floor = summary(floor_values)
    fm = floor["median_ms"]
    rows, out, dropped = [], {}, 0
    for page in pages:
        # A round whose calls were not all in the log in time was replayed short: leave it out.
        samples = [s for s in page.samples if not s["late"]]
        dropped += len(page.samples) - len(samples)
        counts = [len(s["calls"]) for s in samples]
        dash = summary([s["dashboard_ms"] for s in samples])
        api_ms = [s["api_ms"] for s in samples if s["api_ms"] is not None]
        api = summary(api_ms) if api_ms else None
        calls = {
            "mean": round(sum(counts) / len(counts), 2),
            "min": min(counts),
            "max": max(counts),
            "target_max": page.max_calls,
        }
        seen = Counter(signature(method, target) for s in samples for method, target in s["calls"])
        # A page without calls is all overhead.
        o = overhead(dash["median_ms"], api["median_ms"] if api else 0.0, fm, page.target)
        calls_ok = page.max_calls is None or calls["max"] <= page.max_calls
        out[page.name] = {
            "dashboard": dash,
            "api": api,
            "calls": calls,
            "calls_seen": dict(seen.most_common()),
            "overhead": o,
            "calls_ok": calls_ok,
        }
        span = (
            f"{calls['mean']:.1f}"
            if calls["min"] == calls["max"]
            else f"{calls['mean']:.1f} [{calls['min']}-{calls['max']}]"
        )
        *cells, verdict = overhead_cells(o)
        rows.append(
            [
                page.name,
                span,
                f"{dash['median_ms']:.1f}",
                f"{dash['p95_ms']:.1f}",
                f"{api['median_ms']:.1f}" if api else "-",
                f"{api['p95_ms']:.1f}" if api else "-",
                *cells,
                verdict + ("" if calls_ok else f" (calls > {page.max_calls})"),
            ]
        )
    rows.append(["floor", "-", f"{fm:.2f}", f"{floor['p95_ms']:.2f}", "-", "-", "-", "1.0", "-", ""])
    args = bench.args
    print()
    print(
        f"Cost per page: {bench.attendees} attendees / {bench.orders_total} orders on one event; "
        f"{args.rounds} interleaved rounds (+{args.warmup} warm-up); {args.workers} workers x {args.threads} "
        f"threads per server; {os.cpu_count()} CPUs; load average {load['before'][0]:.2f} before, "
        f"{load['after'][0]:.2f} after"
    )
    print(
        "ms = milliseconds (median, p95); API = the same calls straight to the sandbox; "
        "floors = (dash median - API median) / floor median, all from this run"
    )
    print()
    print_table(
        ["page", "calls", "dash ms", "p95", "API ms", "p95", "+ms", "floors", "target", ""], rows, first_width=16
    )
    print()
    deep_ok = deep["ratio_median"] <= DEEP_TARGET
    print(
        f"Deep pagination (sandbox, attendees, limit 100): offset 0 {deep['first']['median_ms']:.1f} ms "
        f"(p95 {deep['first']['p95_ms']:.1f}), offset {deep['deep_offset']} {deep['deep']['median_ms']:.1f} ms "
        f"(p95 {deep['deep']['p95_ms']:.1f}): x{deep['ratio_median']:.2f} (target <= {DEEP_TARGET:g}: "
        f"{'ok' if deep_ok else 'over'}); {deep['deep']['median_ms'] / fm:.1f} x floor"
    )
    print(
        f"Rounds left out because a call reached the log after its marker: {dropped}"
        f"{f'; {stray} late lines matched no page' if stray else ''}; servers' logs in "
        f"{bench.stack.dir.relative_to(ROOT)}"
    )
    missed = [name for name, r in out.items() if r["overhead"]["ok"] is False or not r["calls_ok"]]
    heaviest = max(out, key=lambda n: out[n]["overhead"]["floors"])
    print(
        f"Targets (desk pages <= {DESK:g} floors, door scan and counters <= {DOOR:g}, call counts): "
        f"{'all met' if not missed else 'over: ' + ', '.join(missed)}; "
        f"most overhead: {heaviest} ({out[heaviest]['overhead']['floors']:.1f} floors)"
    )
    return {
        "attendees": bench.attendees,
        "orders": bench.orders_total,
        "event_id": bench.event_id,
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "threads": args.threads,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "load_average": load,
        "floor": floor,
        "pages": out,
        "deep_pagination": {**deep, "target": DEEP_TARGET},
        "rounds_left_out": dropped,
        "late_lines_unmatched": stray,
        "targets": {"desk_floors": DESK, "door_floors": DOOR, "missed": missed, "deep_pagination_met": deep_ok},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=40000, help="orders on the big event (40000: ~100,000 attendees)")
    parser.add_argument("--rounds", type=int, default=200, help="measured rounds (each: every page once)")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--deep-rounds", type=int, default=40, help="rounds of first vs deep attendee page")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    args = parser.parse_args(argv)

    bench = Bench(args)
    time_limit(900, "bench")
    load = {"before": os.getloadavg()}
    try:
        bench.seed()
        bench.serve()
        pages, floor, stray = bench.measure()
        deep = bench.deep_pagination()
    finally:
        bench.stack.stop()
    load["after"] = os.getloadavg()
    result = report(bench, pages, floor, stray, deep, load)
    path = write_results("pages", result)
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
