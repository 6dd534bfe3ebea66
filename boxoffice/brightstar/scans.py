"""The door's log and figures: every check-in attempt, and the event's overview; one function per API call."""

from __future__ import annotations

from datetime import datetime

from boxoffice.brightstar import client
from boxoffice.brightstar.resources import EventStats, Page, Scan, as_api_date


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


def event_stats(*, event_id: str, hours: int = 6) -> EventStats:
    """The doors overview in one request: scans per 5 minutes over the last `hours` (1-72), per gate,
    refusals by code, tickets sold and in per ticket type, and sales per day."""
    return EventStats.from_json(client.get(f"events/{event_id}/stats", params={"hours": hours}).data)
