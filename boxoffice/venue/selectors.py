"""What the door's strip, its offline search and the conflicts page read: the dashboard's own database only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Window
from django.utils.translation import gettext

from boxoffice.brightstar.resources import Event, TicketType
from boxoffice.prepared import Prepared
from boxoffice.venue.models import EventReplica, OutboxEntry, ReplicaTicket
from boxoffice.venue.names import fold

WAITING = (OutboxEntry.State.PENDING, OutboxEntry.State.SENDING)
# What "waiting to sync" counts: admissions (and undos) BrightStar's figures lack. A refusal waits in the
# outbox too, for the scan log, but changes no figure a door reads: counted, 50 void tickets refused would
# read "50 waiting to sync" beside counters that have nothing to add.
SYNCING = (OutboxEntry.Kind.CHECK_IN, OutboxEntry.Kind.UNDO)


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
    waiting = queue.filter(state__in=WAITING, kind__in=SYNCING).aggregate(n=Min("id"), since=Min("scanned_at"))
    count = queue.filter(state__in=WAITING, kind__in=SYNCING).count() if waiting["n"] is not None else 0
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


@dataclass(frozen=True)
class DoorPageCopy:
    """The event and ticket types as the door page last had them from BrightStar."""

    event: Event
    ticket_types: tuple[TicketType, ...]
    synced_at: datetime | None


def door_page_copy(*, event_id: str) -> DoorPageCopy | None:
    """None until the door page has loaded once while BrightStar answered and the replica has synced."""
    row = (
        EventReplica.objects.filter(event_id=event_id, synced_at__isnull=False, event_json__isnull=False)
        .values("event_json", "ticket_types_json", "synced_at")
        .first()
    )
    if row is None:
        return None
    return DoorPageCopy(
        event=Event.from_json(row["event_json"] or {}),  # never {}: filtered out above
        ticket_types=tuple(TicketType.from_json(t) for t in row["ticket_types_json"]),
        synced_at=row["synced_at"],
    )


@dataclass(frozen=True)
class TypeCount:
    id: str
    name: str
    checked_in: int
    sold: int

    @property
    def checked_in_label(self) -> str:
        """Its bar's accessible name on the door's counters, in the staff member's language.

        Made here rather than by {% blocktranslate %} in the row: every door polls the
        counters every 5 s, and the tag cost a fifth of the fragment's render per row.
        """
        return gettext("%(name)s checked in") % {"name": self.name}


def replica_counts(*, event_id: str, ticket_types: tuple[TicketType, ...] = ()) -> list[TypeCount]:
    """Who is in, per ticket type, from the replica: offline admissions included. One query.

    Counted as BrightStar counts them (valid tickets only), in the order of
    `ticket_types`; a type the replica has and they lack still shows, by the
    name the replica kept.
    """
    rows = {
        r["ticket_type_id"]: r
        for r in (
            ReplicaTicket.objects.filter(event_id=event_id, status=ReplicaTicket.Status.VALID)
            .values("ticket_type_id")
            .order_by()
            .annotate(sold=Count("id"), checked_in=Count("id", filter=Q(checked_in=True)), name=Min("ticket_type_name"))
        )
    }
    counts = [
        TypeCount(
            t.id, t.name, rows[t.id]["checked_in"] if t.id in rows else 0, rows[t.id]["sold"] if t.id in rows else 0
        )
        for t in ticket_types
    ]
    known = {t.id for t in ticket_types}
    counts += [TypeCount(i, r["name"] or i, r["checked_in"], r["sold"]) for i, r in rows.items() if i not in known]
    return counts


# Asked on every counters poll of every door: compiled once (boxoffice/prepared.py).
_WAITING_OF = Prepared(
    lambda event_id: OutboxEntry.objects.filter(event_id=event_id, state__in=WAITING, kind__in=SYNCING).values_list(
        "attendee_id", "kind"
    ),
    event_id="prepared:event",
)


def waiting_by_type(*, event_id: str) -> Counter[str]:
    """Admissions decided here that BrightStar's figures do not hold yet, net of queued undos, per ticket type.

    One query when nothing waits (the usual case); two when something does.
    """
    waiting = _WAITING_OF.rows(event_id=event_id)
    if not waiting:
        return Counter()
    types = dict(
        ReplicaTicket.objects.filter(event_id=event_id, attendee_id__in={a for a, _ in waiting}).values_list(
            "attendee_id", "ticket_type_id"
        )
    )
    net: Counter[str] = Counter()
    for attendee_id, kind in waiting:
        if attendee_id in types:
            net[types[attendee_id]] += 1 if kind == OutboxEntry.Kind.CHECK_IN else -1
    return net


@dataclass(frozen=True)
class ReplicaMatch:
    """One ticket found by name in the replica, with the fields the door's search list reads of an attendee.

    The replica keeps no emails and no orders: both stay empty.
    """

    id: str  # the attendee's, as the door's "Check in" tap posts it
    name: str
    ticket_type_id: str
    ticket_type_name: str
    status: str
    checked_in: bool
    checked_in_at: datetime | None
    email: str = ""
    order_id: str = ""


@dataclass(frozen=True)
class ReplicaFound:
    items: tuple[ReplicaMatch, ...]
    total: int
    synced_at: datetime  # the copy is as BrightStar last told it then (plus what this dashboard decided since)


def replica_search(*, event_id: str, q: str, limit: int) -> ReplicaFound | None:
    """Tickets whose name contains `q`, ignoring case and accents, ordered by name; None without a synced replica.

    Both sides folded the same way in Python (venue/names.py; the sync
    stores each row's folded name), so "emile" finds "Émile" and "élodie"
    finds "ÉLODIE" on SQLite as on PostgreSQL, with a plain LIKE.

    A ticket with an admission or undo still waiting in the outbox shows as
    that entry left it: it is what this dashboard decided, and what the tap
    will be told (`services.waiting_admission`), even if a sync rewrote the row.
    Three queries: the replica's time, the page with the total, what waits for the page's rows.
    """
    synced_at = (
        EventReplica.objects.filter(event_id=event_id, synced_at__isnull=False)
        .values_list("synced_at", flat=True)
        .first()
    )
    if synced_at is None:  # never synced: an empty copy would say nobody matches
        return None
    # The total rides on the page's query (a window over every match): one scan of the event's rows, not two.
    rows = list(
        ReplicaTicket.objects.filter(event_id=event_id, folded_name__contains=fold(q))
        .annotate(total=Window(Count("id")))
        .order_by("name", "attendee_id")
        .values(
            "attendee_id",
            "name",
            "ticket_type_id",
            "ticket_type_name",
            "status",
            "checked_in",
            "checked_in_at",
            "total",
        )[:limit]
    )
    # For the page's rows only: annotated on the query, it ran for every match before the sort (2.7x the time).
    waiting = {
        attendee_id: (kind, scanned_at)
        for attendee_id, kind, scanned_at in OutboxEntry.objects.filter(
            event_id=event_id, attendee_id__in=[r["attendee_id"] for r in rows], state__in=WAITING, kind__in=SYNCING
        )
        .order_by("id")  # the latest entry of each ticket wins
        .values_list("attendee_id", "kind", "scanned_at")
    }
    items = tuple(_match(r, *waiting.get(r["attendee_id"], (None, None))) for r in rows)
    return ReplicaFound(items, rows[0]["total"] if rows else 0, synced_at)


def _match(row: Mapping[str, Any], waiting_kind: str | None, waiting_at: datetime | None) -> ReplicaMatch:
    checked_in, checked_in_at = row["checked_in"], row["checked_in_at"]
    if waiting_kind == OutboxEntry.Kind.CHECK_IN:
        checked_in, checked_in_at = True, checked_in_at or waiting_at
    elif waiting_kind == OutboxEntry.Kind.UNDO:
        checked_in, checked_in_at = False, None
    return ReplicaMatch(
        id=row["attendee_id"],
        name=row["name"],
        ticket_type_id=row["ticket_type_id"],
        ticket_type_name=row["ticket_type_name"],
        status=row["status"],
        checked_in=checked_in,
        checked_in_at=checked_in_at,
    )
