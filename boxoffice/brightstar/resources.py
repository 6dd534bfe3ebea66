"""What the API returns, as frozen dataclasses built from its JSON.

`from_json` reads the fields it knows and ignores the rest, so the server
may add fields without breaking the dashboard. Money is integer cents next
to its currency; times are timezone-aware datetimes (UTC from the API).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol, Self

from boxoffice.brightstar.errors import BAD_RESPONSE, BrightStarError, ConnectionFailed

if TYPE_CHECKING:
    # client imports this module (for Sent): the annotation alone must not import it back.
    from boxoffice.brightstar.response import ApiResponse


def parse_datetime(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = datetime.fromisoformat(value)
    # The contract says UTC; a naive value would silently shift by the server's zone.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _required_datetime(value: Any) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError("a required time is empty")
    return parsed


def _integer(value: Any) -> int:
    # bool is an int in Python, and a float here means a broken contract.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer (money is in cents), got {value!r}")
    return value


def _counts(value: Any) -> dict[str, int]:
    """{error code: count}, as the stats give refusals."""
    return {str(code): _integer(count) for code, count in dict(value).items()}


class _Resource:
    """One thing the API returns: `from_json` is the same for all, `_read` is each one's own fields."""

    __slots__ = ()

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        try:
            return cls._read(data)
        except (KeyError, TypeError, ValueError) as exc:
            # A shape we cannot read is an unusable answer, like a non-JSON body.
            raise ConnectionFailed(f"Unexpected {cls.__name__} from BrightStar: {exc}", code=BAD_RESPONSE) from None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Event(_Resource):
    id: str
    title: str
    description: str
    start_date: datetime
    end_date: datetime | None
    venue: str
    currency: str
    timezone: str  # IANA: how the event's times are shown (they are UTC on the wire)
    status: str
    capacity: int
    tickets_sold: int
    tickets_checked_in: int
    gross_sales: int
    amount_refunded: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(
            id=d["id"],
            title=d["title"],
            description=d.get("description") or "",
            start_date=_required_datetime(d["start_date"]),
            end_date=parse_datetime(d.get("end_date")),
            venue=d.get("venue") or "",
            currency=d.get("currency") or "USD",
            timezone=d.get("timezone") or "UTC",
            status=d["status"],
            capacity=_integer(d.get("capacity", 0)),
            tickets_sold=_integer(d.get("tickets_sold", 0)),
            tickets_checked_in=_integer(d.get("tickets_checked_in", 0)),
            gross_sales=_integer(d.get("gross_sales", 0)),
            amount_refunded=_integer(d.get("amount_refunded", 0)),
            created_at=parse_datetime(d.get("created_at")),
            updated_at=parse_datetime(d.get("updated_at")),
        )

    @property
    def net_sales(self) -> int:
        return self.gross_sales - self.amount_refunded


@dataclass(frozen=True, slots=True)
class TicketType(_Resource):
    id: str
    event_id: str
    name: str
    price: int  # cents, in the event's currency
    quantity: int
    quantity_sold: int
    checked_in_count: int
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(
            id=d["id"],
            event_id=d["event_id"],
            name=d["name"],
            price=_integer(d["price"]),
            quantity=_integer(d["quantity"]),
            quantity_sold=_integer(d.get("quantity_sold", 0)),
            checked_in_count=_integer(d.get("checked_in_count", 0)),
            created_at=parse_datetime(d.get("created_at")),
            updated_at=parse_datetime(d.get("updated_at")),
        )

    @property
    def available(self) -> int:
        return self.quantity - self.quantity_sold


@dataclass(frozen=True, slots=True)
class Attendee(_Resource):
    id: str
    event_id: str
    order_id: str
    ticket_type_id: str
    name: str
    email: str
    barcode: str
    status: str  # valid | void
    checked_in: bool
    checked_in_at: datetime | None
    # The last change to the row (a check-in, an undo, a refund's void): what incremental sync orders by.
    updated_at: datetime | None = None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(
            id=d["id"],
            event_id=d["event_id"],
            order_id=d["order_id"],
            ticket_type_id=d["ticket_type_id"],
            name=d.get("name") or "",
            email=d.get("email") or "",
            barcode=d["barcode"],
            status=d["status"],
            checked_in=bool(d["checked_in"]),
            checked_in_at=parse_datetime(d.get("checked_in_at")),
            updated_at=parse_datetime(d.get("updated_at")),
        )


