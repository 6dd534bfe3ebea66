"""The door's log and figures: every check-in attempt, and the event's overview; one function per API call."""

from __future__ import annotations

from datetime import datetime

from boxoffice.brightstar import client
from boxoffice.brightstar.resources import Page, Scan, as_api_date


def scan_list(
    *,
    event_id: str,
    result: str | None = None,
    reason: str | None = None,
    gate: str | None = None,
    since: datetime | None = None,
    limit: int = 20,
    offset: int = 0,
) -> Page[Scan]:
    """An event's check-in attempts, newest first.

    `result`: "admitted" or "refused"; `reason`: a refusal's error code
    (ALREADY_CHECKED_IN, TICKET_VOID, NOT_FOUND, WRONG_EVENT, EVENT_NOT_ACTIVE);
    `gate`: one door, exactly; `since`: scanned at or after (aware datetime).
    """
    params = {
        "result": result,
        "reason": reason,
        "gate": gate or None,
        "since": as_api_date(since) if since is not None else None,
        "limit": limit,
        "offset": offset,
    }
    return Page.from_response(client.get(f"events/{event_id}/scans", params=params), Scan, limit=limit, offset=offset)
