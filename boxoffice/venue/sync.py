"""Filling and refreshing an event's replica from BrightStar's change feed.

Incremental: each run asks only for what changed after the cursor it kept,
so a door open all night costs one small request per interval, not a full
list of 100 000 attendees.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from boxoffice.brightstar import attendees as api
from boxoffice.brightstar import events as events_api
from boxoffice.brightstar.resources import Attendee
from boxoffice.venue.models import EventReplica, OutboxEntry, ReplicaTicket
from boxoffice.venue.names import fold

PAGE = api.EXPORT_PAGE_SIZE
_FIELDS = [
    "barcode",
    "name",
    "folded_name",
    "ticket_type_id",
    "ticket_type_name",
    "status",
    "checked_in",
    "checked_in_at",
    "updated_at",
]


def replica_open(*, event_id: str) -> EventReplica:
    """The door opened: make sure a replica exists (its rows come with the first sync)."""
    replica, _ = EventReplica.objects.get_or_create(event_id=event_id)
    return replica


def replica_sync(*, event_id: str, max_pages: int | None = None) -> int:
    """Apply BrightStar's changes since the kept cursor; returns how many rows changed.

    Raises BrightStarError when BrightStar fails: the cursor only moves with
    rows already stored, so the next run resumes where this one stopped.
    """
    replica = replica_open(event_id=event_id)
    names = {t.id: t.name for t in events_api.ticket_type_list(event_id=event_id)}
    cursor, changed, pages = replica.cursor, 0, 0
    while max_pages is None or pages < max_pages:
        page = api.attendee_changes(event_id=event_id, cursor=cursor, limit=PAGE)
        _store(event_id, page.items, names, page.next_cursor)
        changed += len(page.items)
        cursor, pages = page.next_cursor, pages + 1
        if not page.has_more:
            break
    EventReplica.objects.filter(pk=replica.pk).update(synced_at=timezone.now(), offline_since=None)
    return changed


def _store(event_id: str, items: tuple[Attendee, ...], names: dict[str, str], cursor: str) -> None:
    with transaction.atomic():
        # A scan decided here but not yet told to BrightStar outranks BrightStar's older view of it.
        # Not a refusal: it changed nothing (and, queued after an admission, would hide it).
        pending = dict(
            OutboxEntry.objects.filter(
                event_id=event_id, state=OutboxEntry.State.PENDING, attendee_id__in=[a.id for a in items]
            )
            .exclude(kind=OutboxEntry.Kind.REFUSAL)
            .order_by("id")
            .values_list("attendee_id", "kind")
        )
        rows = [_row(event_id, a, names, pending.get(a.id)) for a in items]
        ReplicaTicket.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["event_id", "attendee_id"], update_fields=_FIELDS
        )
        # The cursor moves in the same transaction as the rows it covers.
        EventReplica.objects.filter(event_id=event_id).update(cursor=cursor)


def _row(event_id: str, a: Attendee, names: dict[str, str], pending_kind: str | None) -> ReplicaTicket:
    checked_in, checked_in_at = a.checked_in, a.checked_in_at
    if pending_kind == OutboxEntry.Kind.CHECK_IN and not checked_in:
        checked_in, checked_in_at = (
            True,
            ReplicaTicket.objects.filter(event_id=event_id, attendee_id=a.id)
            .values_list("checked_in_at", flat=True)
            .first(),
        )
    elif pending_kind == OutboxEntry.Kind.UNDO:
        checked_in, checked_in_at = False, None
    return ReplicaTicket(
        event_id=event_id,
        attendee_id=a.id,
        barcode=a.barcode,
        name=a.name,
        folded_name=fold(a.name),
        ticket_type_id=a.ticket_type_id,
        ticket_type_name=names.get(a.ticket_type_id, ""),
        status=a.status,
        checked_in=checked_in,
        checked_in_at=checked_in_at,
        updated_at=a.updated_at,
    )
