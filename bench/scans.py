"""`make bench`, second part: the doors overview and the scan log at the size of a big night, and the export's memory.

Seeds a fresh sandbox: one event with ~100,000 attendees (seed_sandbox, as
bench/pages.py does), then 200,000 scans written straight into its SQLite
file in one transaction, spread over the last 8 hours at 8 doors, 8%
refused (the check-in writes each scan the same way: one INSERT, which
migration 0007's triggers count into the tallies as it goes in), and two
small events with 10,000 and 100,000 scans for the export. Serves the
sandbox and the floor (bench/floor.py) under gunicorn with the project's
settings, and measures, straight to the sandbox with the key on one
keep-alive connection, every case interleaved in a fresh random order each
round:

1. GET /events/{id}/stats at the default hours (6) and at hours=72;
2. GET /events/{id}/scans (limit 100) at the first, middle and last page,
   with no filter and with each of the API's filters;

each against the issue's target (p95 <= 50 ms), with the floor's median of
the same run beside it for how busy the machine was. Then the dashboard's
scans CSV (boxoffice/door/scans_export.py) for 10,000 and 100,000 rows, in
a child process whose dashboard talks to the gunicorn sandbox over HTTP:
its peak Python memory (tracemalloc; no forced collection: the sandbox's
ORM cycles that made the tests collect at each page are in another process
here), flat within 20 %.

Prints its tables and writes JSON to bench-results/scans-<timestamp>.json.
A benchmark, not a test: it asserts nothing, but it stops on a wrong answer.

    .venv/bin/python bench/scans.py [--rounds 100] [--scans 200000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench` importable
from bench.calls import API
from bench.figures import print_table, summary, write_results
from bench.harness.servers import PY, ROOT, time_limit
from bench.harness.stack import Stack

TARGET_MS = 50.0  # the p95, for the stats and every page of the log
MEMORY_FLAT = 1.20  # the export's peak at 100,000 rows within 20 % of that at 10,000
GATES = ["North entrance", "South entrance", "East 1", "East 2", "West", "VIP", "Staff door", None]
REFUSALS = ["ALREADY_CHECKED_IN"] * 6 + ["TICKET_VOID"] * 2 + ["NOT_FOUND"] * 3 + ["WRONG_EVENT"]
USER, PASSWORD = "bench-scans", "bench-scans-password-not-secret"  # a throwaway user in var/bench


def seed_scans(db, event_id: str, n: int, *, hours: float, seed: int) -> None:
    """`n` scans of `event_id`'s tickets, newest now, one transaction (sqlite3 connection `db`)."""
    rng = random.Random(seed)
    tickets = db.execute("SELECT id, barcode FROM sandbox_attendee WHERE event_id = ?", (event_id,)).fetchall()
    tickets = tickets or [(None, f"CODE{i}") for i in range(1000)]
    now = datetime.now(UTC).replace(tzinfo=None)  # stored as Django stores it on SQLite: UTC, no offset

    def rows():
        for i in range(n):
            at = now - timedelta(seconds=hours * 3600 * i / n + rng.random())
            ticket, barcode = rng.choice(tickets)
            reason = rng.choice(REFUSALS) if rng.random() < 0.08 else None
            door = rng.randrange(len(GATES))
            yield (
                f"scn_bench{seed}_{i:07d}",
                event_id,
                None if reason == "NOT_FOUND" else ticket,
                "NOPE" if reason == "NOT_FOUND" else barcode,
                "refused" if reason else "admitted",
                reason,
                GATES[door],
                f"phone-{door}-{i % 3}",
                f"staff-{door}",
                str(at),
            )

    db.executemany(
        "INSERT INTO sandbox_scan (id, event_id, attendee_id, barcode, result, reason, gate, device, staff, scanned_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows(),
    )
    db.commit()


