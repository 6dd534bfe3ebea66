"""The sandbox's data: accounts and keys, and the ticketing objects they own.

Every ticketing object hangs off an Event, and every Event belongs to one
account in one environment (`livemode`): that pair is the wall between
tenants, so every lookup in the API filters on it.

Counters the API shows on every row (sold, checked in, gross, refunded) are
kept on the rows themselves and moved inside the same transaction as the
change that moves them, so listing 100 events never scans attendees.
"""

import hashlib
import secrets

from django.db import models, transaction
from django.db.models import Q

from sandbox.dbrouter import SANDBOX_DB
from sandbox.services.locking import changes_lock_write


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


class Account(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    # IANA name; a new event takes it unless it names its own.
    timezone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.slug


class ApiKey(models.Model):
    """Only a hash is stored: the key itself is shown once, when created."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="keys")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16)  # "bs_test_ab12" — enough to recognise a key
    livemode = models.BooleanField(default=False)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.prefix}… ({self.account})"

    @staticmethod
    def hash(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        PUBLISHED = "published"
        CANCELLED = "cancelled"

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="events")
    livemode = models.BooleanField(default=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    start_date = models.DateTimeField()
    end_date = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True, default="")
    currency = models.CharField(max_length=3, default="USD")
    # IANA name. Only how the event's times are shown: they are stored, and sent, in UTC.
    timezone = models.CharField(max_length=64, default="UTC")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    gross_sales = models.BigIntegerField(default=0)
    amount_refunded = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "livemode", "start_date"]),
            models.Index(fields=["account", "livemode", "status", "start_date"]),
        ]

    def save(self, *args, **kwargs):
        if not self.id:
            self.id = new_id("evt")
        super().save(*args, **kwargs)


class TicketType(models.Model):
    id = models.CharField(primary_key=True, max_length=32, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=200)
    price = models.BigIntegerField()
    quantity = models.BigIntegerField()
    quantity_sold = models.BigIntegerField(default=0)
    checked_in_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_sold__lte=models.F("quantity")), name="tkt_sold_within_quantity"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="tkt_price_not_negative"),
        ]

    def save(self, *args, **kwargs):
        if not self.id:
            self.id = new_id("tkt")
        super().save(*args, **kwargs)


class Order(models.Model):
    class Status(models.TextChoices):
        COMPLETED = "completed"
        PARTIALLY_REFUNDED = "partially_refunded"
        REFUNDED = "refunded"
        CANCELLED = "cancelled"

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="orders")
    # Copied from the event so the account-wide search (GET /v1/orders) needs no join.
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="orders")
    livemode = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)
    buyer_name = models.CharField(max_length=200)
    buyer_email = models.EmailField(max_length=254)
    currency = models.CharField(max_length=3)
    total = models.BigIntegerField()
    amount_refunded = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["event", "-created_at"]),
            models.Index(fields=["account", "livemode", "-created_at"]),
            # The stats' sales per day: every column it sums, so the table is never read.
            models.Index(fields=["event", "created_at", "total", "amount_refunded"], name="ord_event_sales"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_refunded__lte=models.F("total")), name="ord_refund_within_total"),
        ]

    def save(self, *args, **kwargs):
        if not self.id:
            self.id = new_id("ord")
        super().save(*args, **kwargs)

    @property
    def refundable(self) -> int:
        return self.total - self.amount_refunded


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.BigIntegerField()

    class Meta:
        ordering = ["id"]


class Attendee(models.Model):
    class Status(models.TextChoices):
        VALID = "valid"
        VOID = "void"

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendees")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="attendees")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="attendees")
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    barcode = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.VALID)
    checked_in = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # The refund that voided this ticket (at most one: a void ticket stays void).
    refund = models.ForeignKey("Refund", null=True, blank=True, on_delete=models.SET_NULL, related_name="attendees")
    # Moved by every change, so a replica at the venue can follow the changes feed
    # (sandbox/changes.py). auto_now covers save(); services that change rows
    # with QuerySet.update() must set it themselves.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # (event, name, id, email, barcode) covers the default listing, its deep
        # offsets and the door's search (name/email/barcode): the scan reads the
        # index alone, and only the page's rows are fetched from the table.
        indexes = [
            models.Index(fields=["event", "name", "id", "email", "barcode"], name="att_event_name_cover"),
            models.Index(fields=["event", "ticket_type", "name", "id"]),
            models.Index(fields=["event", "checked_in", "name", "id"]),
            # The changes feed: one range of it per page, already in the feed's order.
            models.Index(fields=["event", "updated_at", "id"], name="att_event_changes"),
        ]

    def save(self, *args, **kwargs):
        if not self.id:
            self.id = new_id("att")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "updated_at" not in update_fields:
            # Django leaves auto_now fields alone when update_fields omits them: a
            # rename saved with update_fields=["name"] would never reach the feed.
            kwargs["update_fields"] = [*update_fields, "updated_at"]
        # Stamped (auto_now) under the event's changes lock, like every attendee write.
        with transaction.atomic(using=SANDBOX_DB):
            changes_lock_write(self.event_id)
            super().save(*args, **kwargs)


class Refund(models.Model):
    id = models.CharField(primary_key=True, max_length=32, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refunds")
    amount = models.BigIntegerField()
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        if not self.id:
            self.id = new_id("ref")
        super().save(*args, **kwargs)


class Scan(models.Model):
    """One check-in attempt at an event's door, admitted or refused: the supervisor's log.

    Written by the check-in itself (services/checkins.py): an admission in its
    own transaction, a refusal after that transaction rolled back. A log, not
    a relation: `attendee_id` is the ticket as it was scanned (no foreign key,
    so the door's INSERT checks nothing and deleting a ticket keeps its scans).
    """

    class Result(models.TextChoices):
        ADMITTED = "admitted"
        REFUSED = "refused"

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    # null, not "", where the API says null (DJ001): "not sent" and "sent empty" are not the same.
    # Not indexed alone: every index below starts with the event.
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="scans", db_index=False)
    attendee_id = models.CharField(max_length=32, null=True)  # noqa: DJ001 - null: an unknown code
    barcode = models.CharField(max_length=64, null=True)  # noqa: DJ001 - null: an unknown attendee_id was sent
    result = models.CharField(max_length=8, choices=Result.choices)
    reason = models.CharField(max_length=32, null=True)  # noqa: DJ001 - the error code; null when admitted
    gate = models.CharField(max_length=100, null=True)  # noqa: DJ001
    device = models.CharField(max_length=100, null=True)  # noqa: DJ001
    staff = models.CharField(max_length=150, null=True)  # noqa: DJ001
    scanned_at = models.DateTimeField()

    class Meta:
        # Each one answers a listing filter or a part of the stats from the index alone.
        indexes = [
            # The log newest first, `since`, `result`, and the stats' per-door pace over the last 5 minutes
            # (with the gate in it, so that count is a range of this index alone).
            models.Index(fields=["event", "scanned_at", "id", "result", "gate"], name="scn_event_time"),
            # `reason`, already newest first, and the stats' refusals by code.
            models.Index(fields=["event", "result", "reason", "scanned_at", "id"], name="scn_event_result"),
            # `gate`, already newest first, and the stats' per-door figures.
            models.Index(fields=["event", "gate", "scanned_at", "id", "result"], name="scn_event_gate"),
        ]

    def save(self, *args, **kwargs):
        if not self.id:
            self.id = new_id("scn")
        super().save(*args, **kwargs)


# The tallies' time units, in seconds; migration 0007's triggers are written with the same numbers.
SCAN_BUCKET_SECONDS = 300
SALES_SLOT_SECONDS = 900


class ScanTally(models.Model):
    """The scan log counted per 5-minute bucket, door, result and reason: what the stats and the log's pages read.

    Kept by database triggers on sandbox_scan (migration 0007), in the same
    transaction as the scan itself, whoever writes it (the check-in, a bulk
    insert, an update or a delete): the stats add up a few thousand of these
    rows instead of reading 200,000 scans, and the log finds its deep pages
    and its X-Total-Count here. "" stands for no gate / no reason, so that
    the upsert's unique key matches (NULLs never conflict).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", db_index=False)
    bucket = models.BigIntegerField()  # whole 5-minute buckets since 1970 (UTC): SCAN_BUCKET_SECONDS
    gate = models.CharField(max_length=100)
    result = models.CharField(max_length=8)
    reason = models.CharField(max_length=32)
    count = models.IntegerField()
    last_scan_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "bucket", "gate", "result", "reason"], name="scn_tally_key")
        ]
        # Covering, so each figure reads one index and no table row (a third of the stats' time, measured).
        indexes = [
            # The buckets of the last hours, and the log's running count per bucket.
            models.Index(fields=["event", "bucket", "result", "count"], name="scn_tally_time"),
            # Per door, result and reason: the gates' figures and the refusals.
            models.Index(fields=["event", "gate", "result", "reason", "count", "last_scan_at"], name="scn_tally_door"),
        ]


