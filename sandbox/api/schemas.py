"""Request and response shapes: what the OpenAPI document promises.

Inputs are strict, Stripe-style: unknown fields are rejected, integers must
be JSON integers (no "12", no 12.0, no true), strings must be strings.
"""

from datetime import UTC, date, datetime
from typing import Annotated, ClassVar, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StrictInt, StringConstraints, model_validator

ID_PATTERN = r"^[a-z]{3}_[0-9a-f]{16}$"
MAX_MONEY = 10**12  # cents; far above any real ticket, far below int64
MAX_QUANTITY = 10**7


def _as_utc(value: datetime | None) -> datetime | None:
    # A time without an offset is taken as UTC, the API's only time zone.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


Title = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strict=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strict=True, max_length=10_000)]
Currency = Annotated[str, StringConstraints(strict=True, pattern=r"^[A-Z]{3}$")]
Money = Annotated[StrictInt, Field(ge=0, le=MAX_MONEY)]
Quantity = Annotated[StrictInt, Field(ge=0, le=MAX_QUANTITY)]
UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]
EventStatus = Literal["draft", "published", "cancelled"]
OrderStatus = Literal["completed", "partially_refunded", "refunded", "cancelled"]
Limit = Annotated[int, Field(ge=1, le=100)]
Offset = Annotated[int, Field(ge=0, le=10**9)]


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class _NoNulls(Strict):
    """PATCH bodies: a field may be left out, but not set to null unless it allows it."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _reject_nulls(self):
        for name in self.model_fields_set:
            if getattr(self, name) is None and name not in self.NULLABLE:
                raise ValueError(f"{name} cannot be null")
        return self


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
    status: EventStatus = "draft"


class EventUpdate(_NoNulls):
    NULLABLE: ClassVar[frozenset[str]] = frozenset({"end_date"})
    title: Title | None = None
    start_date: UtcDateTime | None = None
    end_date: UtcDateTime | None = None
    description: LongText | None = None
    venue: ShortText | None = None
    currency: Currency | None = None
    status: EventStatus | None = None


class EventOut(Schema):
    id: str
    title: str
    description: str
    start_date: datetime
    end_date: datetime | None
    venue: str
    currency: str
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


class TicketTypeUpdate(_NoNulls):
    name: Title | None = None
    price: Money | None = None
    quantity: Quantity | None = None


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


class AttendeeFilters(Schema):
    ticket_type: Annotated[str, StringConstraints(max_length=64)] | None = None
    checked_in: Literal["true", "false"] | None = None
    q: Annotated[str, StringConstraints(max_length=200)] | None = None
    limit: Limit = 20
    offset: Offset = 0


class CheckInIn(Strict):
    barcode: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=64)] | None = None
    attendee_id: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=64)] | None = None


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


class OrderDetailOut(OrderOut):
    attendees: list[AttendeeOut]
    refunds: list[RefundSummary]


class OrderFilters(Schema):
    status: OrderStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: Annotated[str, StringConstraints(max_length=200)] | None = None
    limit: Limit = 20
    offset: Offset = 0


class RefundIn(Strict):
    amount: Annotated[StrictInt, Field(ge=1, le=MAX_MONEY)] | None = None
    reason: Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1, max_length=500)]
    expected_amount_refunded: Annotated[StrictInt, Field(ge=0, le=MAX_MONEY)] | None = None


class RefundOut(RefundSummary):
    order: OrderDetailOut


class ResendOut(Schema):
    order_id: str
    email: str
    sent_at: datetime
