"""A scan's answer as the door shows it: a tone, one big word, and the detail.

The tone is the whole message at arm's length in a dark hall: green means
let them in, and nothing but an API 201 is ever green. Anything without a
clear answer is grey ("scan again"), never green and never red, so a
volunteer neither admits a ticket twice nor turns away a valid one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.selectors import audit_list
from boxoffice.brightstar import errors
from boxoffice.brightstar.resources import Attendee, attendee_in
from boxoffice.door.services import event_zone, ticket_type_names
from boxoffice.web.feedback import describe, door_words

OK, WARN, BAD, NONE = "ok", "warn", "bad", "none"
# The panel's colour family for each refusal; the words come from web/feedback.py.
_REFUSED = {
    errors.ALREADY_CHECKED_IN: ("duplicate", WARN),
    errors.TICKET_VOID: ("void", BAD),
    errors.WRONG_EVENT: ("wrong_event", BAD),
    errors.EVENT_NOT_ACTIVE: ("closed", BAD),
    errors.NOT_FOUND: ("unknown", BAD),
    errors.VALIDATION_ERROR: ("unknown", BAD),
}


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


def ticket_type_name(event_id: str, ticket_type_id: str) -> str:
    """The name for the panel; never lets a failed lookup spoil a verdict already given."""
    try:
        names = ticket_type_names(event_id)
        if ticket_type_id not in names:  # a tier added since we looked
            names = ticket_type_names(event_id, refresh=True)
    except errors.BrightStarError:
        return ""
    return names.get(ticket_type_id, "")


def local_time(moment: datetime | None, zone: str) -> str:
    """19:42 CET today, or "Sat 14 Jun 19:42 CEST" for another day, in the event's own time zone."""
    if moment is None:
        return ""
    where = ZoneInfo(zone)
    local = timezone.localtime(moment, where)
    if local.date() == timezone.localdate(timezone=where):
        return local.strftime("%H:%M %Z")
    return local.strftime("%a %d %b %H:%M %Z")


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
    """Turn the API's refusal (or silence) into the panel the volunteer sees.

    Anything without a clear verdict (timeouts, 5xx, throttling, a refused
    key, a request still running) is grey: "scan again", never red or green.
    """
    attendee = attendee_in(exc) if isinstance(exc, errors.Conflict) else None
    data = {}
    if attendee is not None:
        when = local_time(attendee.checked_in_at, event_zone(event_id))
        data = {"when": when, "who": first_admitted_by(attendee.id)}
    word, detail = door_words(exc, **data)
    outcome, tone = _REFUSED.get(exc.code, ("unanswered", NONE))
    name = ticket_type_name(event_id, attendee.ticket_type_id) if attendee else ""
    return ScanResult(outcome, tone, word, detail, attendee=attendee, ticket_type=name, barcode=barcode)


def undone(event_id: str, attendee: Attendee) -> ScanResult:
    return ScanResult("undone", NONE, "Check-in undone", "The ticket can be scanned again.", attendee=attendee,
                      ticket_type=ticket_type_name(event_id, attendee.ticket_type_id), barcode=attendee.barcode)


def undo_refused(exc: errors.BrightStarError) -> ScanResult:
    if exc.code == errors.NOT_CHECKED_IN:
        return ScanResult("undone", NONE, "Was not checked in", "Nothing to undo.")
    return ScanResult("unanswered", NONE, "Undo not confirmed", describe(exc))