@dataclass(frozen=True, slots=True)
class Scan(_Resource):
    """One check-in attempt at the door, admitted or refused (GET /events/{id}/scans)."""

    id: str
    event_id: str
    attendee_id: str | None  # None: a code the API does not know
    barcode: str | None  # None only when an unknown attendee id was sent
    result: str  # admitted | refused
    reason: str | None  # the refusal's error code (ALREADY_CHECKED_IN, …); None when admitted
    gate: str | None
    device: str | None
    staff: str | None
    scanned_at: datetime

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(
            id=d["id"],
            event_id=d["event_id"],
            attendee_id=d.get("attendee_id"),
            barcode=d.get("barcode"),
            result=d["result"],
            reason=d.get("reason"),
            gate=d.get("gate"),
            device=d.get("device"),
            staff=d.get("staff"),
            scanned_at=_required_datetime(d["scanned_at"]),
        )

    @property
    def admitted(self) -> bool:
        return self.result == "admitted"


@dataclass(frozen=True, slots=True)
class ScanBucket:
    start: datetime  # 5 minutes from here
    admitted: int
    refused: int


@dataclass(frozen=True, slots=True)
class GateStats:
    gate: str | None  # None: scans sent without a gate
    admitted: int
    refused: int
    last_scan_at: datetime
    per_minute: float  # over the last 5 minutes
    refusals: Mapping[str, int]  # error code -> count, this door's only (they add up to `refused`)


@dataclass(frozen=True, slots=True)
class TicketTypeStats:
    id: str
    name: str
    sold: int
    checked_in: int
    quantity: int
    price: int  # cents


@dataclass(frozen=True, slots=True)
class SalesDay:
    day: date  # in the event's time zone
    sold: int
    gross: int  # cents
    refunded: int  # cents
    by_ticket_type: Mapping[str, int]  # ticket type id -> tickets sold that day (only those sold)


@dataclass(frozen=True, slots=True)
class EventStats(_Resource):
    """The doors and sales overview of one event (GET /events/{id}/stats), in one request."""

    buckets: tuple[ScanBucket, ...]  # 5-minute buckets, oldest first, empty ones included
    gates: tuple[GateStats, ...]
    refusals: Mapping[str, int]  # error code -> count
    ticket_types: tuple[TicketTypeStats, ...]
    sales: tuple[SalesDay, ...]  # oldest day first
    checked_in: int
    sold: int
    capacity: int

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(
            buckets=tuple(
                ScanBucket(
                    start=_required_datetime(b["start"]),
                    admitted=_integer(b["admitted"]),
                    refused=_integer(b["refused"]),
                )
                for b in d["buckets"]
            ),
            gates=tuple(
                GateStats(
                    gate=g.get("gate"),
                    admitted=_integer(g["admitted"]),
                    refused=_integer(g["refused"]),
                    last_scan_at=_required_datetime(g["last_scan_at"]),
                    per_minute=float(g["per_minute"]),
                    refusals=_counts(g["refusals"]),
                )
                for g in d["gates"]
            ),
            refusals=_counts(d["refusals"]),
            ticket_types=tuple(
                TicketTypeStats(
                    id=t["id"],
                    name=t["name"],
                    sold=_integer(t["sold"]),
                    checked_in=_integer(t["checked_in"]),
                    quantity=_integer(t["quantity"]),
                    price=_integer(t["price"]),
                )
                for t in d["ticket_types"]
            ),
            sales=tuple(
                SalesDay(
                    day=date.fromisoformat(s["day"]),
                    sold=_integer(s["sold"]),
                    gross=_integer(s["gross"]),
                    refunded=_integer(s["refunded"]),
                    by_ticket_type={t["id"]: _integer(t["sold"]) for t in s["ticket_types"]},
                )
                for s in d["sales"]
            ),
            checked_in=_integer(d["checked_in"]),
            sold=_integer(d["sold"]),
            capacity=_integer(d["capacity"]),
        )


@dataclass(frozen=True, slots=True)
class OrderItem(_Resource):
    ticket_type_id: str
    quantity: int
    unit_price: int

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(
            ticket_type_id=d["ticket_type_id"],
            quantity=int(d["quantity"]),
            unit_price=_integer(d["unit_price"]),
        )

    @property
    def subtotal(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True, slots=True)
class Refund(_Resource):
    id: str
    order_id: str
    amount: int
    reason: str
    created_at: datetime | None
    # The tickets this refund voided ((): a refund of money only).
    attendee_ids: tuple[str, ...] = ()
    # Only on the answer to a refund: the order as the refund left it.
    order: Order | None = None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(
            id=d["id"],
            order_id=d["order_id"],
            amount=_integer(d["amount"]),
            reason=d.get("reason") or "",
            created_at=parse_datetime(d.get("created_at")),
            attendee_ids=tuple(str(a) for a in d.get("attendee_ids") or ()),
            order=Order.from_json(d["order"]) if isinstance(d.get("order"), dict) else None,
        )


