"""`make bench-door`: the door's three actions through the dashboard vs straight to the API, in floors.

Seeds a fresh sandbox with one event of ~100,000 attendees, serves the
sandbox, the dashboard and a floor (bench/floor.py: a bare Django view
returning small JSON) as three gunicorn servers with the same settings on
loopback, and measures them side by side in one run:

- latency, one client, round after round, each round in a fresh random
  order so drift hits all alike: a scan through the dashboard and the same
  check-in straight to the API, the counters (the dashboard's fragment and
  the ticket-type list it asks for), a name search (fragment and attendee
  search), and the floor;
- throughput with 16 concurrent door clients, each target in turn;
- scan to verdict in Chromium (bench/verdict.py): Enter -> verdict painted,
  next to the request's own time, on loopback and with 150 ms of latency.

The dashboard's overhead on each action is counted in floors of the same
run: (dashboard median - API median) / floor median, against its target
(scan and counters <= 3 floors). Prints a table and writes JSON to
bench-results/. A benchmark, not a test: it asserts nothing.

    .venv/bin/python bench/door.py [--rounds 400] [--seconds 10] [--clients 16]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench` importable
from bench.figures import overhead, overhead_cells, print_table, summary, write_results
from bench.harness.browser import Browser
from bench.harness.connection import Connection
from bench.harness.servers import ROOT, time_limit
from bench.harness.stack import Stack
from bench.verdict import device_figures, print_device, print_verdicts, verdict_timing

PASSWORD = "bench-door-password-not-secret"  # noqa: S105 - a throwaway user in var/bench
# The targets: the dashboard's overhead, in floors; none is set for search.
TARGETS = {"door scan": 3.0, "door counters": 3.0, "door search": None}
# boxoffice/brightstar/events.py MAX_LIMIT: the counters' one call asks for this many ticket types.
TICKET_TYPES_LIMIT = 100
# What every door action costs before its view asks BrightStar anything: no API side, so counted whole.
FIXED = "no API call"


class Bench:
    def __init__(self, args):
        self.args = args
        self.stack = Stack(
            ROOT / "var" / "bench" / "door",
            apps=("sandbox", "dashboard", "floor"),
            workers=args.workers,
            threads=args.threads,
        )
        self.barcodes: list[str] = []
        self.lock = threading.Lock()

    # --- setup -------------------------------------------------------------------
    def seed(self):
        night = self.stack.seed_door_night(orders=self.args.orders, user="bench-door", role="Door", password=PASSWORD)
        self.event_id, self.attendees, self.barcodes, self.names = (
            night.event_id,
            night.attendees,
            night.barcodes,
            night.names,
        )

    def serve(self):
        self.stack.serve()

    def stop(self):
        self.stack.stop()

    def door_session(self) -> Browser:
        """A logged-in door volunteer's browser: session cookie + CSRF token."""
        self.browser = self.stack.browser()
        self.browser.login("bench-door", PASSWORD)
        return self.browser

    def new_door(self) -> Browser:
        return self.browser.twin()

    def new_api(self) -> Connection:
        return self.stack.api()

    def next_barcode(self) -> str:
        with self.lock:
            return self.barcodes.pop()

    # --- each action on each side, and the floor: True when it did what it should ---
    def scan_dashboard(self, door: Browser) -> bool:
        fields = {"barcode": self.next_barcode(), "idempotency_key": str(uuid.uuid4())}
        status, html, _ = door.post(f"/events/{self.event_id}/door/", fields)
        return status == 200 and b'data-outcome="admitted"' in html

    def scan_api(self, api: Connection) -> bool:
        body = json.dumps({"barcode": self.next_barcode()}).encode()
        status, _, _ = api.call(
            "POST", f"/v1/test/events/{self.event_id}/checkins", body, {"Idempotency-Key": str(uuid.uuid4())}
        )
        return status == 201

    def empty_scan(self, door: Browser) -> bool:
        """An Enter on an empty field: the whole middleware (session, user, roles, CSRF) and the form, no API call."""
        status, _, _ = door.post(f"/events/{self.event_id}/door/", {"barcode": "", "idempotency_key": "k"})
        return status == 204

    def hit_floor(self, floor: Connection) -> bool:
        status, _, _ = floor.call("GET", "/floor/")
        return status == 200

    def counters_dashboard(self, door: Browser) -> bool:
        status, html, _ = door.get(f"/events/{self.event_id}/door/counters/", htmx=True)
        return status == 200 and b'id="counters"' in html

    def counters_api(self, api: Connection) -> bool:
        status, _, _ = api.call("GET", f"/v1/test/events/{self.event_id}/tickets?limit={TICKET_TYPES_LIMIT}&offset=0")
        return status == 200

    def search_dashboard(self, door: Browser, q: str) -> bool:
        status, html, _ = door.get(f"/events/{self.event_id}/door/search/?{urlencode({'q': q})}", htmx=True)
        return status == 200 and b"found-row" in html

    def search_api(self, api: Connection, q: str) -> bool:
        query = urlencode({"q": q, "limit": 10, "offset": 0})  # as the dashboard asks (door/views.py SEARCH_LIMIT)
        status, _, _ = api.call("GET", f"/v1/test/events/{self.event_id}/attendees?{query}")
        return status == 200

    # --- measurements ------------------------------------------------------------------
    def latency(self) -> dict:
        """Median and p95 of each action on each side, and of the floor, interleaved round by round."""
        door, api, floor = self.door_session(), self.new_api(), self.stack.floor()
        door.get(f"/events/{self.event_id}/door/")  # the page render fills the names cache
        queries = [name.split()[-1][:5] for name in self.names]
        ops = {
            ("door scan", "dashboard"): lambda i: self.scan_dashboard(door),
            ("door scan", "api"): lambda i: self.scan_api(api),
            ("door counters", "dashboard"): lambda i: self.counters_dashboard(door),
            ("door counters", "api"): lambda i: self.counters_api(api),
            ("door search", "dashboard"): lambda i: self.search_dashboard(door, queries[i % len(queries)]),
            ("door search", "api"): lambda i: self.search_api(api, queries[i % len(queries)]),
            ("floor", "floor"): lambda i: self.hit_floor(floor),
            (FIXED, "dashboard"): lambda i: self.empty_scan(door),
        }
        samples = {key: [] for key in ops}
        for i in range(self.args.warmup + self.args.rounds):
            order = list(ops)
            random.shuffle(order)
            for key in order:
                started = time.perf_counter()
                ok = ops[key](i)
                elapsed = (time.perf_counter() - started) * 1000
                if not ok:
                    raise SystemExit(f"{' '.join(key)} failed during the latency run (logs in {self.stack.dir})")
                if i >= self.args.warmup:
                    samples[key].append(elapsed)
        result: dict = {}
        for (action, side), values in samples.items():
            result.setdefault(action, {})[side] = summary(values)
        return result

    def throughput(self) -> dict:
        results = {}
        makers = {
            "dashboard": (self.new_door, self.scan_dashboard),
            "api": (self.new_api, self.scan_api),
            "floor": (self.stack.floor, self.hit_floor),
        }
        for name, (make, op) in makers.items():
            done, failed = [0] * self.args.clients, [0] * self.args.clients
            start = threading.Barrier(self.args.clients + 1)
            stop_at = [0.0]

            def run(i, make=make, op=op, done=done, failed=failed, start=start, stop_at=stop_at):
                conn = make()
                op(conn)  # warm the connection (and the worker's caches)
                start.wait()
                while time.perf_counter() < stop_at[0]:
                    if op(conn):
                        done[i] += 1
                    else:
                        failed[i] += 1

            threads = [threading.Thread(target=run, args=(i,)) for i in range(self.args.clients)]
            for t in threads:
                t.start()
            stop_at[0] = time.perf_counter() + 1e9
            start.wait()
            began = time.perf_counter()
            stop_at[0] = began + self.args.seconds
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - began
            results[name] = {"per_second": round(sum(done) / elapsed, 1), "ok": sum(done), "failed": sum(failed)}
        return results


