"""What the door's strip and the conflicts page read: the dashboard's own database only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Min, QuerySet

from boxoffice.venue.models import EventReplica, OutboxEntry

WAITING = (OutboxEntry.State.PENDING, OutboxEntry.State.SENDING)


@dataclass(frozen=True)
class DoorMode:
    has_replica: bool
    offline_since: datetime | None
    synced_at: datetime | None
    waiting: int  # scans decided offline, not yet told to BrightStar
    waiting_since: datetime | None  # the oldest of them
    conflicts: int

    @property
    def online(self) -> bool:
        return self.offline_since is None


def door_mode(*, event_id: str) -> DoorMode:
    replica = EventReplica.objects.filter(event_id=event_id).values("offline_since", "synced_at").first()
    queue = OutboxEntry.objects.filter(event_id=event_id)
    waiting = queue.filter(state__in=WAITING).aggregate(n=Min("id"), since=Min("scanned_at"))
    count = queue.filter(state__in=WAITING).count() if waiting["n"] is not None else 0
    return DoorMode(
        has_replica=replica is not None and replica["synced_at"] is not None,
        offline_since=replica["offline_since"] if replica else None,
        synced_at=replica["synced_at"] if replica else None,
        waiting=count,
        waiting_since=waiting["since"],
        conflicts=queue.filter(state=OutboxEntry.State.CONFLICT).count(),
    )


def conflict_list(*, event_id: str) -> QuerySet[OutboxEntry]:
    return OutboxEntry.objects.filter(event_id=event_id, state=OutboxEntry.State.CONFLICT).order_by("scanned_at")
