"""`make bench-door`: door check-in through the dashboard vs straight to the API.

Seeds a fresh sandbox with one event of ~100,000 attendees, serves the
sandbox, the dashboard and a floor (bench/floor.py: a bare Django view
returning small JSON) as three gunicorn servers with the same settings on
loopback, and measures them side by side in one run:

- latency of one check-in, one client, interleaved round by round
  (dashboard scan, API check-in, floor) so drift hits all three alike;
- throughput with 16 concurrent door clients, each target in turn;
- search p95 (the door's name search) through the dashboard and the API.

Every figure is also given as a multiple of the floor, so no ratio can
improve by making the other side slower. Prints a table and writes JSON to
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
from bench.figures import summary, write_results
from bench.harness.browser import Browser
from bench.harness.connection import Connection
from bench.harness.servers import ROOT, time_limit
from bench.harness.stack import Stack

PASSWORD = "bench-door-password-not-secret"  # noqa: S105 - a throwaway user in var/bench


class Bench:
    def __init__(self, args):
        self.args = args
        self.stack = Stack(ROOT / "var" / "bench" / "door", apps=("sandbox", "dashboard", "floor"),
                           workers=args.workers, threads=args.threads)
        self.barcodes: list[str] = []
        self.lock = threading.Lock()

    # --- setup -------------------------------------------------------------------
    def seed(self):
        started = time.perf_counter()
        self.stack.reset()
        print(self.stack.seed(account="bench", events=1, orders_per_event=self.args.orders))
        self.stack.api_key("bench")
        self.stack.add_users({"bench-door": "Door"}, PASSWORD)
        with self.stack.sandbox_db() as db:
            self.event_id, self.attendees = db.execute(
                "SELECT event_id, count(*) FROM sandbox_attendee GROUP BY event_id").fetchone()
            self.barcodes = [r[0] for r in db.execute(
                "SELECT barcode FROM sandbox_attendee WHERE status='valid' AND checked_in=0 ORDER BY random()")]
            self.names = [r[0] for r in db.execute("SELECT name FROM sandbox_attendee ORDER BY random() LIMIT 500")]
        print(f"Seeded {self.attendees} attendees ({len(self.barcodes)} admissible) in "
              f"{time.perf_counter() - started:.0f}s")

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

    # --- the three operations, each returning True when it did what it should ---
    def scan_dashboard(self, door: Browser) -> bool:
        fields = {"barcode": self.next_barcode(), "idempotency_key": str(uuid.uuid4())}
        status, html, _ = door.post(f"/events/{self.event_id}/door/", fields)
        return status == 200 and b'data-outcome="admitted"' in html

    def scan_api(self, api: Connection) -> bool:
        body = json.dumps({"barcode": self.next_barcode()}).encode()
        status, _, _ = api.call("POST", f"/v1/test/events/{self.event_id}/checkins", body,
                                {"Idempotency-Key": str(uuid.uuid4())})
        return status == 201

    def hit_floor(self, floor: Connection) -> bool:
        status, _, _ = floor.call("GET", "/floor/")
        return status == 200

    def search_dashboard(self, door: Browser, q: str) -> bool:
        status, html, _ = door.get(f"/events/{self.event_id}/door/search/?{urlencode({'q': q})}", htmx=True)
        return status == 200 and b"found-row" in html

    def search_api(self, api: Connection, q: str) -> bool:
        status, _, _ = api.call("GET", f"/v1/test/events/{self.event_id}/attendees?{urlencode({'q': q, 'limit': 10})}")
        return status == 200

    # --- measurements ------------------------------------------------------------------
    def latency(self) -> dict:
        door, api, floor = self.door_session(), self.new_api(), self.stack.floor()
        door.get(f"/events/{self.event_id}/door/")  # the page render fills the names cache
        ops = {"dashboard": lambda: self.scan_dashboard(door), "api": lambda: self.scan_api(api),
               "floor": lambda: self.hit_floor(floor)}
        samples = {name: [] for name in ops}
        for i in range(self.args.warmup + self.args.rounds):
            order = list(ops)
            random.shuffle(order)
            for name in order:
                started = time.perf_counter()
                ok = ops[name]()
                elapsed = (time.perf_counter() - started) * 1000
                if not ok:
                    raise SystemExit(f"{name} check-in failed during the latency run")
                if i >= self.args.warmup:
                    samples[name].append(elapsed)
        return {name: summary(values) for name, values in samples.items()}

    def throughput(self) -> dict:
        results = {}
        makers = {"dashboard": (self.new_door, self.scan_dashboard), "api": (self.new_api, self.scan_api),
                  "floor": (self.stack.floor, self.hit_floor)}
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

    def search(self) -> dict:
        door, api = self.door_session(), self.new_api()
        queries = [name.split()[-1][:5] for name in self.names[: self.args.searches]]
        samples = {"dashboard": [], "api": []}
        for q in queries:
            for name, op in (("dashboard", lambda q=q: self.search_dashboard(door, q)),
                             ("api", lambda q=q: self.search_api(api, q))):
                started = time.perf_counter()
                op()
                samples[name].append((time.perf_counter() - started) * 1000)
        return {name: summary(values) for name, values in samples.items()}


def report(bench: Bench, lat: dict, tput: dict, search: dict) -> dict:
    floor_med, floor_p95 = lat["floor"]["median_ms"], lat["floor"]["p95_ms"]
    floor_rate = tput["floor"]["per_second"]
    rows = []
    for name in ("dashboard", "api", "floor"):
        rows.append((name, lat[name]["median_ms"], lat[name]["median_ms"] / floor_med, lat[name]["p95_ms"],
                     lat[name]["p95_ms"] / floor_p95, tput[name]["per_second"], floor_rate / tput[name]["per_second"]))
    print()
    print(f"Door check-in, {bench.attendees} attendees, {bench.args.clients} clients for throughput, "
          f"{bench.args.workers} workers x {bench.args.threads} threads per server, {os.cpu_count()} CPUs")
    print(f"{'':<10} {'median ms':>10} {'x floor':>8} {'p95 ms':>8} {'x floor':>8} {'per s':>8} {'floor/x':>8}")
    for name, med, medx, p95, p95x, rate, ratex in rows:
        print(f"{name:<10} {med:>10.2f} {medx:>8.2f} {p95:>8.2f} {p95x:>8.2f} {rate:>8.1f} {ratex:>8.2f}")
    ratio_med = lat["dashboard"]["median_ms"] / lat["api"]["median_ms"]
    ratio_p95 = lat["dashboard"]["p95_ms"] / lat["api"]["p95_ms"]
    ratio_rate = tput["dashboard"]["per_second"] / tput["api"]["per_second"]
    print(f"\ndashboard / API: median x{ratio_med:.2f} (target <= 1.3), p95 x{ratio_p95:.2f}, "
          f"throughput x{ratio_rate:.2f} ({tput['dashboard']['per_second']:.0f}/s, target >= 150/s)")
    print(f"search p95: dashboard {search['dashboard']['p95_ms']:.1f} ms (target <= 60), "
          f"API {search['api']['p95_ms']:.1f} ms; medians {search['dashboard']['median_ms']:.1f} / "
          f"{search['api']['median_ms']:.1f} ms; x floor p95 {search['dashboard']['p95_ms'] / floor_p95:.1f}")
    return {
        "attendees": bench.attendees, "cpus": os.cpu_count(), "clients": bench.args.clients,
        "workers": bench.args.workers, "threads": bench.args.threads, "latency": lat, "throughput": tput,
        "search": search,
        "ratios": {"dashboard_over_api_median": round(ratio_med, 3), "dashboard_over_api_p95": round(ratio_p95, 3),
                   "dashboard_over_api_throughput": round(ratio_rate, 3)},
        "multiples_of_floor": {name: {"median": round(m, 2), "p95": round(p, 2), "throughput": round(r, 2)}
                               for name, _, m, _, p, _, r in rows},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=40000, help="orders to seed (40000 = ~100,000 attendees)")
    parser.add_argument("--rounds", type=int, default=400, help="latency rounds (each: dashboard, API, floor)")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0, help="throughput run per target")
    parser.add_argument("--clients", type=int, default=16, help="concurrent door clients")
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    args = parser.parse_args(argv)

    bench = Bench(args)
    time_limit(900, "bench-door")
    try:
        bench.seed()
        bench.serve()
        lat = bench.latency()
        tput = bench.throughput()
        search = bench.search()
    finally:
        bench.stop()
    result = report(bench, lat, tput, search)
    path = write_results("door", result)
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
