"""Request and response shapes: what the OpenAPI document promises.

Inputs are strict, Stripe-style: unknown fields are rejected, integers must
be JSON integers (no "12", no 12.0, no true), strings must be strings.
"""

import re
import zoneinfo
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]|$)")
MAX_MONEY = 10**12  # cents; far above any real ticket, far below int64
MAX_QUANTITY = 10**7
MAX_REFUND_TICKETS = 1000  # per by-ticket refund; a bigger order is refunded whole


def _json_number(value):
    # JSON Schema counts 12.0 as an integer, so it is accepted as 12; but a
    # quoted "12" or a boolean is the wrong type, and 12.5 fails int parsing.
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON integer")
    return value


def _iso_text(value):
    # Without this pydantic would read 0 (or "0") as 1970-01-01: dates must be ISO 8601 text.
    if not isinstance(value, str) or not ISO_DATE.match(value):
        raise ValueError("must be an ISO 8601 date or date-time, like 2030-12-24 or 2030-12-24T19:00:00Z")
    return value


def _omitted(schema: dict) -> None:
    # A PATCH field may be left out, not sent as null: the default is not part of the contract.
    schema.pop("default", None)


def optional(**constraints):
    return Field(default=None, json_schema_extra=_omitted, **constraints)


def _as_utc(value: datetime | None) -> datetime | None:
    # A time without an offset is taken as UTC, the API's only time zone; any
    # other offset is converted, since PostgreSQL refuses offsets past ±15:59.
    if value is None:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None


# PostgreSQL text cannot hold NUL: every text input refuses it, and says so in
# the schema (a pattern), so generated clients know before they send it.
NO_NUL = r"^[^\x00]*$"


def text(**constraints):
    return Annotated[str, StringConstraints(pattern=NO_NUL, **constraints)]


Title = text(strict=True, strip_whitespace=True, min_length=1, max_length=200)
ShortText = text(strict=True, max_length=200)
LongText = text(strict=True, max_length=10_000)
Currency = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Z]{3}$")]


@cache
def _time_zones() -> frozenset[str]:
    # "localtime" names whatever zone the server happens to run in: not a time zone a client can mean.
    return frozenset(zoneinfo.available_timezones() - {"localtime"})


def _known_zone(value: str) -> str:
    # The exact IANA name, case included: ZoneInfo alone would also take file paths, and on
    # a case-blind disk "europe/berlin", which a client's own tz library may then refuse.
    if value not in _time_zones():
        raise ValueError("must be an IANA time zone name, like Europe/Berlin or UTC")
    return value


TimeZone = Annotated[
    str, StringConstraints(strict=True, pattern=NO_NUL, min_length=1, max_length=64), AfterValidator(_known_zone)
]


def integer(*, ge: int, le: int):
    # Bounds before the validator, so they reach the schema as minimum/maximum.
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_json_number)]


