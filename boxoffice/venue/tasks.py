"""The background half of venue mode, on Django's tasks framework.

django-tasks-db runs them here (`manage.py db_worker`); a bigger site moves
to another backend in TASKS alone. Each task re-enqueues itself with
`run_after` while there is work, and a flag on EventReplica keeps one
pending task of each kind per event.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from boxoffice.brightstar.errors import BrightStarError
from boxoffice.prepared import PreparedUpdate
from boxoffice.venue import outbox, sync
from boxoffice.venue.models import EventReplica

SYNC_SECONDS = 30  # how stale a replica may get while its door is open
DRAIN_RETRY_SECONDS = 10  # how soon a drain tries BrightStar again after silence
# A door page not seen for this long is closed: its replica stops syncing until it opens again.
DOOR_IDLE = timedelta(minutes=15)


@task
def replica_sync_task(event_id: str) -> int:
    EventReplica.objects.filter(event_id=event_id).update(sync_queued=False)
    try:
        changed = sync.replica_sync(event_id=event_id)
    except BrightStarError:
        EventReplica.objects.filter(event_id=event_id, offline_since=None).update(offline_since=timezone.now())
        changed = -1
    if EventReplica.objects.filter(event_id=event_id, door_seen_at__gte=timezone.now() - DOOR_IDLE).exists():
        schedule_sync(event_id, delay=SYNC_SECONDS)
    return changed


@task
def outbox_drain_task(event_id: str) -> int:
    EventReplica.objects.filter(event_id=event_id).update(drain_queued=False)
    left = outbox.outbox_drain(event_id=event_id)
    if left:
        schedule_drain(event_id, delay=DRAIN_RETRY_SECONDS)
    return left


def schedule_sync(event_id: str, *, delay: float = 0) -> bool:
    return _schedule(replica_sync_task, "sync_queued", event_id, delay)


def schedule_drain(event_id: str, *, delay: float = 0) -> bool:
    return _schedule(outbox_drain_task, "drain_queued", event_id, delay)


# Asked by every offline scan (each queues a drain): compiled once (boxoffice/prepared.py).
_RAISE_FLAG = {
    flag: PreparedUpdate(
        lambda event_id, flag=flag: EventReplica.objects.filter(event_id=event_id, **{flag: False}),
        (flag,),
        event_id="prepared:event",
    )
    for flag in ("sync_queued", "drain_queued")
}


def _schedule(work, flag: str, event_id: str, delay: float) -> bool:
    """Enqueue unless one is already pending; the flag and the task row commit together."""
    with transaction.atomic():
        if not _RAISE_FLAG[flag].run(values={flag: True}, event_id=event_id):
            return False
        if delay:
            work = work.using(run_after=timezone.now() + timedelta(seconds=delay))
        work.enqueue(event_id)
    return True
