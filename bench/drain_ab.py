"""The outbox drain of two source trees side by side: is one slower, in the same minutes on the same machine?

Each tree (a worktree of some commit) gets its own run directory, seeded sandbox (one event, ~100,000
attendees with the default orders) served by its own gunicorn, and its own dashboard database with a
replica of the event (built from the sandbox's rows, no sync: only the drain is measured). Then, round
by round and alternating the trees, BATCH offline check-ins are queued in each tree's outbox and drained
by that tree's own `outbox_drain` in its `manage.py shell`, as the task worker would. Prints entries/s
per round and the median per tree. A benchmark, not a test: it asserts nothing.

    .venv/bin/python bench/drain_ab.py old=/work/wt-old new=. [--orders 40000] [--batch 2000] [--rounds 4]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: `bench` importable
from bench.harness.servers import ROOT, time_limit
from bench.harness.stack import Stack

# The replica as a finished first sync leaves it: one EventReplica, a ReplicaTicket per attendee.
REPLICA = """
import json
from django.utils import timezone
from boxoffice.venue.models import EventReplica, ReplicaTicket
rows = json.load(open(ROWS))
EventReplica.objects.create(event_id=EVENT, synced_at=timezone.now())
ReplicaTicket.objects.bulk_create([ReplicaTicket(event_id=EVENT, attendee_id=a, barcode=b, status="valid",
    ticket_type_id=t) for a, b, t in rows], batch_size=2000)
"""
# BATCH check-ins of tickets not yet in, queued as offline scans are (the replica says in).
FILL = """
import uuid
from django.db import transaction
from django.utils import timezone
from boxoffice.venue.models import OutboxEntry, ReplicaTicket
rows = list(ReplicaTicket.objects.filter(event_id=EVENT, status="valid", checked_in=False).order_by("?")[:BATCH])
now = timezone.now()
with transaction.atomic():
    OutboxEntry.objects.bulk_create([OutboxEntry(event_id=EVENT, attendee_id=r.attendee_id, barcode=r.barcode,
        idempotency_key=str(uuid.uuid4()), scanned_at=now, door="bench") for r in rows])
    ReplicaTicket.objects.filter(pk__in=[r.pk for r in rows]).update(checked_in=True, checked_in_at=now)
