"""`make bench-venue`: venue mode's costs — the replica's sync, offline scans, the outbox's drain.

Seeds a fresh sandbox with one event of ~100,000 attendees and serves the
sandbox and the dashboard under gunicorn on loopback (bench/harness), then:

- the replica's first sync (time, API calls, rows/s), and an incremental
  one after 1% of the attendees changed (checked in through the API);
- door scans per second through the dashboard with 16 concurrent doors,
  online, then offline (the sandbox stopped: the replica decides), against
  the target "offline no slower than online";
- the drain rate of 10,000 queued offline scans once the sandbox is back.

The sync and the drain run in `manage.py shell` on the stack's databases,
as the task worker would. Layer 2's rows (the door device's own copy) are
printed as not built. Prints a table and writes JSON to bench-results/.
A benchmark, not a test: it asserts nothing.

    .venv/bin/python bench/venue.py [--orders 40000] [--seconds 10] [--doors 16] [--queued 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench` importable
from bench.figures import print_table, write_results
from bench.harness.servers import ROOT, time_limit
from bench.harness.stack import APPS, Stack

PASSWORD = "bench-venue-password-not-secret"  # noqa: S105 - a throwaway user in var/bench

# Run in the dashboard's environment: times one call of `replica_sync` and counts its HTTP exchanges.
SYNC = """
import json, time
from boxoffice.brightstar import client
from boxoffice.venue import sync
calls = []
real = client._request
client._request = lambda method, path, **kw: (calls.append(path), real(method, path, **kw))[1]
started = time.perf_counter()
rows = sync.replica_sync(event_id=EVENT)
print(json.dumps({"seconds": time.perf_counter() - started, "calls": len(calls), "rows": rows}))
"""
# Tops the outbox up to QUEUED offline check-ins of tickets the replica has as not in, as the doors would.
FILL = """
import uuid
from django.db import transaction
from django.utils import timezone
from boxoffice.venue.models import OutboxEntry, ReplicaTicket
have = OutboxEntry.objects.filter(event_id=EVENT, state="pending").count()
rows = ReplicaTicket.objects.filter(event_id=EVENT, status="valid", checked_in=False)[: max(0, QUEUED - have)]
now = timezone.now()
with transaction.atomic():
    OutboxEntry.objects.bulk_create([OutboxEntry(event_id=EVENT, attendee_id=r.attendee_id, barcode=r.barcode,
        name=r.name, idempotency_key=str(uuid.uuid4()), scanned_at=now, door="bench") for r in rows])
    ReplicaTicket.objects.filter(pk__in=[r.pk for r in rows]).update(checked_in=True, checked_in_at=now)
