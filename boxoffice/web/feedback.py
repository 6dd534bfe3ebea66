"""BrightStar's answers in words a member of staff can act on: the one place they are written.

The SDK raises exceptions that carry the API's machine `code` (and, where a
sentence needs data, the data itself: `quantity_sold`, `event_title`,
`attendee`…); this module turns them into sentences, so every page says the
same thing about the same refusal and no code ever parses English.

Every sentence here is English and marked for translation (gettext_noop):
the constants stay English, so code and tests can name them, and each is
translated into the staff member's language where it is said (gettext in
`say`, `describe`, `door_words`…), never when this module is imported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from string import Formatter
from typing import Any

from django.utils.translation import gettext, gettext_noop, ngettext

from boxoffice.brightstar import errors

UNREACHABLE = gettext_noop("BrightStar is unreachable. Nothing was changed: try again in a moment.")
UNCONFIRMED = gettext_noop("Not confirmed: BrightStar did not answer. Check the order before trying again.")
BAD_INPUT = gettext_noop("BrightStar could not use what was typed. Change it and try again.")
# BrightStar's documented limit on confirmation emails per order and hour.
RESEND_LIMIT_PER_HOUR = 5
READS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Sentence:
    """A plain sentence, and a fuller one used when every {name} in it is known."""

    plain: str
    detailed: str = ""

    def say(self, data: dict[str, Any]) -> str:
        """In the active language; the translation names the same {fields} as the English."""
        if self.detailed:
            detailed = gettext(self.detailed)
            names = [name for _, name, _, _ in Formatter().parse(detailed) if name]
            if all(data.get(name) not in (None, "") for name in names):
                return detailed.format_map(data)
        return gettext(self.plain) if self.plain else ""


_BY_CODE: dict[str, Sentence] = {
    errors.EVENT_NOT_DRAFT: Sentence(
        gettext_noop("Only draft events can be deleted. Cancel it instead."),
        gettext_noop("Only draft events can be deleted, and this one is {event_status}. Cancel it instead."),
    ),
    errors.EVENT_HAS_ORDERS: Sentence(
        gettext_noop(
            "This event already has orders, so it cannot go back to draft, be deleted or change currency. "
            "Cancel it instead."
        )
    ),
    errors.ORDER_NOT_REFUNDABLE: Sentence(gettext_noop("Nothing is left to refund on this order.")),
    errors.REFUND_STALE: Sentence(
        gettext_noop("Someone refunded this order meanwhile. The order has been refreshed; check it and try again.")
    ),
    errors.IDEMPOTENCY_KEY_REUSED: Sentence(
        gettext_noop(
            "This form was already used for a different request. "
            "The page has been refreshed: check it before trying again."
        )
    ),
    errors.ALREADY_CHECKED_IN: Sentence(
        gettext_noop("Already checked in."), gettext_noop("Already checked in at {when}.")
    ),
    errors.TICKET_VOID: Sentence(gettext_noop("Void ticket (refunded or cancelled).")),
    errors.EVENT_NOT_ACTIVE: Sentence(gettext_noop("This event is not open for check-in.")),
    errors.NOT_CHECKED_IN: Sentence(gettext_noop("This ticket is not checked in.")),
    errors.WRONG_EVENT: Sentence(
        gettext_noop("This ticket is for another event."), gettext_noop("This ticket is for {event_title}.")
    ),
    errors.IDEMPOTENCY_IN_PROGRESS: Sentence(gettext_noop("That request is still being processed. Give it a moment.")),
    errors.REQUEST_TOO_LARGE: Sentence(gettext_noop("That was too large for BrightStar to accept. Send less at once.")),
}

# A field error that needs the API's data, keyed by (field, the datum it needs).
_BY_FIELD: dict[str, Sentence] = {
    "quantity": Sentence("", gettext_noop("Cannot be below what is sold: {quantity_sold} already sold.")),
    # Only a tampered or mangled form carries a key the client refuses to send.
    "idempotency_key": Sentence(gettext_noop("This form has expired. Reload the page and try again.")),
}

# The door's panel: one big word and a line under it, for each refusal.
DOOR: dict[str, tuple[Sentence, Sentence]] = {
    errors.ALREADY_CHECKED_IN: (
        Sentence(gettext_noop("Already checked in"), gettext_noop("Already checked in at {when}")),
        Sentence("", gettext_noop("Let in by {who}.")),
    ),
    errors.TICKET_VOID: (
        Sentence(gettext_noop("Void ticket")),
        Sentence(gettext_noop("Refunded or cancelled: do not admit.")),
    ),
    errors.WRONG_EVENT: (Sentence(gettext_noop("Not for this event")), _BY_CODE[errors.WRONG_EVENT]),
    errors.EVENT_NOT_ACTIVE: (
        Sentence(gettext_noop("Event not open")),
        Sentence(gettext_noop("Check-in is closed for this event.")),
    ),
    errors.NOT_FOUND: (Sentence(gettext_noop("Unknown code")), Sentence(gettext_noop("No ticket has this code."))),
    errors.VALIDATION_ERROR: (
        Sentence(gettext_noop("Unknown code")),
        Sentence(gettext_noop("No ticket has this code.")),
    ),
    errors.IDEMPOTENCY_IN_PROGRESS: (
        Sentence(gettext_noop("Still checking — scan again")),
        _BY_CODE[errors.IDEMPOTENCY_IN_PROGRESS],
    ),
}
DOOR_NO_ANSWER = gettext_noop("No answer — scan again")
# The dashboard answered the phone, so the phone's network is fine: BrightStar is what is down.
DOOR_UNREACHABLE = gettext_noop(
    "BrightStar is not answering the dashboard: nothing was recorded. Scan again in a moment."
)
DOOR_UNANSWERED = gettext_noop(
    "BrightStar did not answer in time. Scan the same code again: it cannot let anyone in twice."
)

# The door's name on this device (static/js/door-name.js), sent with each scan as its gate.
DOOR_NAME_MAX = 100  # the API's limit on a scan's gate
DOOR_SETTING_REFUSED = gettext_noop("Scan not sent")  # a grey panel; the line under it says which setting to fix
# A literal (a translation is looked up by its English), so the limit is written out: kept in step below.
DOOR_NAME_TOO_LONG = gettext_noop(
    "A door name is at most 100 characters. Change it (“Change” beside the door's name) and scan again."
)
assert f" {DOOR_NAME_MAX} " in DOOR_NAME_TOO_LONG, "DOOR_NAME_TOO_LONG must name DOOR_NAME_MAX"
DOOR_DEVICE_REFUSED = gettext_noop("This phone's id was not accepted. Reload the page and scan again.")

# The doors overview (boxoffice/door/overview.py).
# Scans sent before the door was named, or from a page without JavaScript.
DOORS_NO_NAME = gettext_noop("Door without a name")
DOORS_OTHER_REFUSAL = gettext_noop("Refused for another reason")
DOORS_KEPT = gettext_noop("The figures below are the last BrightStar gave: they update again as soon as it answers.")


def refusal_words(code: str) -> str:
    """A refusal's reason as the door's panel says it ("Void ticket"), for counts by reason: never the code."""
    pair = DOOR.get(code)
    return pair[0].say({}) if pair is not None else gettext(DOORS_OTHER_REFUSAL)


# Venue mode: the dashboard decided from its replica because BrightStar did not answer.
# Green, but never the plain "Admitted": the volunteer can tell a confirmed admission from a queued one.
DOOR_OFFLINE_ADMITTED = gettext_noop("⟳ Admitted — offline, will sync")
DOOR_OFFLINE_ADMITTED_DETAIL = gettext_noop(
    "BrightStar is not answering: this dashboard let the ticket in and will tell BrightStar as soon as it answers."
)
DOOR_DECIDED_OFFLINE = gettext_noop("Decided offline: BrightStar is not answering.")
DOOR_OFFLINE_UNDONE = gettext_noop("Check-in undone — offline")
DOOR_OFFLINE_UNDONE_DETAIL = gettext_noop(
    "The ticket can be scanned again. BrightStar will hear of it when it answers."
)
DOOR_WAITING_TO_SYNC = gettext_noop("Let in at {when} by {who}, still waiting to sync.")


def door_offline_words(code: str, **data: Any) -> tuple[str, str]:
    """The panel's word and line for a verdict the dashboard reached without BrightStar."""
    if not code:
        return gettext(DOOR_OFFLINE_ADMITTED), gettext(DOOR_OFFLINE_ADMITTED_DETAIL)
    word, detail = DOOR.get(code, (Sentence(DOOR_NO_ANSWER), Sentence(DOOR_UNREACHABLE)))
    said, offline = detail.say(data), gettext(DOOR_DECIDED_OFFLINE)
    return word.say(data), f"{said} {offline}" if said else offline


