from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sandbox import errors
from sandbox.errors import ApiError, not_found
from sandbox.models import Attendee, Event, TicketType
from sandbox.services.locking import lock

DB = "sandbox"


def _find(*, event: Event, barcode: str | None, attendee_id: str | None) -> Attendee:
    lookup = {"barcode": barcode} if barcode is not None else {"pk": attendee_id}
    try:
        attendee = Attendee.objects.select_related("event").get(
            **lookup, event__account_id=event.account_id, event__livemode=event.livemode
        )
    except Attendee.DoesNotExist:
        raise not_found("Ticket") from None
    if attendee.event_id != event.pk:
        raise ApiError(
            errors.WRONG_EVENT,
            f"This ticket is for another event: {attendee.event.title}",
            event_id=attendee.event_id,
            event_title=attendee.event.title,
        )
    return attendee


def attendee_check_in(*, event: Event, barcode: str | None = None, attendee_id: str | None = None) -> Attendee:
    """Admit one ticket, exactly once.

    Eight doors may scan the same ticket at the same instant: the row lock
    queues them, and the conditional UPDATE lets exactly one flip
    checked_in, even where the database ignores FOR UPDATE (SQLite, which
    serialises writers instead).
    """
    attendee = _find(event=event, barcode=barcode, attendee_id=attendee_id)
    if event.status != Event.Status.PUBLISHED:
        raise ApiError(errors.EVENT_NOT_ACTIVE, f"This event is {event.status}: check-in is closed")
    with transaction.atomic(using=DB):
        attendee = lock(Attendee, attendee.pk, "Ticket")
        if attendee.status == Attendee.Status.VOID:
            raise ApiError(errors.TICKET_VOID, "This ticket is void (refunded or cancelled)", attendee=attendee)
        now = timezone.now()
        admitted = Attendee.objects.filter(pk=attendee.pk, checked_in=False).update(checked_in=True, checked_in_at=now)
        if not admitted:
            raise ApiError(errors.ALREADY_CHECKED_IN, "This ticket was already checked in", attendee=attendee)
        TicketType.objects.filter(pk=attendee.ticket_type_id).update(checked_in_count=F("checked_in_count") + 1)
    attendee.checked_in, attendee.checked_in_at = True, now
    return attendee


def attendee_check_in_undo(*, event: Event, attendee_id: str) -> Attendee:
    attendee = _find(event=event, barcode=None, attendee_id=attendee_id)
    with transaction.atomic(using=DB):
        attendee = lock(Attendee, attendee.pk, "Ticket")
        undone = Attendee.objects.filter(pk=attendee.pk, checked_in=True).update(checked_in=False, checked_in_at=None)
        if not undone:
            raise ApiError(errors.NOT_CHECKED_IN, "This ticket is not checked in", attendee=attendee)
        if attendee.status == Attendee.Status.VALID:
            TicketType.objects.filter(pk=attendee.ticket_type_id).update(checked_in_count=F("checked_in_count") - 1)
    attendee.checked_in, attendee.checked_in_at = False, None
    return attendee
