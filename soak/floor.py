"""The sandbox's data before and after the soak, and what the simulated people share while it runs."""

from __future__ import annotations

import random
import sqlite3
import threading
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass

from soak.told import Tally


@dataclass
class Snapshot:
    events: dict  # id -> (status, title)
    attendees: dict  # barcode -> (event_id, status, checked_in)
    orders: dict  # id -> (event_id, total, amount_refunded, buyer_email, status)
    refunds: dict  # id -> (order_id, amount)

    @classmethod
    def read(cls, db: sqlite3.Connection) -> Snapshot:
        return cls(
            events={r[0]: r[1:] for r in db.execute("SELECT id, status, title, currency FROM sandbox_event")},
            attendees={
                r[0]: r[1:] for r in db.execute("SELECT barcode, event_id, status, checked_in FROM sandbox_attendee")
            },
            orders={
                r[0]: r[1:]
                for r in db.execute(
                    "SELECT id, event_id, total, amount_refunded, buyer_email, status FROM sandbox_order"
                )
            },
            refunds={r[0]: r[1:] for r in db.execute("SELECT id, order_id, amount FROM sandbox_refund")},
        )


class Floor:
    """What the simulated people share: the seeded data, and what they were told."""

    def __init__(self, base: Snapshot, tally: Tally, seed: int):
        self.tally = tally
        self.lock = threading.Lock()
        self.rng = random.Random(seed)
        self.published = sorted(e for e, (status, *_) in base.events.items() if status == "published")
        # The demo sells in several currencies: a refund is typed and read in its order's own.
        self.currency = {o: base.events[event_id][2] for o, (event_id, *_) in base.orders.items()}
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
        self.orders = sorted(
            o
            for o, (event_id, total, refunded, _, status) in base.orders.items()
            if total > refunded and status != "cancelled"
        )
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
