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

This is the entry point; beside it: told.py (what people were told),
floor.py (the sandbox's data), people.py (the simulated doors and staff),
checks.py (the invariants). Seeding, serving and the browsers are the
benchmarks' harness (bench/harness/).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, soak/ is on sys.path, not the project: put the project first.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness.servers import time_limit  # noqa: E402
from bench.harness.stack import Stack  # noqa: E402
from soak.checks import check, report  # noqa: E402
from soak.floor import Floor, Snapshot  # noqa: E402
from soak.people import door_person, person, staff_person  # noqa: E402
from soak.told import PASSWORD, Tally  # noqa: E402

# ~20% of API requests misbehave; `lost` commits, then breaks the connection.
FAULTS = "500:0.06,429:0.04,latency:0.04:1s,drop:0.03,lost:0.03"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=12, help="simulated people: half doors, half staff")
    parser.add_argument("--orders-per-event", type=int, default=150)
    parser.add_argument("--faults", default=FAULTS, help="SANDBOX_FAULTS for the sandbox")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "soak", help="emptied, then holds DBs and logs")
    args = parser.parse_args(argv)

    # Short API timeouts, so a dropped answer turns into "not confirmed" in seconds, not tens.
    stack = Stack(args.dir.resolve(), workers=2, threads=8, env={"BRIGHTSTAR_TIMEOUT": "2,3"})
    doors = max(1, args.clients // 2)
    staff = args.clients - doors
    users = {f"door-{i}": "Door" for i in range(1, doors + 1)}
    users |= {
        (f"organizer-{i}" if i % 3 == 0 else f"desk-{i}"): ("Organizer" if i % 3 == 0 else "Box office")
        for i in range(1, staff + 1)
    }
    time_limit(int(args.minutes * 60) + 600, "soak")
    tally = Tally()
    try:
        stack.reset()
        print(stack.seed(account="soak", events=6, orders_per_event=args.orders_per_event))
        stack.api_key("soak")
        stack.add_users(users, PASSWORD)
        with stack.sandbox_db() as db:
            base = Snapshot.read(db)
        floor = Floor(base, tally, args.seed)
        # Only the sandbox misbehaves; its INFO log says which faults it injected.
        stack.serve(env={"sandbox": {"SANDBOX_FAULTS": args.faults, "LOG_LEVEL": "INFO"}})
        started = time.monotonic()
        deadline = started + args.minutes * 60
        people = []
        for i, (username, role) in enumerate(users.items()):
            browser = stack.browser(on_answer=tally.http)
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
    log = stack.log("sandbox").read_text(errors="replace")
    faults_fired = Counter(re.findall(r"Injecting (\w+) into", log))
    with stack.sandbox_db() as sandbox, stack.dashboard_db() as dashboard:
        results = check(base, Snapshot.read(sandbox), sandbox, dashboard, tally)
    summary = report(args, tally, results, faults_fired, elapsed)
    if tally.status[500]:
        tracebacks = stack.log("dashboard").read_text(errors="replace")
        print(f"\nThe dashboard's log ({stack.log('dashboard')}) ends with:\n{tracebacks[-4000:]}")
    (stack.dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("SOAK-SUMMARY " + json.dumps(summary))
    return 1 if summary["invariants_failed"] or summary["status_500"] else 0


if __name__ == "__main__":
    sys.exit(main())