def verdicts(bench: Bench) -> dict:
    base = f"http://127.0.0.1:{bench.stack.ports['dashboard']}"
    return verdict_timing(
        base,
        "bench-door",
        PASSWORD,
        f"/events/{bench.event_id}/door/",
        bench.next_barcode,
        scans=bench.args.scans,
        latency_scans=bench.args.latency_scans,
    )


def device(bench: Bench) -> dict:
    """Fill the dashboard's replica (what `db_worker` does when a door opens), then measure a phone's copy."""
    bench.stack.manage(
        "shell", "-c", f"from boxoffice.venue.sync import replica_sync; replica_sync(event_id={bench.event_id!r})"
    )
    base = f"http://127.0.0.1:{bench.stack.ports['dashboard']}"
    codes = [bench.next_barcode() for _ in range(bench.args.lookups)]
    # As a volunteer types: part of a surname in capitals, a first name in lower case.
    queries = [name.split()[-1][:4].upper() if i % 2 else name.split()[0].lower() for i, name in enumerate(bench.names)]
    return device_figures(base, "bench-door", PASSWORD, f"/events/{bench.event_id}/door/", codes, queries=queries[:100])


def report(bench: Bench, lat: dict, tput: dict | None) -> dict:
    args, floor = bench.args, lat["floor"]["floor"]
    rows, out = [], {}
    for action, target in TARGETS.items():
        dash, api = lat[action]["dashboard"], lat[action]["api"]
        o = overhead(dash["median_ms"], api["median_ms"], floor["median_ms"], target)
        out[action] = {"dashboard": dash, "api": api, "overhead": o}
        rows.append(
            [
                action,
                f"{dash['median_ms']:.2f}",
                f"{dash['p95_ms']:.2f}",
                f"{api['median_ms']:.2f}",
                f"{api['p95_ms']:.2f}",
                *overhead_cells(o),
            ]
        )
    fixed = lat[FIXED]["dashboard"]
    out[FIXED] = {"dashboard": fixed, "floors": round(fixed["median_ms"] / floor["median_ms"], 2)}
    rows.append(
        [
            FIXED,
            f"{fixed['median_ms']:.2f}",
            f"{fixed['p95_ms']:.2f}",
            "-",
            "-",
            f"{fixed['median_ms']:.2f}",
            f"{out[FIXED]['floors']:.1f}",
            "-",
            "",
        ]
    )
    rows.append(["floor", f"{floor['median_ms']:.2f}", f"{floor['p95_ms']:.2f}", "-", "-", "-", "1.0", "-", ""])
    print()
    print(
        f"Door, {bench.attendees} attendees on one event: one client, {args.rounds} interleaved rounds "
        f"(+{args.warmup} warm-up); {args.workers} workers x {args.threads} threads per server; "
        f"{os.cpu_count()} CPUs"
    )
    print(
        "ms = milliseconds (median, p95); API = the same call straight to the sandbox; "
        "floors = (dash median - API median) / floor median, all from this run"
    )
    print()
    print_table(["action", "dash ms", "p95", "API ms", "p95", "+ms", "floors", "target", ""], rows, first_width=14)
    print(
        f"{FIXED}: an empty scan (204), the session, user, roles, CSRF and form of every door action "
        "and the hop to the dashboard, with nothing asked of BrightStar; counted whole (the floor's hop included)"
    )
    missed = [action for action, r in out.items() if r.get("overhead", {}).get("ok") is False]
    print(f"Targets (scan and counters <= 3 floors): {'all met' if not missed else 'over: ' + ', '.join(missed)}")
    print()
    if tput is not None:
        _print_throughput(args, tput)
    return {
        "attendees": bench.attendees,
        "cpus": os.cpu_count(),
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "floor": floor,
        "actions": out,
        "throughput": tput,
        "targets_missed": missed,
    }


