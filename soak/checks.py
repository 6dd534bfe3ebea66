"""What the data says about what people were told: the invariants checked after the soak, and its report."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter, defaultdict
from datetime import UTC, datetime

from soak.floor import Snapshot
from soak.told import Tally

ID = re.compile(r"(evt|ord)_[A-Za-z0-9]+")


def check(
    base: Snapshot, after: Snapshot, sandbox: sqlite3.Connection, dashboard: sqlite3.Connection, tally: Tally
) -> list[tuple[bool, str, list[str]]]:
    results: list[tuple[bool, str, list[str]]] = []

    def verdict(name: str, problems: list[str]) -> None:
        results.append((not problems, name, problems))

    # Which key produced which effect, as BrightStar recorded it (answers kept for 24 h).
    answered: dict[str, tuple[int, dict]] = {}
    claimed: dict[str, float] = {}
    for key, status, body, created in sandbox.execute(
        "SELECT key, status_code, body, created_at FROM sandbox_idempotencyrecord WHERE status_code IS NOT NULL"
    ):
        claimed[key] = datetime.fromisoformat(created).replace(tzinfo=UTC).timestamp()
        try:
            answered[key] = (status, json.loads(bytes(body or b"")))
        except ValueError:
            answered[key] = (status, {})
    audited = defaultdict(set)
    for action, key, outcome in dashboard.execute("SELECT action, idempotency_key, outcome FROM audit_auditentry"):
        audited[(action, key)].add(outcome)

    scans, state = tally.scans, after.attendees
    admitted = [s for s in scans if s.told == "admitted"]
    told_in = Counter(s.barcode for s in admitted)
    verdict(
        f"every check-in reported Admitted is checked in ({len(told_in)} tickets)",
        [
            f"{s.barcode} (told Admitted at {s.door}, key {s.key}) is {state.get(s.barcode)}"
            for s in admitted
            if not state.get(s.barcode, (None, None, 0))[2]
        ],
    )
    verdict(
        "no ticket reported Admitted twice, nor one already in before the soak",
        [
            f"{b} told Admitted {n} times: " + ", ".join(f"{s.door}/{s.key}" for s in admitted if s.barcode == b)
            for b, n in told_in.items()
            if n > 1
        ]
        + [f"{b} was in before the soak, yet told Admitted" for b in told_in if base.attendees.get(b, (0, 0, 0))[2]],
    )
    checkins = [
        body for status, body in answered.values() if status == 201 and str(body.get("id", "")).startswith("att_")
    ]
    newly = {b for b, (_, _, checked_in) in state.items() if checked_in and not base.attendees[b][2]}
    undecided = {s.barcode for s in scans if s.told not in ("admitted", "duplicate", "void", "unknown", "wrong_event")}
    verdict(
        f"checked-in flags match what doors were told ({len(newly)} new check-ins, {len(checkins)} check-in answers)",
        [
            f"{b} is checked in, but no door was told Admitted (nor left without an answer)"
            for b in sorted(newly - set(told_in) - undecided)
        ]
        + (
            [f"{len(checkins)} check-ins answered 201 for {len(newly)} tickets newly in"]
            if len(checkins) != len(newly)
            else []
        ),
    )
    refusals = {
        "duplicate": lambda s: state.get(s.barcode, (None, None, 0))[2],
        "void": lambda s: state.get(s.barcode, (None, ""))[1] == "void",
        "unknown": lambda s: s.barcode not in state,
        "wrong_event": lambda s: s.barcode in state and state[s.barcode][0] != s.event_id,
    }
    verdict(
        "every refusal at the door is true (already in, void, unknown, another event's)",
        [
            f"{s.barcode} told {s.told} at {s.door} but is {state.get(s.barcode)}"
            for s in scans
            if s.told in refusals and not refusals[s.told](s)
        ],
    )

    done = [r for r in tally.refunds if r.told == "done"]
    problems = []
    for r in done:
        status, body = answered.get(r.key, (None, {}))
        refund = after.refunds.get(body.get("id", ""))
        if status != 201 or refund is None:
            problems.append(f"{r.order_id}: refund of {r.amount} told done (key {r.key}) has no refund ({status})")
        elif refund != (r.order_id, r.amount) or r.told_amount != r.amount:
            problems.append(f"{r.order_id}: asked {r.amount}, told {r.told_amount}, refund {body['id']} is {refund}")
    keyed = {
        body["id"] for status, body in answered.values() if status == 201 and str(body.get("id", "")).startswith("ref_")
    }
    new_refunds = set(after.refunds) - set(base.refunds)
    problems += [
        f"refund {i} {after.refunds[i]} was made without an answer of its own (a second effect?)"
        for i in sorted(new_refunds - keyed)
    ]
    verdict(f"every refund reported done exists exactly once ({len(done)} reported, {len(new_refunds)} made)", problems)
    verdict(
        "no refund reported refused or invalid was made",
        [
            f"{r.order_id}: told {r.told} ({r.message!r}) but key {r.key} made refund {answered[r.key][1].get('id')}"
            for r in tally.refunds
            if r.told in ("refused", "invalid") and answered.get(r.key, (0,))[0] == 201
        ],
    )
    sums = Counter()
    for order_id, amount in after.refunds.values():
        sums[order_id] += amount
    verdict(
        f"no order refunded above its total, refunds add up ({len(after.orders)} orders)",
        [
            f"{o}: total {total}, amount_refunded {refunded}, refunds sum to {sums[o]}, {status}"
            for o, (_, total, refunded, _, status) in after.orders.items()
            if refunded > total
            or sums[o] != refunded
            or (status == "refunded") != (total > 0 and refunded == total and status != "cancelled")
        ],
    )
    verdict(
        "ticket counters match the attendees (valid sold, valid checked in)",
        [
            f"{tid}: sold {sold} checked in {inn}, attendees say {valid} / {valid_in}"
            for tid, sold, inn, valid, valid_in in sandbox.execute(
                "SELECT t.id, t.quantity_sold, t.checked_in_count, "
                "(SELECT count(*) FROM sandbox_attendee a WHERE a.ticket_type_id = t.id AND a.status = 'valid'), "
                "(SELECT count(*) FROM sandbox_attendee a WHERE a.ticket_type_id = t.id AND a.status = 'valid' "
                "AND a.checked_in) FROM sandbox_tickettype t"
            )
            if (sold, inn) != (valid, valid_in)
        ],
    )
    verdict(
        "the audit log holds every success people were told of",
        [
            f"{action} key {key} told done, audit has {sorted(audited[(action, key)])}"
            for action, key in [
                *(("order.refund", r.key) for r in done),
                *(("attendee.check_in", s.key) for s in admitted),
            ]
            if not audited[(action, key)] & {"succeeded", "replayed"}
        ],
    )
    # The first request with a key claims it; if that happened while the page
    # saying "nothing was recorded" was being made, and the answer kept is a
    # 201, the page told a person a change had not happened when it had.
    verdict(
        "no page said nothing was recorded when it was",
        [
            f"{what} key {r.key}: the page said nothing was recorded, {when[1] - when[0]:.2f} s after it was sent, "
            f"but the key's request made a 201, {claimed[r.key] - when[0]:.2f} s after it was sent"
            for what, records in (("scan", tally.scans), ("refund", tally.refunds))
            for r in records
            for when in r.said_nothing
            if answered.get(r.key, (0,))[0] == 201 and when[0] <= claimed[r.key] <= when[1]
        ],
    )
    verdict("every simulated person kept working to the end", tally.crashes)
    verdict(
        "the dashboard never answered 500",
        [f"{method} {path}" for method, path, status in tally.failures if status == 500],
    )
    return results


def report(args, tally: Tally, results, faults_fired: Counter, elapsed: float) -> dict:
    scans, refunds = Counter(s.told for s in tally.scans), Counter(r.told for r in tally.refunds)
    replayed = sum(1 for r in tally.refunds if r.told == "done" and "already made" in r.message)
    failed = Counter(
        f"{status or 'no answer'} {method} {ID.sub(r'<\1>', path.split('?')[0])}"
        for method, path, status in tally.failures
    )
    summary = {
        "minutes": round(elapsed / 60, 2),
        "clients": args.clients,
        "faults": args.faults,
        "faults_injected": dict(faults_fired),
        "status": {str(k): v for k, v in sorted(tally.status.items())},
        "requests": sum(tally.status.values()),
        "scans": dict(scans),
        "scan_kinds": dict(Counter(s.kind for s in tally.scans)),
        "scans_sent_again": sum(s.sends - 1 for s in tally.scans),
        "failed_pages": dict(failed),
        "refunds": dict(refunds),
        "refunds_replayed": replayed,
        "refunds_sent_again": sum(r.sends - 1 for r in tally.refunds),
        "resent_after": dict(tally.resent_after),
        "refund_messages": dict(Counter(r.message for r in tally.refunds if r.told in ("refused", "unresolved"))),
        "said_nothing_recorded": sum(len(r.said_nothing) for r in [*tally.scans, *tally.refunds]),
        "admitted": scans["admitted"],
        "refunds_done": refunds["done"],
        "status_500": tally.status[500],
        "invariants_failed": sum(1 for ok, _, _ in results if not ok),
    }
    print(f"\nSoak: {summary['minutes']} min, {args.clients} clients, faults {args.faults}")
    print("Faults injected by the sandbox: " + ", ".join(f"{k} {v}" for k, v in sorted(faults_fired.items())))
    print(
        f"Dashboard responses ({summary['requests']}): "
        + ", ".join(f"{'no answer' if k == 0 else k}: {v}" for k, v in sorted(tally.status.items()))
    )
    for what, n in failed.most_common():
        print(f"  {n:>4} x {what}")
    print(
        f"Door scans ({len(tally.scans)}, {summary['scans_sent_again']} sent again after no answer): "
        + ", ".join(f"{k} {v}" for k, v in scans.most_common())
    )
    print("  by what was scanned: " + ", ".join(f"{k} {v}" for k, v in Counter(s.kind for s in tally.scans).items()))
    print(
        f"Refunds ({len(tally.refunds)}, {summary['refunds_sent_again']} sent again after not confirmed): "
        + ", ".join(f"{k} {v}" for k, v in refunds.most_common())
        + f" (of the done, {replayed} answered as replays)"
    )
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