Money = integer(ge=0, le=MAX_MONEY)
Quantity = integer(ge=0, le=MAX_QUANTITY)
UtcDateTime = Annotated[datetime, BeforeValidator(_iso_text), AfterValidator(_as_utc)]
Date = Annotated[date, BeforeValidator(_iso_text)]
EventStatus = Literal["draft", "published", "cancelled"]
OrderStatus = Literal["completed", "partially_refunded", "refunded", "cancelled"]
Limit = Annotated[int, Field(ge=1, le=100)]
Offset = Annotated[int, Field(ge=0, le=10**9)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# --- errors -------------------------------------------------------------------
class ErrorDetail(Schema):
    model_config = ConfigDict(extra="allow")
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


# --- events -------------------------------------------------------------------
class EventCreate(Strict):
    title: Title
    start_date: UtcDateTime
    end_date: UtcDateTime | None = None
    description: LongText = ""
    venue: ShortText = ""
    currency: Currency = "USD"
    timezone: TimeZone = optional()  # left out: the account's time zone
    status: EventStatus = "draft"


class EventUpdate(Strict):
    title: Title = optional()
    start_date: UtcDateTime = optional()
    end_date: UtcDateTime | None = optional()  # null clears it
    description: LongText = optional()
    venue: ShortText = optional()
    currency: Currency = optional()
    timezone: TimeZone = optional()  # any time: it changes how times are shown, never the times
    status: EventStatus = optional()


class EventOut(Schema):
    id: str
    title: str
    description: str
    start_date: datetime
    end_date: datetime | None
    venue: str
    currency: str
    timezone: str  # IANA name, for showing the times; they are UTC on the wire
    status: EventStatus
    capacity: int
    tickets_sold: int
    tickets_checked_in: int
    gross_sales: int
    amount_refunded: int
    created_at: datetime
    updated_at: datetime


class EventFilters(Schema):
    status: EventStatus | None = None
    # When an event ends: its end_date, or its start_date if it has none. After is
    # inclusive, before exclusive, so the same instant splits the list into two tabs
    # (on now and next / past) with every event in exactly one.
    ends_after: UtcDateTime | None = None
    ends_before: UtcDateTime | None = None
    sort: Literal["start_date", "-start_date", "title", "-title", "created_at", "-created_at"] = "start_date"
    limit: Limit = 20
    offset: Offset = 0


class PageFilters(Schema):
    limit: Limit = 20
    offset: Offset = 0


# --- ticket types -------------------------------------------------------------
class TicketTypeCreate(Strict):
    name: Title
    price: Money
    quantity: Quantity


class TicketTypeUpdate(Strict):
    name: Title = optional()
    price: Money = optional()
    quantity: Quantity = optional()


class TicketTypeOut(Schema):
    id: str
    event_id: str
    name: str
    price: int
    quantity: int
    quantity_sold: int
    checked_in_count: int
    created_at: datetime
    updated_at: datetime


# --- attendees and check-in ---------------------------------------------------
class AttendeeOut(Schema):
    id: str
    event_id: str
    order_id: str
    ticket_type_id: str
    name: str
    email: str
    barcode: str
    status: Literal["valid", "void"]
    checked_in: bool
    checked_in_at: datetime | None
    updated_at: datetime  # moved by every change: check-in, undo, void, rename


class AttendeeFilters(Schema):
    ticket_type: text(max_length=64) | None = None
    checked_in: Literal["true", "false"] | None = None
    q: text(max_length=200) | None = None
    limit: Limit = 20
    offset: Offset = 0
    # The changes feed (sandbox/changes.py): "" or "0" from the start, else the
    # X-Next-Cursor of the page before. Alone: no other filter, no offset.
    changes_after: text(max_length=100) | None = None


class CheckInIn(Strict):
    # Exactly one of the two; said in the schema so generated clients know it.
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"oneOf": [{"required": ["barcode"]}, {"required": ["attendee_id"]}]}
    )
    barcode: text(strict=True, min_length=1, max_length=64) = optional()
    attendee_id: text(strict=True, min_length=1, max_length=64) = optional()
    # When the ticket was scanned, for a scan made offline and sent later; within the
    # last 7 days and at most 5 minutes ahead (services/checkins.py). Left out: now.
    scanned_at: UtcDateTime = optional()
    # Who scanned it, where: kept in the scan log (GET /events/{id}/scans), nowhere else.
    gate: text(strict=True, min_length=1, max_length=100) = optional()  # the door, free text
    device: text(strict=True, min_length=1, max_length=100) = optional()
    staff: text(strict=True, min_length=1, max_length=150) = optional()  # the dashboard's user name


# --- the scan log -----------------------------------------------------------------
# The refusals a scan is logged with: check-in's own error codes.
ScanReason = Literal["ALREADY_CHECKED_IN", "TICKET_VOID", "NOT_FOUND", "WRONG_EVENT", "EVENT_NOT_ACTIVE"]