"""
DRAIN = """
import json, time
from boxoffice.venue.models import OutboxEntry
from boxoffice.venue.outbox import outbox_drain
before = OutboxEntry.objects.filter(event_id=EVENT, state="synced").count()
started, cpu = time.perf_counter(), time.process_time()
left = outbox_drain(event_id=EVENT)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
synced = OutboxEntry.objects.filter(event_id=EVENT, state="synced").count() - before
conflicts = OutboxEntry.objects.filter(event_id=EVENT, state="conflict").count()
print(json.dumps({"seconds": seconds, "cpu": cpu, "synced": synced, "conflicts": conflicts, "left": left}))
"""
# The same drain under cProfile: where one entry's time goes, on the dashboard's side.
PROFILE = """
import cProfile, pstats, io
from boxoffice.venue.outbox import outbox_drain
profile = cProfile.Profile()
profile.runcall(outbox_drain, event_id=EVENT)
out = io.StringIO()
pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(45)
pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(25)
open(OUT, "w").write(out.getvalue())
print(OUT)
"""


class Tree:
    """One source tree's side: a Stack of its own code, serving only its sandbox (the drain runs in manage.py)."""

    def __init__(self, label: str, root: Path, run_dir: Path, args):
        self.label, self.dir, self.args = label, run_dir, args
        self.stack = Stack(run_dir, apps=("sandbox",), workers=args.workers, threads=8, root=root)
        self.rates: list[float] = []
        self.cpu: list[float] = []  # the drain process's own CPU per entry, ms: what the load around it barely moves
        self.api_cpu: list[float] = []  # the sandbox's CPU per entry, ms (its check-in, tally trigger included)

    def shell(self, script: str, **values) -> str:
        for name, value in {"EVENT": repr(self.event_id), **{k: repr(v) for k, v in values.items()}}.items():
            script = script.replace(name, value)
        return self.stack.manage("shell", "-c", script).splitlines()[-1] if script else ""

    def prepare(self) -> None:
        started = time.perf_counter()
        self.stack.reset()
        self.stack.seed(account="bench", events=1, orders_per_event=self.args.orders)
        self.stack.api_key("bench")
        with self.stack.sandbox_db() as db:
            rows = db.execute(
                "SELECT id, barcode, ticket_type_id, event_id FROM sandbox_attendee"
                " WHERE status='valid' AND checked_in=0"
            ).fetchall()
        self.event_id = rows[0][3]
        (self.dir / "rows.json").write_text(json.dumps([r[:3] for r in rows]))
        self.shell(REPLICA, ROWS=str(self.dir / "rows.json"))
        print(
            f"{self.label}: {len(rows):,} tickets to scan, ready in {time.perf_counter() - started:.0f} s", flush=True
        )

    def reuse(self) -> None:
        self.stack.api_key("bench")
        with self.stack.sandbox_db() as db:
            self.event_id = db.execute("SELECT id FROM sandbox_event").fetchone()[0]

    def profile(self) -> None:
        self.shell(FILL, BATCH=self.args.batch)
        print(self.shell(PROFILE, OUT=str(self.dir / "profile.txt")))

    def sandbox_cpu(self) -> float:
        """CPU seconds the sandbox's gunicorn (master and workers) has used so far (Linux /proc)."""
        [master] = self.stack.servers.procs  # the sandbox's gunicorn, the stack's one server
        pids = [master.pid]
        children = Path(f"/proc/{master.pid}/task/{master.pid}/children")
        pids += [int(p) for p in children.read_text().split()] if children.exists() else []
        ticks = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def round(self) -> dict:
        self.shell(FILL, BATCH=self.args.batch)
        before = self.sandbox_cpu()
        result = json.loads(self.shell(DRAIN))
        result["sandbox_cpu"] = self.sandbox_cpu() - before
        result["per_second"] = result["synced"] / result["seconds"]
        self.rates.append(result["per_second"])
        self.cpu.append(result["cpu"] / result["synced"] * 1000)
        self.api_cpu.append(result["sandbox_cpu"] / result["synced"] * 1000)
        return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", help="label=path of a source tree (a worktree)")
    parser.add_argument("--orders", type=int, default=40000, help="orders to seed (40000 = ~100,000 attendees)")
    parser.add_argument("--batch", type=int, default=2000, help="entries queued and drained per round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--profile", action="store_true", help="then one more round per tree under cProfile")
    parser.add_argument("--reuse", action="store_true", help="keep the run directories of the last run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="sandbox gunicorn workers")
    args = parser.parse_args(argv)
    time_limit(3000, "drain_ab")
    trees = []
    for spec in args.trees:
        label, _, path = spec.partition("=")
        trees.append(Tree(label, Path(path).resolve(), ROOT / "var" / "bench" / "drain-ab" / label, args))
    try:
        for tree in trees:
            tree.prepare() if not args.reuse else tree.reuse()
            tree.stack.serve()
        for n in range(args.rounds):
            for tree in trees if n % 2 == 0 else reversed(trees):
                r = tree.round()
                print(
                    f"round {n + 1} {tree.label:>8}: {r['synced']:,} in {r['seconds']:.1f} s = {r['per_second']:.0f}/s,"
                    f" CPU per entry: the drain's {r['cpu'] / r['synced'] * 1000:.2f} ms,"
                    f" the sandbox's {r['sandbox_cpu'] / r['synced'] * 1000:.2f} ms"
                    f" ({r['conflicts']} conflicts, {r['left']} left; load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        if args.profile:
            for tree in trees:
                tree.profile()
    finally:
        for tree in trees:
            tree.stack.stop()
    for tree in trees:
        rates = ", ".join(f"{r:.0f}" for r in tree.rates)
        if tree.rates:
            print(
                f"{tree.label:>8}: median {statistics.median(tree.rates):.0f} entries/s ({rates}); CPU per entry,"
                f" medians: the drain's {statistics.median(tree.cpu):.2f} ms,"
                f" the sandbox's {statistics.median(tree.api_cpu):.2f} ms"
            )


if __name__ == "__main__":
    main()
