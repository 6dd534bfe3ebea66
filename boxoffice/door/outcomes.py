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

from django.utils import dateformat, timezone
from django.utils.translation import gettext

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.selectors import audit_list
from boxoffice.brightstar import errors
from boxoffice.brightstar.resources import Attendee, attendee_in
from boxoffice.door.services import event_zone, ticket_type_names
from boxoffice.venue.services import OfflineVerdict
from boxoffice.web import feedback
from boxoffice.web.feedback import describe, door_words

OK, WARN, BAD, NONE = "ok", "warn", "bad", "none"
# Green, and marked: door.js and the stylesheet still read "ok"; "offline" sets it apart.
OK_OFFLINE = "ok offline"
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
    # Django's dateformat, not strftime: the day and month names are in the staff member's language.
    if local.date() == timezone.localdate(timezone=where):
        return dateformat.format(local, "H:i T")
    return dateformat.format(local, "D d M H:i T")


def first_admitted_by(attendee_id: str) -> str:
    """Who let this ticket in, if it went through this dashboard."""
    entry = (
        audit_list(action="attendee.check_in", object_id=attendee_id)
        .filter(outcome__in=(AuditEntry.Outcome.SUCCEEDED, AuditEntry.Outcome.REPLAYED))
        .first()
    )
    return entry.staff_username if entry else ""


def admitted(event_id: str, attendee: Attendee, barcode: str = "") -> ScanResult:
    return ScanResult(
        "admitted",
        OK,
        gettext("Admitted"),
        attendee=attendee,
        barcode=barcode or attendee.barcode,
        ticket_type=ticket_type_name(event_id, attendee.ticket_type_id),
        undo=True,
    )


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
    return ScanResult(
        "undone",
        NONE,
        gettext("Check-in undone"),
        gettext("The ticket can be scanned again."),
        attendee=attendee,
        ticket_type=ticket_type_name(event_id, attendee.ticket_type_id),
        barcode=attendee.barcode,
    )


def undo_refused(exc: errors.BrightStarError) -> ScanResult:
    if exc.code == errors.NOT_CHECKED_IN:
        return ScanResult("undone", NONE, gettext("Was not checked in"), gettext("Nothing to undo."))
    return ScanResult("unanswered", NONE, gettext("Undo not confirmed"), describe(exc))


def _as_attendee(verdict: OfflineVerdict) -> Attendee | None:
    t = verdict.ticket
    if t is None:
        return None
    return Attendee(
        id=t.attendee_id,
        event_id=t.event_id,
        order_id="",
        ticket_type_id=t.ticket_type_id,
        name=t.name,
        email="",
        barcode=t.barcode,
        status=t.status,
        checked_in=t.checked_in,
        checked_in_at=t.checked_in_at,
    )


def offline(verdict: OfflineVerdict, barcode: str = "") -> ScanResult:
    """A verdict from the replica: its own outcome names, so nothing reads it as BrightStar's."""
    if not verdict.decided_offline:
        return waiting(verdict, barcode)
    attendee = _as_attendee(verdict)
    name = verdict.ticket.ticket_type_name if verdict.ticket else ""
    barcode = barcode or (attendee.barcode if attendee else "")
    if verdict.undone:
        return ScanResult(
            "undone_offline",
            NONE,
            feedback.door_text(feedback.DOOR_OFFLINE_UNDONE),
            feedback.door_text(feedback.DOOR_OFFLINE_UNDONE_DETAIL),
            attendee=attendee,
            ticket_type=name,
            barcode=barcode,
        )
    data = {"when": local_time(verdict.when, _zone_of(verdict)), "who": verdict.who}
    word, detail = feedback.door_offline_words(verdict.code, **data)
    if verdict.admitted:
        return ScanResult(
            "admitted_offline",
            OK_OFFLINE,
            word,
            detail,
            attendee=attendee,
            ticket_type=name,
            barcode=barcode,
            undo=True,
        )
    outcome, tone = _REFUSED.get(verdict.code, ("unanswered", NONE))
    return ScanResult(outcome, tone, word, detail, attendee=attendee, ticket_type=name, barcode=barcode)


def _zone_of(verdict: OfflineVerdict) -> str:
    return event_zone(verdict.ticket.event_id if verdict.ticket else "")


def waiting(verdict: OfflineVerdict, barcode: str = "") -> ScanResult:
    """Online, but the ticket was let in offline and BrightStar has not heard yet: already in."""
    data = {"when": local_time(verdict.when, _zone_of(verdict)), "who": verdict.who or gettext("a door")}
    return ScanResult(
        "duplicate",
        WARN,
        feedback.DOOR[errors.ALREADY_CHECKED_IN][0].say(data),
        feedback.door_text(feedback.DOOR_WAITING_TO_SYNC).format_map(data),
        attendee=_as_attendee(verdict),
        ticket_type=verdict.ticket.ticket_type_name if verdict.ticket else "",
        barcode=barcode,
    )
