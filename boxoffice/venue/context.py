"""Who scanned, where, on which device and when: what every door action carries along.

Built once per scan, by the door service (or device.py, per phone scan). The
same value then names the scan to BrightStar's scan log, to the audit trail
and, through `outbox_entry`, to the outbox, so a scan decided offline reaches
the log with exactly what an online one would have sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from boxoffice.venue.models import OutboxEntry


@dataclass(frozen=True)
class ScanContext:
    staff: Any  # the signed-in user, else None: the outbox's foreign key
    staff_username: str  # kept beside the key, so "who" survives the account
    staff_name: str  # who scanned as BrightStar's scan log keeps it: their name then, not now
    door: str  # the device's address (the outbox keeps 64 characters, the audit all of them)
    gate: str  # the door's name ("North entrance")
    device: str  # the phone's id
    # When the scan reached the dashboard, or the phone's own time for a scan it decided alone:
    # what BrightStar records as the check-in's time once the outbox sends it.
    scanned_at: datetime

    @classmethod
    def of(
        cls, staff, *, door: str = "", gate: str = "", device: str = "", scanned_at: datetime | None = None
    ) -> ScanContext:
        user = staff if staff is not None and getattr(staff, "is_authenticated", False) else None
        return cls(
            staff=user,
            staff_username=user.get_username() if user is not None else "",
            staff_name=staff_name(user) if user is not None else "",
            door=door,
            gate=gate,
            device=device,
            scanned_at=scanned_at or timezone.now(),
        )

    def outbox_entry(self, **fields: Any) -> OutboxEntry:
        """An outbox row for this scan, unsaved: the one place its who, where and when become columns."""
        return OutboxEntry(
            scanned_at=self.scanned_at,
            staff=self.staff,
            staff_username=self.staff_username,
            door=self.door[:64],
            gate=self.gate,
            device=self.device,
            staff_name=self.staff_name,
            **fields,
        )


def staff_name(user) -> str:
    """Who scanned, as the scan log keeps it: the full name if staff have one, else the username (≤ 150)."""
    return (user.get_full_name() or user.get_username())[:150]
