"""Venue mode's own tables: a replica of each open door's admission data, and the outbox.

They live in the dashboard's database so the doors keep a verdict when
BrightStar is unreachable, and so nothing decided offline is lost when the
dashboard restarts: every queued check-in is a row, not a message in memory.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class EventReplica(models.Model):
    """One per event whose door has opened: how fresh its tickets are, and what is scheduled."""

    event_id = models.CharField(max_length=64, unique=True)
    # BrightStar's opaque cursor: the last change this replica has seen.
    cursor = models.CharField(max_length=255, blank=True, default="")
    synced_at = models.DateTimeField(null=True, blank=True)
    door_seen_at = models.DateTimeField(null=True, blank=True)
    # Set by the first failed call, cleared by the first answer: what the door's strip shows.
    offline_since = models.DateTimeField(null=True, blank=True)
    # One pending task of each kind per event: a thousand offline scans queue one drain, not a thousand.
    sync_queued = models.BooleanField(default=False)
    drain_queued = models.BooleanField(default=False)
    # The event and its ticket types as the door page last loaded them from BrightStar, so a reload
    # while it is down still has a title, a status, a time zone and the counters' rows. Here and not
    # (only) in the cache: the cache forgets in seconds, and each gunicorn worker may hold its own.
    event_json = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    ticket_types_json = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)


class ReplicaTicket(models.Model):
    """What the door needs to decide about one ticket without asking BrightStar."""

    class Status(models.TextChoices):
        VALID = "valid"
        VOID = "void"

    event_id = models.CharField(max_length=64)
    attendee_id = models.CharField(max_length=64)
    barcode = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True, default="")
    # The name with case and accents folded (venue/names.py): what the offline name search matches.
    folded_name = models.CharField(max_length=400, blank=True, default="")
    ticket_type_id = models.CharField(max_length=64)
    ticket_type_name = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=8, choices=Status.choices)
    checked_in = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)  # BrightStar's, not ours

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event_id", "attendee_id"], name="venue_ticket_per_event"),
        ]
        indexes = [
            models.Index(fields=["event_id", "barcode"], name="venue_ticket_barcode"),
            # A phone's offline taps are uploaded by name (and the copy's hash): found here, not by a walk.
            models.Index(fields=["event_id", "name"], name="venue_ticket_name"),
        ]


class OutboxEntry(models.Model):
    """A check-in, an undo or a refusal decided offline, waiting for BrightStar to hear of it.

    Drained in `id` order with its original Idempotency-Key and the real
    scan time, so a replay can neither admit twice nor move the time.
    """

    class Kind(models.TextChoices):
        CHECK_IN = "check_in"
        UNDO = "undo"
        # A scan refused from the replica, for BrightStar's scan log and stats only (POST /events/{id}/scans):
        # it admits nobody, there or here, so it never waits as an admission and is never a conflict.
        REFUSAL = "refusal"

    class State(models.TextChoices):
        PENDING = "pending"  # not yet answered by BrightStar
        SENDING = "sending"  # claimed by the drain: an undo must no longer just delete it
        SYNCED = "synced"  # BrightStar agreed
        CONFLICT = "conflict"  # BrightStar refused: the organizer must look at it
        # A refusal BrightStar would not log (older than its 7 days, the event gone): its code in result_code.
        # Nothing for a person to resolve, so not a conflict; and not synced, since the log lacks it.
        DROPPED = "dropped"

    event_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CHECK_IN)
    attendee_id = models.CharField(max_length=64)
    barcode = models.CharField(max_length=64, blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="")
    idempotency_key = models.CharField(max_length=255, unique=True)
    scanned_at = models.DateTimeField()
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    staff_username = models.CharField(max_length=150, blank=True, default="")
    door = models.CharField(max_length=64, blank=True, default="")  # the device's address
    # What the scan log gets when the drain sends it, as an online scan would have sent it:
    # the door's name, the device's id and who scanned (their name then, not now).
    gate = models.CharField(max_length=100, blank=True, default="")
    device = models.CharField(max_length=100, blank=True, default="")
    staff_name = models.CharField(max_length=150, blank=True, default="")
    reason = models.CharField(max_length=32, blank=True, default="")  # a refusal's code (Kind.REFUSAL)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=64, blank=True, default="")  # the code of the last failed try
    # BrightStar's final word: its code (a conflict) and message.
    result_code = models.CharField(max_length=64, blank=True, default="")
    result_message = models.CharField(max_length=500, blank=True, default="")
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["event_id", "state", "id"], name="venue_outbox_queue")]