print(OutboxEntry.objects.filter(event_id=EVENT, state="pending").count())
"""
DRAIN = """
import json, time
from boxoffice.venue.models import OutboxEntry
from boxoffice.venue.outbox import outbox_drain
started = time.perf_counter()
left = outbox_drain(event_id=EVENT)
states = {s: OutboxEntry.objects.filter(event_id=EVENT, state=s).count() for s in ("synced", "conflict", "pending")}
print(json.dumps({"seconds": time.perf_counter() - started, "left": left, **states}))
"""


class Bench:
    def __init__(self, args):
        self.args = args
        self.stack = Stack(ROOT / "var" / "bench" / "venue", workers=args.workers, threads=args.threads)
        self.lock = threading.Lock()

    def shell(self, script: str, **values) -> str:
        for name, value in {"EVENT": repr(self.event_id), **{k: repr(v) for k, v in values.items()}}.items():
            script = script.replace(name, value)
        return self.stack.manage("shell", "-c", script).splitlines()[-1]

    def seed(self) -> None:
        night = self.stack.seed_door_night(orders=self.args.orders, user="bench-door", role="Door", password=PASSWORD)
        self.event_id, self.attendees, self.admissible = night.event_id, night.attendees, night.barcodes

    def next_barcode(self) -> str:
        with self.lock:
            return self.admissible.pop()

    # --- the replica ---------------------------------------------------------------
    def first_sync(self) -> dict:
        door = self.stack.browser()
        door.login("bench-door", PASSWORD)
        self.door = door
        if door.get(f"/events/{self.event_id}/door/").status != 200:  # the replica exists from here on
            raise SystemExit("the door page did not load")
        return json.loads(self.shell(SYNC))

    def incremental_sync(self) -> dict:
        changed = self.attendees // 100

        def check_in(_):
            api = self.stack.api({"Idempotency-Key": str(uuid.uuid4())})
            status, _, _ = api.call(
                "POST",
                f"/v1/test/events/{self.event_id}/checkins",
                json.dumps({"barcode": self.next_barcode()}).encode(),
            )
            return status == 201

        with ThreadPoolExecutor(8) as pool:
            ok = sum(pool.map(check_in, range(changed)))
        return {**json.loads(self.shell(SYNC)), "changed": ok}

    # --- the doors -------------------------------------------------------------------
    def scans_per_second(self, expect: bytes) -> dict:
        doors = self.args.doors
        done, other = [0] * doors, [0] * doors
        start = threading.Barrier(doors + 1)
        stop_at = [float("inf")]

        def run(i):
            door = self.door.twin()
            start.wait()
            while time.perf_counter() < stop_at[0]:
                fields = {"barcode": self.next_barcode(), "idempotency_key": str(uuid.uuid4())}
                status, html, _ = door.post(f"/events/{self.event_id}/door/", fields)
                if status == 200 and expect in html:
                    done[i] += 1
                else:
                    other[i] += 1

        threads = [threading.Thread(target=run, args=(i,)) for i in range(doors)]
        for t in threads:
            t.start()
        start.wait()
        began = time.perf_counter()
        stop_at[0] = began + self.args.seconds
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - began
        return {"per_second": round(sum(done) / elapsed, 1), "ok": sum(done), "other": sum(other)}

    def stop_sandbox(self) -> None:
        sandbox = self.stack.servers.procs[list(self.stack.ports).index("sandbox")]
        os.killpg(sandbox.pid, signal.SIGTERM)
        sandbox.wait(timeout=15)

    def start_sandbox(self) -> None:
        app, settings_module = APPS["sandbox"]
        self.stack.servers.start(
            app,
            port=self.stack.ports["sandbox"],
            output=self.stack.log("sandbox").open("a"),
            env={
                **self.stack.env,
                "WEB_CONCURRENCY": str(self.stack.workers),
                "GUNICORN_THREADS": str(self.stack.threads),
                "DJANGO_SETTINGS_MODULE": settings_module,
            },
        )
        self.stack.servers.wait({"sandbox": self.stack.ports["sandbox"]})

    def drain(self) -> dict:
        queued = int(self.shell(FILL, QUEUED=self.args.queued))
        return {"queued": queued, **json.loads(self.shell(DRAIN))}


def report(bench: Bench, first: dict, incr: dict, online: dict, offline: dict, drain: dict) -> dict:
    args = bench.args
    ok = offline["per_second"] >= online["per_second"]
    rows = [
        [
            "replica first sync",
            f"{first['seconds']:.1f} s",
            f"{first['calls']} calls",
            f"{first['rows'] / first['seconds']:,.0f} rows/s",
            f"{first['rows']:,} rows",
        ],
        [
            f"incremental sync, {incr['changed']:,} changed (1%)",
            f"{incr['seconds']:.2f} s",
            f"{incr['calls']} calls",
            f"{incr['rows'] / incr['seconds']:,.0f} rows/s",
            f"{incr['rows']:,} rows",
        ],
        [
            f"door scans online, {args.doors} doors",
            f"{online['per_second']:.1f} /s",
            "-",
            "-",
            f"{online['other']} not admitted",
        ],
        [
            f"door scans offline, {args.doors} doors",
            f"{offline['per_second']:.1f} /s",
            "-",
            "no slower: " + ("ok" if ok else "over"),
            f"{offline['other']} not admitted",
        ],
        [
            f"outbox drain, {drain['queued']:,} queued",
            f"{drain['seconds']:.1f} s",
            f"{drain['synced']:,} calls",
            f"{drain['synced'] / drain['seconds']:,.0f} entries/s",
            f"{drain['conflict']} conflicts, {drain['left']} left",
        ],
        ["IndexedDB download (door device)", "in make bench-door", "", "", ""],
        ["local lookup on the device", "in make bench-door", "", "", ""],
    ]
    print()
    print(
        f"Venue mode, {bench.attendees:,} attendees on one event; {args.workers} workers x {args.threads} threads "
        f"per server; {os.cpu_count()} CPUs; scans over {args.seconds:g} s each"
    )
    print()
    print_table(["measure", "time / rate", "API calls", "rate", "notes"], rows, first_width=30)
    return {
        "attendees": bench.attendees,
        "cpus": os.cpu_count(),
        "workers": args.workers,
        "threads": args.threads,
        "doors": args.doors,
        "seconds": args.seconds,
        "first_sync": first,
        "incremental_sync": incr,
        "scans_online": online,
        "scans_offline": offline,
        "offline_no_slower": ok,
        "drain": drain,
        "layer2": "not built",
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=40000, help="orders to seed (40000 = ~100,000 attendees)")
    parser.add_argument("--seconds", type=float, default=10.0, help="each scan run (online, offline)")
    parser.add_argument("--doors", type=int, default=16, help="concurrent door clients")
    parser.add_argument("--queued", type=int, default=10000, help="offline scans in the outbox to drain")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers per server")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    args = parser.parse_args(argv)

    bench = Bench(args)
    time_limit(1500, "bench-venue")
    try:
        bench.seed()
        bench.stack.serve()
        first = bench.first_sync()
        incr = bench.incremental_sync()
        online = bench.scans_per_second(b'data-outcome="admitted"')
        bench.stop_sandbox()
        offline = bench.scans_per_second(b'data-outcome="admitted_offline"')
        bench.start_sandbox()
        drain = bench.drain()
    finally:
        bench.stack.stop()
    result = report(bench, first, incr, online, offline, drain)
    path = write_results("venue", result)
    print(f"\nWrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
