"""Realistic, deterministic demo data for one account, built in bulk.

Everything is drawn from `random.Random(seed)` relative to `now`, so the same
seed gives the same events, buyers, tickets and barcodes. Ids stay random
(`new_id`), like every id the API hands out.

Speed matters (100,000 attendees must take seconds, not minutes), so rows
are built in memory with their counters already summed, then written with
bulk_create inside one transaction: no per-row save, no per-row counter
update; children name their parents by `*_id`, which skips the ORM's
related-object bookkeeping. The counters are therefore exact by
construction: quantity_sold and checked_in_count count valid attendees;
gross_sales is the sum of order totals before refunds; amount_refunded the
sum of Refund rows.
"""

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connections, transaction
from django.utils import timezone

from sandbox.models import Account, Attendee, Event, Order, OrderItem, Refund, TicketType, new_id
from sandbox.services import seed_catalogue as cat
from sandbox.services.orders_create import barcode_new

BATCH_SIZE = 2000
SQLITE_CACHE_KIB = 256 * 1024
ATTENDEES_PER_ORDER = (1, 2, 3, 4)
ATTENDEES_WEIGHTS = (20, 35, 20, 25)  # mean 2.5 tickets an order: couples and groups of four
FULL_REFUND_SHARE = 0.03
PARTIAL_REFUND_SHARE = 0.03


@dataclass(frozen=True)
class SeedSummary:
    events: int
    orders: int
    attendees: int
    checked_in: int
    refunds: int


@dataclass(eq=False)  # hashed by identity: a key of the order lines
class _Sales:
    """Running figures of one ticket type while its orders are drawn."""

    ticket_type: TicketType
    popularity: int
    sold_all: int = 0  # valid and void: what the stock had to cover at the time
    sold_valid: int = 0
    checked_in: int = 0
    last_sale: datetime | None = None


@dataclass
class _Batch:
    events: list[Event] = field(default_factory=list)
    ticket_types: list[TicketType] = field(default_factory=list)
    orders: list[Order] = field(default_factory=list)
    items: list[OrderItem] = field(default_factory=list)
    attendees: list[Attendee] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    # bulk_create stamps auto_now(_add) fields with the wall clock; the
    # intended times are kept here and written back afterwards.
    stamps: dict[int, tuple[datetime, datetime | None]] = field(default_factory=dict)

    def stamp(self, obj, created: datetime, updated: datetime | None = None) -> None:
        self.stamps[id(obj)] = (created, updated)


def sandbox_seed(
    *,
    account: Account,
    livemode: bool = False,
    events: int = 12,
    orders_per_event: int = 50,
    seed: int = 42,
    now: datetime | None = None,
) -> SeedSummary:
    """Add `events` events with their tickets, orders, attendees and refunds."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    connection = connections["sandbox"]
    if connection.vendor == "sqlite":
        # Attendees carry eight indexes, and random ids and barcodes land all
        # over each of them: with SQLite's default 2 MB page cache, 100,000
        # rows spend much of their time re-reading pages from disk.
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    with transaction.atomic(using="sandbox"):
        # Seeding the same account twice must not repeat barcodes (they are
        # unique across the whole sandbox), so their stream also depends on
        # the account and on how many events it already has.
        earlier = Event.objects.filter(account=account, livemode=livemode).count()
        barcode_rng = random.Random(f"barcodes/{account.slug}/{livemode}/{seed}/{earlier}")
        seeder = _Seeder(random.Random(seed), barcode_rng, now, account, livemode, orders_per_event)
        for slot in _slots(events):
            seeder.add_event(slot)
        _write(seeder.batch)
    batch = seeder.batch
    return SeedSummary(
        events=len(batch.events),
        orders=len(batch.orders),
        attendees=len(batch.attendees),
        checked_in=sum(a.checked_in for a in batch.attendees),
        refunds=len(batch.refunds),
    )


def _slots(n: int) -> list[str]:
    """What each event is: the first one is on right now, so a single big
    event is one the door can scan; past and upcoming ones fill the rest."""
    draft = max(1, n // 6) if n >= 3 else 0
    cancelled = max(1, n // 12) if n >= 3 else 0
    published = n - draft - cancelled
    past = published * 2 // 5
    upcoming = max(0, published - 1 - past)
    return (
        (["ongoing"] if published else [])
        + ["past"] * past
        + ["upcoming"] * upcoming
        + (["draft"] * draft + ["cancelled"] * cancelled)
    )


def _abroad(index: int) -> cat.Abroad | None:
    """Every third event (never the first, the one on now that the door scans) plays abroad."""
    if index % 3 != 2:
        return None
    return cat.ABROAD[(index // 3) % len(cat.ABROAD)]


def _local_price(us_cents: int, ratio: tuple[int, int]) -> int:
    """A catalogue price in the event's currency, in whole hundreds of minor units (¥7,500, £40.00)."""
    times, per = ratio
    return us_cents * times // per // 100 * 100


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().replace("'", "").lower()