class Bench:
    def __init__(self, args):
        self.args = args
        self.stack = Stack(ROOT / "var" / "bench" / "scans", apps=("sandbox", "floor"), workers=args.workers)

    def seed(self) -> None:
        started = time.perf_counter()
        self.stack.reset()
        print(self.stack.seed(account="bench", events=1, orders_per_event=self.args.orders))
        print(self.stack.seed(account="bench", events=2, orders_per_event=10))  # the exports' two events
        self.stack.api_key("bench")
        self.stack.add_users({USER: "Box office"}, PASSWORD)
        with self.stack.sandbox_db() as db:
            events = db.execute(
                "SELECT e.id, count(a.id) AS n FROM sandbox_event e LEFT JOIN sandbox_attendee a ON a.event_id = e.id"
                " GROUP BY e.id ORDER BY n DESC"
            ).fetchall()
            (self.event_id, self.attendees), (self.small_id, _), (self.big_id, _) = events[:3]
            seeded = time.perf_counter()
            seed_scans(db, self.event_id, self.args.scans, hours=8, seed=1)
            took = time.perf_counter() - seeded
            seed_scans(db, self.small_id, self.args.small, hours=3, seed=2)
            seed_scans(db, self.big_id, self.args.big, hours=3, seed=3)
            db.execute("ANALYZE")
            db.commit()
            tallied = db.execute(
                "SELECT sum(count) FROM sandbox_scantally WHERE event_id = ?", (self.event_id,)
            ).fetchone()[0]
        if tallied != self.args.scans:
            raise SystemExit(f"the tally counts {tallied} scans, not {self.args.scans}")
        self.seconds_seeding = round(took, 1)
        print(
            f"Seeded {self.attendees} attendees and {self.args.scans} scans on {self.event_id} "
            f"(the scans in {took:.1f}s, {self.args.scans / took:,.0f}/s with the tally's triggers), "
            f"{self.args.small} and {self.args.big} on two more; {time.perf_counter() - started:.0f}s in all"
        )

    # --- the API ----------------------------------------------------------------------------
    def cases(self) -> dict[str, str]:
        api = self.stack.api()
        since = (datetime.now(UTC) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        filters = {
            "all": {},
            "result": {"result": "refused"},
            "reason": {"reason": "TICKET_VOID"},
            "gate": {"gate": "North entrance"},
            "gate+result": {"gate": "West", "result": "admitted"},
            "since": {"since": since},
        }
        cases = {
            "stats (6 h)": f"{API}/events/{self.event_id}/stats",
            "stats (72 h)": f"{API}/events/{self.event_id}/stats?hours=72",
        }
        self.totals = {}
        for name, params in filters.items():
            path = f"{API}/events/{self.event_id}/scans?" + urlencode({**params, "limit": 100})
            total = int(api.call("GET", path + "&offset=0").headers["X-Total-Count"])
            self.totals[name] = total
            for where, offset in (("first", 0), ("middle", total // 2), ("last", max(0, total - 100))):
                cases[f"scans {name}, {where}"] = f"{path}&offset={offset}"
        return cases

    def measure(self) -> tuple[dict[str, list[float]], list[float]]:
        api, floor = self.stack.api(), self.stack.floor()
        cases = self.cases()
        samples: dict[str, list[float]] = {name: [] for name in cases}
        floor_ms: list[float] = []
        for i in range(self.args.warmup + self.args.rounds):
            for name in random.sample([*cases, "floor"], len(cases) + 1):
                conn, path = (floor, "/floor/") if name == "floor" else (api, cases[name])
                started = time.perf_counter()
                reply = conn.call("GET", path)
                elapsed = (time.perf_counter() - started) * 1000
                if reply.status != 200:
                    raise SystemExit(f"{name}: {reply.status} {reply.text[:300]}")
                if name.startswith("scans") and not json.loads(reply.body):
                    raise SystemExit(f"{name}: an empty page")
                if i >= self.args.warmup:
                    (floor_ms if name == "floor" else samples[name]).append(elapsed)
        return samples, floor_ms

    # --- the export ---------------------------------------------------------------------------
    def export_memory(self) -> dict:
        """The dashboard's scans CSV, 10,000 then 100,000 rows, in a child process: its tracemalloc peaks."""
        env = {**self.stack.env, "DJANGO_SETTINGS_MODULE": "boxoffice.settings"}
        out = subprocess.run(  # noqa: S603 - this very script, arguments from this harness
            [PY, __file__, "--export-child", self.small_id, self.big_id],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])


def export_child(event_ids: list[str]) -> None:
    """Run inside the child: log in, export each event's log through the dashboard's own view, print the peaks."""
    import tracemalloc

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(User.objects.get(username=USER))
    result = {}
    for event_id in event_ids:
        browser.get(f"/events/{event_id}/")  # the event cached: the export alone is measured
    for event_id in event_ids:
        tracemalloc.start()
        started = time.perf_counter()
        response = browser.get(f"/events/{event_id}/scans/export.csv")
        if response.status_code != 200:
            raise SystemExit(f"export of {event_id}: {response.status_code}")
        rows = size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            rows += chunk.count(b"\n")
        response.close()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        result[event_id] = {
            "rows": rows - 1,
            "bytes": size,
            "peak_bytes": peak,
            "seconds": round(time.perf_counter() - started, 1),
        }
    print(json.dumps(result))


def report(bench: Bench, samples: dict[str, list[float]], floor_values: list[float], memory: dict, load: dict) -> dict:
    floor = summary(floor_values)
    rows, figures, missed = [], {}, []
    for name, values in samples.items():
        s = summary(values)
        ok = s["p95_ms"] <= TARGET_MS
        figures[name] = {**s, "target_p95_ms": TARGET_MS, "ok": ok}
        missed += [] if ok else [name]
        rows.append([name, f"{s['median_ms']:.1f}", f"{s['p95_ms']:.1f}", f"<= {TARGET_MS:g}", "ok" if ok else "over"])
    print(
        f"\nThe doors overview and the scan log: {bench.attendees} attendees, {bench.args.scans} scans "
        f"(limit 100; totals per filter: {bench.totals}); {bench.args.rounds} rounds, floor median "
        f"{floor['median_ms']:.2f} ms (p95 {floor['p95_ms']:.2f}); "
        f"load {load['before'][0]:.1f} -> {load['after'][0]:.1f}"
    )
    print_table(["case", "median ms", "p95 ms", "target", ""], rows, first_width=28)
    small, big = memory[bench.small_id], memory[bench.big_id]
    ratio = big["peak_bytes"] / small["peak_bytes"]
    memory_ok = ratio <= MEMORY_FLAT
    print(
        f"\nScans CSV through the dashboard: {small['rows']:,} rows ({small['bytes'] / 1e6:.1f} MB, "
        f"{small['seconds']}s) peak {small['peak_bytes'] / 1e6:.2f} MB; {big['rows']:,} rows "
        f"({big['bytes'] / 1e6:.1f} MB, {big['seconds']}s) peak {big['peak_bytes'] / 1e6:.2f} MB: "
        f"x{ratio:.2f} (target <= {MEMORY_FLAT:g}: {'ok' if memory_ok else 'over'})"
    )
    print(f"\n(servers' logs in {bench.stack.dir.relative_to(ROOT)})")
    return {
        "attendees": bench.attendees,
        "scans": bench.args.scans,
        "seconds_seeding_scans": bench.seconds_seeding,
        "totals": bench.totals,
        "floor": floor,
        "cases": figures,
        "export_memory": {"small": small, "big": big, "ratio": round(ratio, 3), "target": MEMORY_FLAT, "ok": memory_ok},
        "targets": {"p95_ms": TARGET_MS, "missed": missed, "memory_flat_met": memory_ok},
        "load": load,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=40000, help="orders on the big event (40000: ~100,000 attendees)")
    parser.add_argument("--scans", type=int, default=200_000, help="scans on the big event")
    parser.add_argument("--small", type=int, default=10_000, help="rows of the smaller export")
    parser.add_argument("--big", type=int, default=100_000, help="rows of the bigger export")
    parser.add_argument("--rounds", type=int, default=100, help="measured rounds (each: every case once)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers per server")
    parser.add_argument("--export-child", nargs=2, metavar="EVENT_ID", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export_child:
        export_child(args.export_child)
        return

    bench = Bench(args)
    time_limit(1500, "bench scans")
    load = {"before": os.getloadavg()}
    try:
        bench.seed()
        bench.stack.serve()
        samples, floor = bench.measure()
        memory = bench.export_memory()
    finally:
        bench.stack.stop()
    load["after"] = os.getloadavg()
    result = report(bench, samples, floor, memory, load)
    path = write_results("scans", result)
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
