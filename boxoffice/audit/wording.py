"""Each audit entry as one sentence staff can read: who did what to what, for how much, and how it ended.

Ids stay out of the sentence: the page shows them beside it, as links. Each
sentence is whole, with {who} in it, so a language can put the verb where it
belongs; the pieces filled in ({at}, {tickets}, {barcode}) are translated too.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop, ngettext

from boxoffice.audit.models import AuditEntry
from boxoffice.money import format_amount
from boxoffice.web.feedback import code_sentence

Outcome = AuditEntry.Outcome

# What was done, by action; {amount} and {tickets} are filled in when the entry has them.
_DID = {
    "event.create": gettext_noop("{who} created an event."),
    "event.update": gettext_noop("{who} changed an event."),
    "event.delete": gettext_noop("{who} deleted a draft event."),
    "ticket_type.create": gettext_noop("{who} added a ticket type{at}."),
    "ticket_type.update": gettext_noop("{who} changed a ticket type{at}."),
    "order.refund": gettext_noop("{who} refunded {amount}{tickets}."),
    "order.resend": gettext_noop("{who} resent the order confirmation."),
    "attendee.check_in": gettext_noop("{who} let a ticket in{barcode}."),
    "attendee.check_in_undo": gettext_noop("{who} took a check-in back."),
    "attendee.check_in_offline": gettext_noop(
        "{who} let a ticket in{barcode} while BrightStar was not answering (to sync)."
    ),
    "attendee.check_in_device": gettext_noop("{who} let a ticket in{barcode} on a phone that was offline (to sync)."),
}
_TRIED = {
    "event.create": gettext_noop("{who} tried to create an event"),
    "event.update": gettext_noop("{who} tried to change an event"),
    "event.delete": gettext_noop("{who} tried to delete an event"),
    "ticket_type.create": gettext_noop("{who} tried to add a ticket type{at}"),
    "ticket_type.update": gettext_noop("{who} tried to change a ticket type{at}"),
    "order.refund": gettext_noop("{who} tried to refund {amount}{tickets}"),
    "order.resend": gettext_noop("{who} tried to resend the order confirmation"),
    "attendee.check_in": gettext_noop("{who} scanned a ticket{barcode}"),
    "attendee.check_in_undo": gettext_noop("{who} tried to take a check-in back"),
    "attendee.check_in_offline": gettext_noop("{who} scanned a ticket{barcode} while BrightStar was not answering"),
    "attendee.check_in_device": gettext_noop("{who} scanned a ticket{barcode} on a phone that was offline"),
}


def entry_sentence(entry: AuditEntry) -> str:
    who = entry.staff_username or gettext("The system")
    known = entry.amount is not None
    amount = format_amount(entry.amount, entry.currency or "USD") if known else gettext("the rest")
    voided = len((entry.detail or {}).get("attendee_ids") or ())
    barcode = (entry.detail or {}).get("barcode") or ""
    data = {
        "who": who,
        "amount": amount,
        "at": gettext(" at %(amount)s") % {"amount": amount} if known else "",
        "tickets": ngettext(" and voided %(n)d ticket", " and voided %(n)d tickets", voided) % {"n": voided}
        if voided
        else "",
        "barcode": f" ({barcode})" if barcode else "",
    }
    if entry.outcome in (Outcome.SUCCEEDED, Outcome.REPLAYED):
        did = _DID.get(entry.action)
        sentence = gettext(did).format_map(data) if did else f"{who} {entry.action}."
        if entry.outcome == Outcome.REPLAYED:
            sentence += " " + gettext(
                "It was sent again and BrightStar answered from its record: nothing was done twice."
            )
        return sentence
    tried = _TRIED.get(entry.action)
    did = (
        gettext(tried).format_map(data)
        if tried
        else gettext("{who} tried {action}").format(who=who, action=entry.action)
    )
    if entry.outcome == Outcome.UNKNOWN:
        return gettext("%(did)s, but BrightStar did not answer: it may or may not have happened.") % {"did": did}
    why = (code_sentence(entry.error_code) or entry.message or gettext("no reason given")).rstrip(".")
    if entry.action in ("attendee.check_in_offline", "attendee.check_in_device"):  # a copy said no, not BrightStar
        return gettext("%(did)s, and the copy at the door refused it: %(why)s.") % {"did": did, "why": why}
    return gettext("%(did)s, and BrightStar refused: %(why)s.") % {"did": did, "why": why}
