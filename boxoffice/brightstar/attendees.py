"""Attendees: the door's lists, scans and undos, and an auto-paging iterator; one function per API call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from boxoffice.brightstar import client
from boxoffice.brightstar.resources import Attendee, Page, Sent, as_api_date

EXPORT_PAGE_SIZE = 100  # the API's maximum `limit`
# An export runs unattended and may be throttled: it can afford to wait out
# a real Retry-After, where the door's 2 s cap would only fail faster.
EXPORT_MAX_ATTEMPTS = 8
EXPORT_RETRY_AFTER_CAP = 60.0


def _attendee_filters(ticket_type: str | None, checked_in: bool | None, q: str | None) -> dict[str, Any]:
    return {"ticket_type": ticket_type, "checked_in": checked_in, "q": q or None}


def attendee_list(
    *,
    event_id: str,
    ticket_type: str | None = None,
    checked_in: bool | None = None,
    q: str | None = None,
    limit: int = 20,
    offset: int = 0,
    max_attempts: int | None = None,
) -> Page[Attendee]:
    filters = _attendee_filters(ticket_type, checked_in, q)
    return client.page(
        f"events/{event_id}/attendees", Attendee, filters, limit=limit, offset=offset, max_attempts=max_attempts
    )


def attendee_iter(
    *,
    event_id: str,
    ticket_type: str | None = None,
    checked_in: bool | None = None,
    q: str | None = None,
    page_size: int = EXPORT_PAGE_SIZE,
) -> Iterator[Attendee]:
    """Every matching attendee, page after page, so no caller juggles `offset`.

    Pages are fetched lazily (100 000 attendees is 1 000 requests, never all
    in memory). Offset paging over a list ordered by name: an order placed
    mid-export can shift a row across a page boundary, which an export
    taken at one instant could not avoid either.
    """
    for page in client.pages(
        f"events/{event_id}/attendees",
        Attendee,
        _attendee_filters(ticket_type, checked_in, q),
        page_size=page_size,
        max_attempts=EXPORT_MAX_ATTEMPTS,
        retry_after_cap=EXPORT_RETRY_AFTER_CAP,
    ):
        yield from page.items


@dataclass(frozen=True, slots=True)
class Changes:
    """One page of an event's attendees changed after a cursor, and the cursor to ask from next."""

    items: tuple[Attendee, ...]
    next_cursor: str
    limit: int

    @property
    def has_more(self) -> bool:
        # A full page may be followed by more; a short one is the end for now.
        return len(self.items) >= self.limit


def attendee_changes(*, event_id: str, cursor: str = "", limit: int = EXPORT_PAGE_SIZE) -> Changes:
    """Attendees (void ones too) changed strictly after `cursor`, oldest change first.

    The empty cursor starts at the beginning. The cursor is opaque: keep the
    one returned and send it back, so no caller juggles offsets over a list
    that moves while it is read.
    """
    response = client.get(f"events/{event_id}/attendees", params={"changes_after": cursor, "limit": limit})
    data = response.data if isinstance(response.data, list) else []
    items = tuple(Attendee.from_json(d) for d in data)
    return Changes(items=items, next_cursor=response.headers.get("X-Next-Cursor", cursor), limit=limit)


def attendee_check_in(
    *,
    event_id: str,
    barcode: str | None = None,
    attendee_id: str | None = None,
    idempotency_key: str,
    scanned_at: datetime | None = None,
    gate: str | None = None,
    device: str | None = None,
    staff: str | None = None,
    max_attempts: int | None = None,
) -> Sent[Attendee]:
    """Let one ticket in, by scanned barcode or by attendee (the door's list).

    The key makes a retry after a dropped answer replay the first verdict
    instead of reporting the ticket as already used. Raises Conflict
    (ALREADY_CHECKED_IN, see `resources.attendee_in`; TICKET_VOID;
    EVENT_NOT_ACTIVE) or NotFound (NOT_FOUND, or WRONG_EVENT with
    `.event_id` / `.event_title`).

    `scanned_at`: when the door really scanned it, for a check-in decided
    offline and sent later (the API takes up to 7 days old); it becomes
    the attendee's `checked_in_at`.

    `gate` (the door, ≤ 100 characters), `device` (≤ 100) and `staff` (the
    user's name, ≤ 150) go only into the API's scan log (`scans.scan_list`),
    admitted or refused alike.
    """
    if (barcode is None) == (attendee_id is None):
        raise ValueError("give exactly one of barcode or attendee_id")
    body: dict[str, str | None] = {"barcode": barcode} if barcode is not None else {"attendee_id": attendee_id}
    if scanned_at is not None:
        body["scanned_at"] = as_api_date(scanned_at)
    for name, value in (("gate", gate), ("device", device), ("staff", staff)):
        if value:  # the API takes 1 character or more: an empty one is left out, as None is
            body[name] = value
    return client.send(
        "POST",
        f"events/{event_id}/checkins",
        Attendee.from_json,
        json=body,
        idempotency_key=idempotency_key,
        max_attempts=max_attempts,
    )


def attendee_check_in_undo(*, event_id: str, attendee_id: str, idempotency_key: str | None = None) -> Sent[Attendee]:
    """Take a check-in back (a mistaken scan); 409 NOT_CHECKED_IN if there was none."""
    return client.send(
        "DELETE", f"events/{event_id}/checkins/{attendee_id}", Attendee.from_json, idempotency_key=idempotency_key
    )