class _Seeder:
    def __init__(self, rng, barcode_rng, now, account, livemode, orders_per_event):
        self.rng = rng
        self.barcode_rng = barcode_rng
        self.now = now
        self.account = account
        self.livemode = livemode
        self.orders_per_event = orders_per_event
        self.batch = _Batch()
        self.barcodes: set[str] = set()
        self.titles = [(kind, title) for kind in cat.KINDS for title in kind.titles]
        rng.shuffle(self.titles)
        self.titles_left: list[tuple[cat.EventKind, str]] = []
        self.run = 0

    def _next_title(self, *, multi_day: bool) -> tuple[cat.EventKind, str]:
        if not self.titles_left:  # more events than titles: the shows go round again
            self.titles_left = list(self.titles)
            self.run += 1
        index = 0
        if multi_day:
            index = next((i for i, (kind, _) in enumerate(self.titles_left) if kind.duration_hours >= 24), 0)
        kind, title = self.titles_left.pop(index)
        return kind, (title if self.run == 1 else f"{title} (run {self.run})")

    # --- events -----------------------------------------------------------
    def add_event(self, slot: str) -> None:
        rng, now = self.rng, self.now
        # The event on right now is a festival or a conference: those run for
        # days, so one is in full swing whatever the hour the seed runs at.
        kind, title = self._next_title(multi_day=slot == "ongoing")
        abroad = _abroad(len(self.batch.events))

        today = now.replace(hour=0, minute=0)
        days = {
            "past": -rng.randint(3, 120),
            "upcoming": rng.randint(2, 150),
            "draft": rng.randint(30, 200),
            "cancelled": rng.choice((-1, 1)) * rng.randint(5, 60),
        }.get(slot, 0)
        start = today + timedelta(days=days, hours=kind.start_hour, minutes=kind.start_minute)
        if abroad is not None:  # doors open at the same hour on the local clock
            day = (today + timedelta(days=days)).date()
            start = datetime(
                day.year, day.month, day.day, kind.start_hour, kind.start_minute, tzinfo=ZoneInfo(abroad.timezone)
            )
        duration = timedelta(hours=kind.duration_hours)
        if slot == "ongoing" and start > now - timedelta(minutes=30):
            start -= timedelta(days=1)  # today's opening is still to come: it opened yesterday
        if slot == "ongoing" and start + duration <= now:
            start = (now - timedelta(hours=1)).replace(minute=0)
        end = start + duration

        if slot == "draft":
            created = now - timedelta(days=rng.randint(0, 14), hours=rng.randint(1, 20))
        else:
            created = min(start - timedelta(days=rng.randint(30, 120)), now - timedelta(days=rng.randint(3, 40)))
        status = {"draft": Event.Status.DRAFT, "cancelled": Event.Status.CANCELLED}.get(slot, Event.Status.PUBLISHED)
        event = Event(
            id=new_id("evt"),
            account=self.account,
            livemode=self.livemode,
            title=title,
            description=kind.blurb,
            start_date=start,
            end_date=end,
            venue=rng.choice(cat.VENUES),  # drawn abroad too, so every other draw stays as it was
            currency="USD",
            timezone=self.account.timezone,
            status=status,
        )
        ratio = (1, 1)
        if abroad is not None:
            event.venue, event.currency, event.timezone = abroad.venue, abroad.currency, abroad.timezone
            ratio = abroad.per_usd_cent
        sales = self._ticket_types(event, kind, created, ratio)

        sales_end = min(start, now)
        cancelled_at = None
        if slot == "cancelled":
            cancelled_at = (created + (sales_end - created) * rng.uniform(0.7, 0.95)).replace(microsecond=0)
            sales_end = cancelled_at
        if slot == "draft":
            count = 0
        elif slot == "upcoming":  # still on sale
            count = round(self.orders_per_event * rng.uniform(0.4, 1.0))
        else:
            count = self.orders_per_event
        for _ in range(count):
            self._order(event, sales, created + timedelta(hours=1), sales_end, cancelled_at)

        self._size_stock(slot, sales)
        for s in sales:
            s.ticket_type.quantity_sold = s.sold_valid
            s.ticket_type.checked_in_count = s.checked_in
            self.batch.stamp(s.ticket_type, s.ticket_type.created_at, s.last_sale or s.ticket_type.created_at)
        published_at = created + timedelta(hours=rng.randint(1, 48))
        self.batch.stamp(event, created, cancelled_at or (created if slot == "draft" else min(published_at, now)))
        self.batch.events.append(event)

    def _ticket_types(self, event: Event, kind: cat.EventKind, created: datetime, ratio) -> list[_Sales]:
        rng = self.rng
        extra = list(kind.ticket_types[2:])
        chosen = set(rng.sample(extra, rng.randint(0, len(extra))))
        templates = [t for t in kind.ticket_types if t in kind.ticket_types[:2] or t in chosen]
        sales = []
        for i, template in enumerate(templates):
            low, high = template.price_range
            tt = TicketType(
                id=new_id("tkt"),
                event=event,
                name=template.name,
                price=_local_price(rng.randrange(low, high + 1, 500), ratio),
                quantity=0,  # sized once the orders are known
                created_at=created + timedelta(minutes=i),
            )
            self.batch.ticket_types.append(tt)
            sales.append(_Sales(tt, template.popularity))
        return sales

    def _size_stock(self, slot: str, sales: list[_Sales]) -> None:
        """Capacity that looks planned: past shows nearly full (some sold
        out), upcoming ones with seats left, drafts at a plausible size."""
        rng = self.rng
        weight = sum(s.popularity for s in sales)
        for s in sales:
            if s.sold_all == 0:
                planned = self.orders_per_event * 2.5 * s.popularity / weight
                s.ticket_type.quantity = max(10, math.ceil(planned / 10) * 10)
            elif slot in ("past", "ongoing") and rng.random() < 0.2:
                s.ticket_type.quantity = s.sold_valid or s.sold_all  # sold out
            else:
                fill = rng.uniform(0.35, 0.8) if slot == "upcoming" else rng.uniform(0.75, 0.98)
                s.ticket_type.quantity = max(s.sold_all, math.ceil(s.sold_all / fill / 10) * 10)

    # --- orders -----------------------------------------------------------
    def _person(self) -> tuple[str, str]:
        first, last = self.rng.choice(cat.FIRST_NAMES), self.rng.choice(cat.LAST_NAMES)
        first_a, last_a = _ascii(first), _ascii(last)
        local = self.rng.choice(
            (f"{first_a}.{last_a}", f"{first_a[0]}{last_a}", f"{first_a}{last_a}{self.rng.randint(1, 99)}")
        )
        return f"{first} {last}", f"{local}@{self.rng.choice(cat.EMAIL_DOMAINS)}"

    def _barcode(self) -> str:
        code = barcode_new(self.barcode_rng)
        while code in self.barcodes:
            code = barcode_new(self.barcode_rng)
        self.barcodes.add(code)
        return code

    def _order(self, event, sales, sales_start, sales_end, cancelled_at) -> None:
        rng, batch = self.rng, self.batch
        tickets = rng.choices(ATTENDEES_PER_ORDER, ATTENDEES_WEIGHTS)[0]
        weights = [s.popularity for s in sales]
        first = rng.choices(sales, weights)[0]
        lines = {first: tickets}
        if tickets > 1 and rng.random() < 0.2:  # e.g. two adults and a child
            second = rng.choice([s for s in sales if s is not first])
            moved = rng.randint(1, tickets - 1)
            lines = {first: tickets - moved, second: moved}
        # Sales pick up as the date approaches.
        created = (sales_start + (sales_end - sales_start) * (rng.random() ** 0.6)).replace(microsecond=0)
        buyer_name, buyer_email = self._person()
        order = Order(
            id=new_id("ord"),
            event_id=event.id,
            account_id=self.account.id,
            livemode=self.livemode,
            buyer_name=buyer_name,
            buyer_email=buyer_email,
            currency=event.currency,
            total=sum(s.ticket_type.price * n for s, n in lines.items()),
            created_at=created,
        )
        batch.orders.append(order)
        event.gross_sales += order.total

        tickets_sold: list[tuple[Attendee, _Sales]] = []
        for s, n in lines.items():
            tt = s.ticket_type
            batch.items.append(OrderItem(order_id=order.id, ticket_type_id=tt.id, quantity=n, unit_price=tt.price))
            s.sold_all += n
            s.last_sale = max(s.last_sale or created, created)
            for _ in range(n):
                if not tickets_sold:
                    name, email = buyer_name, buyer_email
                else:
                    name, email = self._person()
                    if rng.random() < 0.5:  # bought by one person for the family
                        name = f"{name.split(' ')[0]} {buyer_name.split(' ', 1)[1]}"
                        email = buyer_email
                attendee = Attendee(
                    id=new_id("att"),
                    event_id=event.id,
                    order_id=order.id,
                    ticket_type_id=s.ticket_type.id,
                    name=name,
                    email=email,
                    barcode=self._barcode(),
                )
                tickets_sold.append((attendee, s))
        batch.attendees.extend(a for a, _ in tickets_sold)
        self._refund(event, order, tickets_sold, lines, cancelled_at)
        self._check_in(event, order, tickets_sold)

    def _refund(self, event: Event, order: Order, tickets_sold: list[tuple[Attendee, _Sales]], lines, cancelled_at):
        rng = self.rng
        if cancelled_at is not None:
            at = min(cancelled_at + timedelta(minutes=rng.randint(5, 600)), self.now)
            refunds = [(order.total, cat.CANCELLED_REFUND_REASON, at)]
        else:
            roll = rng.random()
            if roll >= FULL_REFUND_SHARE + PARTIAL_REFUND_SHARE:
                refunds = []
            else:
                latest = min(event.start_date, self.now)
                at = (order.created_at + (latest - order.created_at) * rng.random()).replace(microsecond=0)
                if roll < FULL_REFUND_SHARE:
                    refunds = [(order.total, rng.choice(cat.FULL_REFUND_REASONS), at)]
                else:
                    if len(tickets_sold) > 1:
                        amount = min(s.ticket_type.price for s in lines)
                        reason = cat.PARTIAL_REFUND_REASONS[0]
                    else:
                        amount = max(100, order.total * rng.choice((10, 20, 25, 50)) // 100 // 100 * 100)
                        reason = rng.choice(cat.PARTIAL_REFUND_REASONS[1:])
                    refunds = [(amount, reason, at)]
                    if rng.random() < 0.25:  # and later the rest of it, after all
                        later = (at + (latest - at) * rng.random()).replace(microsecond=0)
                        refunds.append((order.total - amount, rng.choice(cat.FULL_REFUND_REASONS), later))
        for amount, reason, at in refunds:
            refund = Refund(id=new_id("ref"), order_id=order.id, amount=amount, reason=reason)
            self.batch.stamp(refund, at)
            self.batch.refunds.append(refund)
            order.amount_refunded += amount
            event.amount_refunded += amount
        if refunds and order.amount_refunded == order.total:
            order.status = Order.Status.REFUNDED
            for attendee, _ in tickets_sold:  # a full refund voids the tickets and returns them to stock
                attendee.status = Attendee.Status.VOID
                attendee.refund_id = refund.id  # the last refund is the one that brought the balance to zero
        elif refunds:
            order.status = Order.Status.PARTIALLY_REFUNDED
        for attendee, s in tickets_sold:
            if attendee.status == Attendee.Status.VALID:
                s.sold_valid += 1

    def _check_in(self, event: Event, order: Order, tickets_sold: list[tuple[Attendee, _Sales]]) -> None:
        if event.status != Event.Status.PUBLISHED or event.start_date > self.now:
            return
        rng = self.rng
        ongoing = event.end_date > self.now
        doors = event.start_date - timedelta(minutes=45)
        window = (self.now - doors) if ongoing else timedelta(hours=2, minutes=30)
        rate = 0.4 if ongoing else 0.9
        for attendee, s in tickets_sold:
            if attendee.status == Attendee.Status.VALID and rng.random() < rate:
                at = max(doors + window * rng.random(), order.created_at + timedelta(minutes=2))
                attendee.checked_in = True
                attendee.checked_in_at = min(at, self.now).replace(microsecond=0)
                s.checked_in += 1


def _write(batch: _Batch) -> None:
    """Insert parents before children, then put back the intended times that
    bulk_create's auto_now(_add) stamping replaced."""
    for model, rows in (
        (Event, batch.events),
        (TicketType, batch.ticket_types),
        (Order, batch.orders),
        (OrderItem, batch.items),
        (Refund, batch.refunds),  # before attendees: a void ticket names its refund
        (Attendee, batch.attendees),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    for model, rows, fields in (
        (Event, batch.events, ["created_at", "updated_at"]),
        (TicketType, batch.ticket_types, ["created_at", "updated_at"]),
        (Refund, batch.refunds, ["created_at"]),
    ):
        for obj in rows:
            created, updated = batch.stamps[id(obj)]
            obj.created_at = created
            if updated is not None:
                obj.updated_at = updated
        model.objects.bulk_update(rows, fields, batch_size=500)
