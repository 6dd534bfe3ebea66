from datetime import datetime

from django.db import transaction

from sandbox import errors
from sandbox.errors import ApiError, invalid
from sandbox.models import Account, Event
from sandbox.services.locking import lock

DB = "sandbox"


def _check_dates(start: datetime, end: datetime | None) -> None:
    if end is not None and end <= start:
        raise invalid("end_date", "end_date must be after start_date")


def event_create(*, account: Account, livemode: bool, **fields) -> Event:
    _check_dates(fields["start_date"], fields.get("end_date"))
    if fields.get("timezone") is None:
        fields["timezone"] = account.timezone
    return Event.objects.create(account=account, livemode=livemode, **fields)


def event_update(*, event: Event, **changes) -> Event:
    with transaction.atomic(using=DB):
        event = lock(Event, event.pk, "Event")
        has_orders = event.orders.exists()
        # Sold tickets pin what they were sold in and as: an event with orders
        # cannot go back to draft (and so be deleted) or change currency.
        if has_orders and changes.get("status") == Event.Status.DRAFT and event.status != Event.Status.DRAFT:
            raise ApiError(errors.EVENT_HAS_ORDERS, "An event with orders cannot go back to draft", field="status")
        if has_orders and changes.get("currency", event.currency) != event.currency:
            raise ApiError(errors.EVENT_HAS_ORDERS, "An event with orders cannot change currency", field="currency")
        _check_dates(changes.get("start_date", event.start_date), changes.get("end_date", event.end_date))
        for name, value in changes.items():
            setattr(event, name, value)
        event.save()
    return event


def event_delete(*, event: Event) -> None:
    with transaction.atomic(using=DB):
        event = lock(Event, event.pk, "Event")
        if event.status != Event.Status.DRAFT:
            raise ApiError(
                errors.EVENT_NOT_DRAFT,
                f"Only draft events can be deleted; this one is {event.status}",
                status=409,
                event_status=event.status,
            )
        event.delete()
