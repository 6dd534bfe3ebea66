"""A scan's answer as the door shows it: a tone, one big word, and the detail.

The tone is the whole message at arm's length in a dark hall: green means
let them in, and nothing but an API 201 is ever green. Anything without a
clear answer is grey ("scan again"), never green and never red, so a
volunteer neither admits a ticket twice nor turns away a valid one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.selectors import audit_list
from boxoffice.brightstar import errors, services
from boxoffice.brightstar.resources import Attendee
from boxoffice.feedback import describe

OK, WARN, BAD, NONE = "ok", "warn", "bad", "none"
# Ticket type names barely change during a night; check-ins drop the service's
# own cache (counts moved), so the door keeps the names apart for longer.
NAMES_SECONDS = 300


@dataclass(frozen=True)
class ScanResult:
    outcome: str  # admitted, duplicate, void, wrong_event, unknown, closed, unanswered, undone, …
    tone: str
    word: str
    detail: str = ""
    attendee: Attendee | None = None
    ticket_type: str = ""
    barcode: str = ""
    undo: bool = False  # offer "Undo" (only right after an admission)


def ticket_type_names(event_id: str, *, refresh: bool = False) -> dict[str, str]:
    key = f"door:ticket-type-names:{event_id}"
    names = None if refresh else cache.get(key)
    if names is None:
        ticket_types = services.ticket_type_list(event_id=event_id, use_cache=not refresh)
        names = remember_names(event_id, ticket_types)
    return names


def remember_names(event_id: str, ticket_types) -> dict[str, str]:
    names = {t.id: t.name for t in ticket_types}
    cache.set(f"door:ticket-type-names:{event_id}", names, NAMES_SECONDS)
    return names


def ticket_type_name(event_id: str, ticket_type_id: str) -> str:
    """The name for the panel; never lets a failed lookup spoil a verdict already given."""
    try:
        names = ticket_type_names(event_id)
        if ticket_type_id not in names:  # a tier added since we looked
            names = ticket_type_names(event_id, refresh=True)
    except errors.BrightStarError:
        return ""
    return names.get(ticket_type_id, "")


def local_time(moment: datetime | None) -> str:
    """19:42 today, or "Sat 14 Jun 19:42" for another day, in the venue's TIME_ZONE."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return local.strftime("%H:%M")
    return local.strftime("%a %d %b %H:%M")


def first_admitted_by(attendee_id: str) -> str:
    """Who let this ticket in, if it went through this dashboard."""
    entry = (
        audit_list(action="attendee.check_in", object_id=attendee_id)
        .filter(outcome__in=(AuditEntry.Outcome.SUCCEEDED, AuditEntry.Outcome.REPLAYED))
        .first()
    )
    return entry.staff_username if entry else ""


def admitted(event_id: str, attendee: Attendee, barcode: str = "") -> ScanResult:
    return ScanResult("admitted", OK, "Admitted", attendee=attendee, barcode=barcode or attendee.barcode,
                      ticket_type=ticket_type_name(event_id, attendee.ticket_type_id), undo=True)


def refused(event_id: str, exc: errors.BrightStarError, barcode: str = "") -> ScanResult:
    """Turn the API's refusal (or silence) into the panel the volunteer sees."""
    attendee = exc.attendee if isinstance(exc, errors.Conflict) else None
    name = ticket_type_name(event_id, attendee.ticket_type_id) if attendee else ""
    kw = {"attendee": attendee, "ticket_type": name, "barcode": barcode}
    if exc.code == errors.ALREADY_CHECKED_IN:
        when = local_time(attendee.checked_in_at) if attendee else ""
        who = first_admitted_by(attendee.id) if attendee else ""
        word = f"Already checked in at {when}" if when else "Already checked in"
        return ScanResult("duplicate", WARN, word, f"Let in by {who}." if who else "", **kw)
    if exc.code == errors.TICKET_VOID:
        return ScanResult("void", BAD, "Void ticket", "Refunded or cancelled: do not admit.", **kw)
    if exc.code == errors.WRONG_EVENT:
        title = exc.event_title if isinstance(exc, errors.NotFound) else None
        return ScanResult("wrong_event", BAD, "Not for this event",
                          f"This ticket is for {title}." if title else "This ticket is for another event.", **kw)
    if exc.code == errors.EVENT_NOT_ACTIVE:
        return ScanResult("closed", BAD, "Event not open", "Check-in is closed for this event.", **kw)
    if exc.code in (errors.NOT_FOUND, errors.VALIDATION_ERROR):
        return ScanResult("unknown", BAD, "Unknown code", "No ticket has this code.", **kw)
    if exc.code == errors.IDEMPOTENCY_IN_PROGRESS:
        return ScanResult("unanswered", NONE, "Still checking — scan again", describe(exc, write=True), **kw)
    # Timeouts, dropped connections, 5xx, throttling, a refused key: no verdict.
    return ScanResult("unanswered", NONE, "No answer — scan again", _no_answer(exc), **kw)


def _no_answer(exc: errors.BrightStarError) -> str:
    if isinstance(exc, errors.ConnectionFailed) and not exc.may_have_reached_server:
        return "BrightStar is unreachable: nothing was recorded. Check the Wi-Fi, then scan again."
    if isinstance(exc, errors.ConnectionFailed | errors.ServerError):
        # The retry carries the same Idempotency-Key, so it cannot admit twice.
        return "BrightStar did not answer in time. Scan the same code again: it cannot let anyone in twice."
    return describe(exc, write=True)


def undone(event_id: str, attendee: Attendee) -> ScanResult:
    return ScanResult("undone", NONE, "Check-in undone", "The ticket can be scanned again.", attendee=attendee,
                      ticket_type=ticket_type_name(event_id, attendee.ticket_type_id), barcode=attendee.barcode)


def undo_refused(exc: errors.BrightStarError) -> ScanResult:
    if exc.code == errors.NOT_CHECKED_IN:
        return ScanResult("undone", NONE, "Was not checked in", "Nothing to undo.")
    return ScanResult("unanswered", NONE, "Undo not confirmed", describe(exc, write=True))