def code_sentence(code: str) -> str:
    """The plain sentence for an error code alone, when there is no error to describe (the audit log)."""
    sentence = _BY_CODE.get(code)
    return gettext(sentence.plain) if sentence is not None else ""


def may_have_changed(error: errors.BrightStarError) -> bool:
    """A change was sent and its answer lost: it may or may not have happened."""
    if error.method is None or error.method in READS:
        return False
    if isinstance(error, errors.ConnectionFailed):
        return error.may_have_reached_server
    return isinstance(error, errors.ServerError)


def describe(error: errors.BrightStarError, **data: Any) -> str:
    """One sentence for `error`; `data` fills in what the error itself does not carry."""
    data = {**data, **error.extra}  # the answer knows best; the caller fills the gaps
    if may_have_changed(error):
        return gettext(UNCONFIRMED)
    if isinstance(error, errors.ConnectionFailed):
        return gettext(UNREACHABLE)
    if isinstance(error, errors.ServerError):
        return gettext("BrightStar had a problem answering. Try again in a moment.")
    if isinstance(error, errors.RateLimited):
        return _rate_limited(error)
    if isinstance(error, errors.AuthenticationError):
        return gettext(
            "The dashboard's BrightStar API key was refused. Ask an administrator to check BRIGHTSTAR_API_KEY."
        )
    if isinstance(error, errors.PermissionDenied):
        return gettext("The dashboard's BrightStar API key may not do that (it is read-only).")
    if isinstance(error, errors.NotFound) and error.code != errors.WRONG_EVENT:
        return gettext("Not found: it may have been deleted, or the link is wrong.")
    if (sentence := _BY_CODE.get(error.code)) is not None:
        return sentence.say(data)
    if isinstance(error, errors.ValidationError):
        return field_message(error, **data) or gettext(BAD_INPUT)
    return gettext("BrightStar refused the request.")


