"""The door device's own copy of the guest list (venue mode, layer 2), served from the dashboard's replica.

Compact on purpose: a phone on venue Wi-Fi downloads 100,000 attendees at
the door's opening. Each row is [barcode hash, name, ticket type index,
state]; no emails, no order ids, and no barcode: the page hashes what it
scans the same way (static/js/door-device.js) and looks the hash up.

The hash is cyrb53 (53 bits, so a JavaScript number holds it exactly),
seeded per event. It keeps barcodes out of the copy and collisions rare
(about 1 in 2 million for 100,000 tickets); it is not a cryptographic
hash, and a determined forger with the copy could craft a code that
matches on an offline phone (docs/venue-mode.md says so).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db.models import Q
from django.utils.crypto import salted_hmac

from boxoffice.staff.roles import user_roles
from boxoffice.venue.models import EventReplica, ReplicaTicket
from boxoffice.venue.selectors import door_page_copy

PAGE_SIZE = 20_000  # rows per page: ~0.3 MB gzipped, a few seconds on bad Wi-Fi
# The row's state: what an offline door needs to decide.
NOT_IN, IN, VOID = 0, 1, 2
_M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & _M32


def cyrb53(text: str, seed: int) -> int:
    """The same number as door-device.js's cyrb53(text, seed): UTF-16 code units, 32-bit wrapping multiplies."""
    h1, h2 = (0xDEADBEEF ^ seed) & _M32, (0x41C6CE57 ^ seed) & _M32
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        ch = units[i] | (units[i + 1] << 8)
        h1 = _imul(h1 ^ ch, 2654435761)
        h2 = _imul(h2 ^ ch, 1597334677)
    h1 = _imul(h1 ^ (h1 >> 16), 2246822507)
    h1 ^= _imul(h2 ^ (h2 >> 13), 3266489909)
    h2 = _imul(h2 ^ (h2 >> 16), 2246822507)
    h2 ^= _imul(h1 ^ (h1 >> 13), 3266489909)
    return 4294967296 * (2097151 & h2) + (h1 & _M32)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def barcode_hash(barcode: str, seed: int) -> str:
    return _base36(cyrb53(barcode, seed))


def event_seed(event_id: str) -> int:
    return int(hashlib.sha256(f"door-device:{event_id}".encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def device_key(user, event_id: str) -> str:
    """Whose copy this is: a new user, or a changed role, gets a different key, and the page drops the old copy."""
    roles = ",".join(sorted(user_roles(user))) + (",superuser" if user.is_superuser else "")
    return salted_hmac("door-device", f"{user.pk}:{roles}:{event_id}", algorithm="sha256").hexdigest()[:24]


def check_in_closed(*, event_id: str) -> bool:
    """The event as the door page last loaded it is no longer open for check-in (cancelled, back to draft)."""
    copy = door_page_copy(event_id=event_id)
    return copy is not None and copy.event.status != "published"


def device_copy_page(
    *, event_id: str, after: int = 0, since: datetime | None = None, limit: int = PAGE_SIZE
) -> dict | None:
    """One page of the copy, in replica id order; None while the replica has not synced once.

    `since` gives only the rows that changed after it (a check-in, a void, an
    undo seen by the sync); the page refreshes with it every so often.
    """
    replica = EventReplica.objects.filter(event_id=event_id).exclude(synced_at=None).values("synced_at").first()
    if replica is None:
        return None
    rows = ReplicaTicket.objects.filter(event_id=event_id, id__gt=after).order_by("id")
    if since is not None:
        rows = rows.filter(Q(updated_at__gte=since) | Q(checked_in_at__gte=since))
    found = list(rows.values_list("id", "barcode", "name", "ticket_type_name", "status", "checked_in")[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    seed = event_seed(event_id)
    types: dict[str, int] = {}
    out = []
    for _, barcode, name, type_name, status, checked_in in found:
        index = types.setdefault(type_name, len(types))
        state = VOID if status == ReplicaTicket.Status.VOID else IN if checked_in else NOT_IN
        out.append([barcode_hash(barcode, seed), name, index, state])
    return {
        "event": event_id,
        "seed": seed,
        "types": list(types),
        "rows": out,
        "next": found[-1][0] if more else None,
        "synced_at": replica["synced_at"].isoformat() if replica["synced_at"] else None,
    }