class ScanRefusalIn(Strict):
    """A refusal decided elsewhere (a door offline), for the log: it never admits, so no ticket changes."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"oneOf": [{"required": ["barcode"]}, {"required": ["attendee_id"]}]}
    )
    # Exactly one of the two, as check-in takes them: the code as scanned, or the ticket picked from a list.
    barcode: text(strict=True, min_length=1, max_length=64) = optional()
    attendee_id: text(strict=True, min_length=1, max_length=64) = optional()
    reason: ScanReason  # a refusal's code: nothing else may be logged this way
    # Required: a refusal told later has a time of its own. The same window as check-in's (services/checkins.py).
    scanned_at: UtcDateTime
    gate: text(strict=True, min_length=1, max_length=100) = optional()
    device: text(strict=True, min_length=1, max_length=100) = optional()
    staff: text(strict=True, min_length=1, max_length=150) = optional()


class ScanOut(Schema):
    id: str
    event_id: str
    attendee_id: str | None  # null: an unknown code
    barcode: str | None  # null only for an unknown attendee_id
    result: Literal["admitted", "refused"]
    reason: ScanReason | None  # null when admitted
    gate: str | None
    device: str | None
    staff: str | None
    scanned_at: datetime


class ScanFilters(Schema):
    result: Literal["admitted", "refused"] | None = None
    reason: ScanReason | None = None
    gate: text(max_length=100) | None = None
    since: UtcDateTime | None = None  # scanned at or after
    limit: Limit = 20
    offset: Offset = 0


class StatsFilters(Schema):
    hours: Annotated[int, Field(ge=1, le=72)] = 6  # how far back the 5-minute buckets go


class StatsBucket(Schema):
    start: datetime  # 5 minutes from here, UTC, aligned on the clock
    admitted: int
    refused: int


class GateStats(Schema):
    gate: str | None  # null: scans sent without a gate
    admitted: int
    refused: int
    last_scan_at: datetime
    per_minute: float  # scans over the last 5 minutes, / 5
    refusals: dict[ScanReason, int]  # this door's `refused` by reason (they add up to it); {} if none


class TicketTypeStats(Schema):
    id: str
    name: str
    sold: int
    checked_in: int
    quantity: int  # on sale in all: the ticket type's capacity
    price: int  # cents: with quantity, what a full house would bring


class TicketTypeSalesDay(Schema):
    id: str  # the ticket type
    sold: int  # its tickets in that day's orders


class SalesDay(Schema):
    day: date  # in the event's time zone
    sold: int  # tickets in that day's orders
    gross: int  # their totals, cents
    refunded: int  # refunded of those orders so far, cents
    ticket_types: list[TicketTypeSalesDay]  # `sold` per ticket type, as in `ticket_types`; only those sold that day


class EventStatsOut(Schema):
    buckets: list[StatsBucket]
    gates: list[GateStats]
    refusals: dict[ScanReason, int]
    ticket_types: list[TicketTypeStats]
    sales: list[SalesDay]
    checked_in: int
    sold: int
    capacity: int


# --- orders ---------------------------------------------------------------------
class OrderItemOut(Schema):
    ticket_type_id: str
    quantity: int
    unit_price: int


class RefundSummary(Schema):
    id: str
    order_id: str
    amount: int
    reason: str
    created_at: datetime
    attendee_ids: list[str]  # the tickets this refund voided, by id; [] for a partial amount

    @staticmethod
    def resolve_attendee_ids(obj) -> list[str]:
        return sorted(attendee.pk for attendee in obj.attendees.all())


class OrderEventOut(Schema):
    id: str
    title: str
    start_date: datetime
    currency: str
    timezone: str


class OrderOut(Schema):
    id: str
    event_id: str
    status: OrderStatus
    buyer_name: str
    buyer_email: str
    currency: str
    total: int
    amount_refunded: int
    created_at: datetime
    items: list[OrderItemOut]
    # null unless asked for with ?expand=event
    event: OrderEventOut | None = None

    @staticmethod
    def resolve_event(obj):
        # Not obj.event, which every order has: only what the request expanded.
        return getattr(obj, "expanded_event", None)


class TicketTypeName(Schema):
    id: str
    name: str


class OrderDetailOut(OrderOut):
    attendees: list[AttendeeOut]
    refunds: list[RefundSummary]
    # null unless asked for with ?expand=ticket_types (event: see OrderOut)
    ticket_types: list[TicketTypeName] | None = None

    @staticmethod
    def resolve_ticket_types(obj):
        return getattr(obj, "expanded_ticket_types", None)


EXPANDABLE = ("event", "ticket_types")


class OrderExpand(Schema):
    expand: (
        Annotated[
            str, StringConstraints(pattern=rf"^({'|'.join(EXPANDABLE)})(,({'|'.join(EXPANDABLE)}))*$", max_length=100)
        ]
        | None
    ) = None

    @property
    def fields(self) -> set[str]:
        return set(self.expand.split(",")) if self.expand else set()


class OrderFilters(Schema):
    status: OrderStatus | None = None
    date_from: Date | None = None
    date_to: Date | None = None
    q: text(max_length=200) | None = None
    # A list row embeds its event only; ticket types are the order page's (GET /orders/{id}).
    expand: Literal["event"] | None = None
    limit: Limit = 20
    offset: Offset = 0


AttendeeId = text(strict=True, min_length=1, max_length=64)


class RefundIn(Strict):
    amount: integer(ge=1, le=MAX_MONEY) | None = None  # none: all that is left (or the tickets' price)
    # Void exactly these tickets of the order and refund what they cost.
    attendee_ids: Annotated[list[AttendeeId], Field(min_length=1, max_length=MAX_REFUND_TICKETS)] | None = None
    reason: text(strict=True, strip_whitespace=True, min_length=1, max_length=500)
    expected_amount_refunded: Money | None = None


class RefundOut(RefundSummary):
    order: OrderDetailOut


class ResendOut(Schema):
    order_id: str
    email: str
    sent_at: datetime