@dataclass(frozen=True, slots=True)
class EventRef(_Resource):
    """The event an order is for, as `GET /orders/{id}?expand=event` embeds it."""

    id: str
    title: str
    start_date: datetime
    currency: str
    timezone: str = "UTC"

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(
            id=d["id"],
            title=d["title"],
            start_date=_required_datetime(d["start_date"]),
            currency=d.get("currency") or "USD",
            timezone=d.get("timezone") or "UTC",
        )


@dataclass(frozen=True, slots=True)
class Order(_Resource):
    id: str
    event_id: str
    status: str  # completed | partially_refunded | refunded | cancelled
    buyer_name: str
    buyer_email: str
    currency: str
    total: int
    amount_refunded: int
    created_at: datetime | None
    items: tuple[OrderItem, ...]
    # Embedded by GET /orders/{id} only; None (not empty) on list rows.
    attendees: tuple[Attendee, ...] | None = None
    refunds: tuple[Refund, ...] | None = None
    # Embedded only when asked for (`expand=event,ticket_types`): names for staff, in the same call.
    event: EventRef | None = None
    ticket_type_names: dict[str, str] | None = None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        attendees = d.get("attendees")
        refunds = d.get("refunds")
        return cls(
            id=d["id"],
            event_id=d["event_id"],
            status=d["status"],
            buyer_name=d.get("buyer_name") or "",
            buyer_email=d.get("buyer_email") or "",
            currency=d.get("currency") or "USD",
            total=_integer(d["total"]),
            amount_refunded=_integer(d.get("amount_refunded", 0)),
            created_at=parse_datetime(d.get("created_at")),
            items=tuple(OrderItem.from_json(i) for i in d.get("items") or ()),
            attendees=None if attendees is None else tuple(Attendee.from_json(a) for a in attendees),
            refunds=None if refunds is None else tuple(Refund.from_json(r) for r in refunds),
            event=EventRef.from_json(d["event"]) if isinstance(d.get("event"), dict) else None,
            ticket_type_names=(
                None if d.get("ticket_types") is None else {t["id"]: t["name"] for t in d["ticket_types"]}
            ),
        )

    @property
    def refundable(self) -> int:
        return self.total - self.amount_refunded


@dataclass(frozen=True, slots=True)
class Resend(_Resource):
    order_id: str
    email: str
    sent_at: datetime | None

    @classmethod
    def _read(cls, d: Mapping[str, Any]) -> Self:
        return cls(order_id=d["order_id"], email=d["email"], sent_at=parse_datetime(d.get("sent_at")))


@dataclass(frozen=True, slots=True)
class Sent[T]:
    """What one mutation did: the resource, and how the API came to answer it.

    `replayed`: the API answered from its record of an earlier request with
    the same key, so nothing was done twice. With `attempts` == 1 that earlier
    request was someone's (a double click); after a retry it was our own.
    """

    value: T
    idempotency_key: str
    status: int
    request_id: str | None
    replayed: bool
    attempts: int

    @property
    def sent_twice_by_staff(self) -> bool:
        return self.replayed and self.attempts == 1


def attendee_in(error: BrightStarError) -> Attendee | None:
    """For ALREADY_CHECKED_IN: who was let in, and when (the first scan)."""
    data = error.extra.get("attendee")
    return Attendee.from_json(data) if isinstance(data, dict) else None


class FromJson[T](Protocol):
    """A resource class: `Attendee` itself is a FromJson[Attendee]."""

    def from_json(self, data: Mapping[str, Any], /) -> T: ...


@dataclass(frozen=True, slots=True)
class Page[T]:
    items: tuple[T, ...]
    total: int
    limit: int
    offset: int

    @classmethod
    def from_response(cls, response: ApiResponse, item_cls: FromJson[T], *, limit: int, offset: int) -> Page[T]:
        """A list answer: the JSON array plus the X-Total-Count / X-Per-Page headers."""
        data = response.data if isinstance(response.data, list) else []
        headers = response.headers
        try:
            total = int(headers.get("X-Total-Count", len(data)))
            limit = int(headers.get("X-Per-Page", limit))
        except ValueError:
            raise ConnectionFailed("Unreadable pagination headers from BrightStar", code=BAD_RESPONSE) from None
        return cls(items=tuple(item_cls.from_json(d) for d in data), total=total, limit=limit, offset=offset)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1 if self.limit else 1

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def as_api_date(value: date | datetime | str) -> str:
    """A date or datetime as the API wants it (ISO 8601, datetimes in UTC)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware one so the API knows which instant")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value