def _print_throughput(args, tput: dict) -> None:
    floor_rate = tput["floor"]["per_second"]
    print_table(
        [f"throughput, {args.clients} clients x {args.seconds:g} s", "per s", "floor/x", "failed"],
        [
            [
                label,
                f"{tput[name]['per_second']:.1f}",
                f"{floor_rate / tput[name]['per_second']:.2f}",
                tput[name]["failed"],
            ]
            for name, label in (("dashboard", "door scan (dashboard)"), ("api", "check-in (API)"), ("floor", "floor"))
        ],
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=40000, help="orders to seed (40000 = ~100,000 attendees)")
    parser.add_argument(
        "--rounds", type=int, default=400, help="latency rounds (each: every action on both sides, and the floor)"
    )
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run per target (0: none)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent door clients")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--scans", type=int, default=200, help="browser scans on loopback (0: no browser scans)")
    parser.add_argument("--latency-scans", type=int, default=80, help="browser scans with 150 ms latency")
    parser.add_argument("--lookups", type=int, default=150, help="offline scans on the phone's copy (0: none)")
    parser.add_argument("--browser-only", action="store_true", help="only the in-browser figures")
    args = parser.parse_args(argv)

    bench = Bench(args)
    time_limit(900, "bench-door")
    result: dict = {}
    try:
        bench.seed()
        bench.serve()
        if not args.browser_only:
            lat = bench.latency()
            tput = bench.throughput() if args.seconds > 0 else None
            # Printed now: what the browser parts below take (minutes) cannot lose it.
            result = report(bench, lat, tput)
        # 0 skips a part, so iterating on the server's figures need not wait for Chromium
        # (bench/verdict.py measures both networks or neither).
        seen = verdicts(bench) if args.scans and args.latency_scans else None
        phone = device(bench) if args.lookups else None
    finally:
        bench.stop()
    result.setdefault("attendees", bench.attendees)
    if seen is not None:
        print_verdicts(seen, print_table)
        result["verdict"] = seen
    if phone is not None:
        print_device(phone, bench.attendees)
        result["device"] = phone
    path = write_results("door", result)
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