def charts_unavailable(error: errors.BrightStarError) -> str:
    """The event page's charts could not be drawn: one line in their place."""
    return gettext("No charts just now: {reason}").format(reason=describe(error))


def field_message(error: errors.BrightStarError, **data: Any) -> str:
    """The API's refusal of one field, worded for the form field it lands on."""
    data = {**data, **error.extra}  # the answer knows best; the caller fills the gaps
    if (sentence := _BY_FIELD.get(error.field or "")) is not None and (said := sentence.say(data)):
        return said
    if (sentence := _BY_CODE.get(error.code)) is not None:
        return sentence.say(data)
    message = error.message
    # The API says "price: Input should be…"; the field already says which.
    if error.field and message.startswith(f"{error.field}: "):
        message = message[len(error.field) + 2 :]
    return message[:1].upper() + message[1:]


def _rate_limited(error: errors.RateLimited) -> str:
    seconds = float(error.retry_after or error.extra.get("retry_after") or 0)
    if seconds > 120:  # not a short throttle of the whole API: an hourly limit, today the resend's
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext(
            "The confirmation was already sent %(limit)d times this hour. Try again in %(minutes)d minute.",
            "The confirmation was already sent %(limit)d times this hour. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"limit": RESEND_LIMIT_PER_HOUR, "minutes": minutes}
    if not seconds:
        return gettext("Too many requests for now. Try again in a moment.")
    whole = max(1, round(seconds))
    return ngettext(
        "Too many requests for now. Try again in %(seconds)d second.",
        "Too many requests for now. Try again in %(seconds)d seconds.",
        whole,
    ) % {"seconds": whole}


def door_words(error: errors.BrightStarError, **data: Any) -> tuple[str, str]:
    """The door panel's big word and its line, for a scan BrightStar refused or did not answer."""
    data = {**data, **error.extra}  # the answer knows best; the caller fills the gaps
    if (pair := DOOR.get(error.code)) is not None:
        word, detail = pair
        return word.say(data), detail.say(data)
    if isinstance(error, errors.ConnectionFailed) and not error.may_have_reached_server:
        return gettext(DOOR_NO_ANSWER), gettext(DOOR_UNREACHABLE)
    if isinstance(error, errors.ConnectionFailed | errors.ServerError):
        # The retry carries the same Idempotency-Key, so it cannot admit twice.
        return gettext(DOOR_NO_ANSWER), gettext(DOOR_UNANSWERED)
    return gettext(DOOR_NO_ANSWER), describe(error)


# Venue mode, layer 2: the phone lost the dashboard and decided from its own copy (static/js/door-device.js).
# The page gets these as JSON (templates/door/scan.html): "{when}" and "{as_of}" are filled in there.
DEVICE_WORDS: dict[str, str] = {
    "admitted": gettext_noop("Admitted — this phone is offline"),
    "admitted_detail": gettext_noop(
        "Decided on this phone from its copy of the guest list (as of {as_of}). "
        "It reaches BrightStar when the dashboard answers again."
    ),
    "duplicate": gettext_noop("Already checked in"),
    "duplicate_detail": gettext_noop("Let in on this phone at {when}. Decided offline, on this phone."),
    "duplicate_copy_detail": gettext_noop(
        "Already in when this phone's copy was taken ({as_of}). Decided offline, on this phone."
    ),
    "void": gettext_noop("Void ticket"),
    "void_detail": gettext_noop("Refunded or cancelled: do not admit. Decided offline, on this phone."),
    "unknown": gettext_noop("Unknown code"),
    "unknown_detail": gettext_noop(
        "Not in this phone's copy (as of {as_of}): a ticket sold since then is not in it. "
        "Decided offline, on this phone."
    ),
    "offline": gettext_noop(
        "⟳ This phone is offline: it decides from its own copy (as of {as_of}) · {waiting} scans waiting on this phone"
    ),
    # The one thing a phone alone cannot know: said on the screen, every time it is offline.
    "risk": gettext_noop(
        "Other doors cannot see this phone's scans until it reconnects: a copied ticket could get in at two doors."
    ),
    "synced": gettext_noop("Back online: {sent} scans sent from this phone"),
    "conflicts": gettext_noop("{conflicts} of them were also let in elsewhere or refused: see the conflicts list."),
    "copy_ready": gettext_noop("This phone has its own copy of the guest list (as of {as_of})."),
    "copy_loading": gettext_noop("Taking this phone's copy of the guest list…"),
    "logout_unsent": gettext_noop(
        "{waiting} scans made offline on this phone have not reached the dashboard yet. "
        "Log out anyway and lose them? Cancel, and they are sent once the dashboard answers."
    ),
    "no_reload": gettext_noop(
        "Plain HTTP: this page cannot reload without the network. Keep it open; it keeps scanning offline while open."
    ),
    # The name search answered from the phone's copy: the server's list (templates/door/scan.html), without emails.
    "found_offline": gettext_noop("This phone is offline: found in its own copy (as of {as_of})."),
    "found_none": gettext_noop("Nobody in this phone's copy matches “{q}”."),
    "found_more": gettext_noop("{shown} of {total}: type more to narrow."),
    "badge_not_in": gettext_noop("not in"),
    "badge_void": gettext_noop("void"),
    "badge_in_at": gettext_noop("in at {when}"),
    # Already in when the copy was taken: the copy keeps no check-in time.
    "badge_in": gettext_noop("already in"),
    "check_in": gettext_noop("Check in"),
    "check_in_name": gettext_noop("Check in {name}"),
}


def device_words() -> dict[str, str]:
    """DEVICE_WORDS in the active language, for the page that hands them to the phone."""
    return {key: gettext(text) for key, text in DEVICE_WORDS.items()}


def door_text(text: str) -> str:
    """One of the DOOR_* sentences above in the active language (they are kept in English to be named)."""
    return gettext(text)


# --- The order page's own results (boxoffice/orders/views.py) ---------------------


def refund_done(*, amount: str, voided: int, left: str) -> str:
    """What a refund did, with the amounts already written for the staff member's locale."""
    if voided:
        return ngettext(
            "Refunded %(amount)s and voided %(voided)d ticket. Still refundable: %(left)s.",
            "Refunded %(amount)s and voided %(voided)d tickets. Still refundable: %(left)s.",
            voided,
        ) % {"amount": amount, "voided": voided, "left": left}
    return gettext("Refunded %(amount)s. Still refundable: %(left)s.") % {"amount": amount, "left": left}


def refund_replayed(*, amount: str) -> str:
    return gettext(
        "That refund of %(amount)s was already made (the same form was sent twice). Nothing was refunded twice."
    ) % {"amount": amount}


def confirmation_sent(*, email: str) -> str:
    return gettext("Confirmation sent to %(email)s.") % {"email": email}