class SalesTally(models.Model):
    """Orders counted per 15 minutes of their `created_at`: the stats' sales per day, in any time zone.

    Every UTC offset in use is a whole number of quarter hours, so a local
    day is always a run of whole slots: the stats fold a few thousand slots
    into days instead of converting 40,000 orders' times. Kept by triggers on
    sandbox_order and sandbox_orderitem (migration 0007) in the writer's
    own transaction, as ScanTally is.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+", db_index=False)
    slot = models.BigIntegerField()  # whole 15-minute slots since 1970 (UTC): SALES_SLOT_SECONDS
    # "": the orders' own figures (orders, gross, refunded); a ticket type's id: its tickets (sold) in those orders.
    ticket_type = models.CharField(max_length=32)
    orders = models.IntegerField()
    sold = models.BigIntegerField()  # tickets of that type in those orders
    gross = models.BigIntegerField()  # their totals, cents
    refunded = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "slot", "ticket_type"], name="sales_tally_key")]
        indexes = [  # covering: the sales per day read this index alone
            models.Index(
                fields=["event", "slot", "ticket_type", "orders", "sold", "gross", "refunded"], name="sales_tally_sums"
            )
        ]


class ConfirmationSend(models.Model):
    """One resent confirmation; also the ledger the 5-per-hour limit counts."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="sends")
    email = models.EmailField(max_length=254)
    sent_at = models.DateTimeField(db_index=True)


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, kept for 24 h."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    livemode = models.BooleanField(default=False)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    # null while the first request is still running
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "livemode", "key"], name="idem_key_unique_per_account"),
        ]
