"""The door's log and figures: every check-in attempt, and the event's overview; one function per API call."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from boxoffice.brightstar import attendees, client, errors
from boxoffice.brightstar.resources import EventStats, Page, Scan, Sent, as_api_date

# What `scan_refusal_record` takes: a refusal's code, never an admission.
REFUSAL_REASONS = frozenset(
    {errors.ALREADY_CHECKED_IN, errors.TICKET_VOID, errors.NOT_FOUND, errors.WRONG_EVENT, errors.EVENT_NOT_ACTIVE}
)


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
    filters = _scan_filters(result, reason, gate, since)
    return client.page(f"events/{event_id}/scans", Scan, filters, limit=limit, offset=offset)


def scan_iter(
    *,
    event_id: str,
    result: str | None = None,
    reason: str | None = None,
    gate: str | None = None,
    since: datetime | None = None,
    page_size: int = attendees.EXPORT_PAGE_SIZE,
) -> Iterator[Scan]:
    """Every matching scan of one event, newest first, page after page, so no caller juggles `offset`.

    Pages are fetched lazily, with the patience of an export (attendees'
    EXPORT_* settings, read at call time). Doors keep scanning while the
    log is read: each new scan pushes the rows down by one, so the next page
    starts with rows already given. Those are skipped by id (only the last
    page's ids are kept, so memory stays one page); none is ever skipped.
    """
    seen: frozenset[str] = frozenset()
    for page in client.pages(
        f"events/{event_id}/scans",
        Scan,
        _scan_filters(result, reason, gate, since),
        page_size=page_size,
        max_attempts=attendees.EXPORT_MAX_ATTEMPTS,
        retry_after_cap=attendees.EXPORT_RETRY_AFTER_CAP,
    ):
        yield from (scan for scan in page.items if scan.id not in seen)
        seen = frozenset(scan.id for scan in page.items)


def scan_refusal_record(
    *,
    event_id: str,
    reason: str,
    scanned_at: datetime,
    idempotency_key: str,
    barcode: str | None = None,
    attendee_id: str | None = None,
    gate: str | None = None,
    device: str | None = None,
    staff: str | None = None,
    max_attempts: int | None = None,
) -> Sent[Scan]:
    """Put a refusal decided elsewhere (a door while BrightStar was unreachable) into the scan log.

    Not a check-in replayed: the ticket may have changed since, and a replay
    could admit someone the door refused. The API judges nothing and changes
    no ticket; it logs the refusal, counted in `event_stats` like any other.
    `reason` is the refusal's error code (`REFUSAL_REASONS`); `scanned_at`
    when the door refused it (up to 7 days old, as a check-in's); exactly
    one of `barcode` (as scanned) or `attendee_id`. The key makes a resend
    after a lost answer log it once.
    """
    if (barcode is None) == (attendee_id is None):
        raise ValueError("give exactly one of barcode or attendee_id")
    if reason not in REFUSAL_REASONS:
        raise ValueError(f"not a refusal's code: {reason!r}")
    body: dict[str, str] = {"barcode": barcode} if barcode is not None else {"attendee_id": attendee_id or ""}
    body.update(reason=reason, scanned_at=as_api_date(scanned_at))
    for name, value in (("gate", gate), ("device", device), ("staff", staff)):
        if value:  # the API takes 1 character or more: an empty one is left out, as None is
            body[name] = value
    return client.send(
        "POST",
        f"events/{event_id}/scans",
        Scan.from_json,
        json=body,
        idempotency_key=idempotency_key,
        max_attempts=max_attempts,
    )


def _scan_filters(
    result: str | None, reason: str | None, gate: str | None, since: datetime | None
) -> dict[str, object]:
    return {
        "result": result,
        "reason": reason,
        "gate": gate or None,
        "since": as_api_date(since) if since is not None else None,
    }


def event_stats(*, event_id: str, hours: int = 6) -> EventStats:
    """The doors overview in one request: scans per 5 minutes over the last `hours` (1-72), per gate,
    refusals by code, tickets sold and in per ticket type, and sales per day."""
    return EventStats.from_json(client.get(f"events/{event_id}/stats", params={"hours": hours}).data)
