"""Each audit entry as one sentence staff can read: who did what to what, for how much, and how it ended.

Ids stay out of the sentence: the page shows them beside it, as links.
"""

from __future__ import annotations

from boxoffice.audit.models import AuditEntry
from boxoffice.money import format_amount
from boxoffice.web.feedback import code_sentence

Outcome = AuditEntry.Outcome

# What was done, by action; {amount} and {tickets} are filled in when the entry has them.
_DID = {
    "event.create": "created an event",
    "event.update": "changed an event",
    "event.delete": "deleted a draft event",
    "ticket_type.create": "added a ticket type{at}",
    "ticket_type.update": "changed a ticket type{at}",
    "order.refund": "refunded {amount}{tickets}",
    "order.resend": "resent the order confirmation",
    "attendee.check_in": "let a ticket in{barcode}",
    "attendee.check_in_undo": "took a check-in back",
    "attendee.check_in_offline": "let a ticket in{barcode} while BrightStar was not answering (to sync)",
}
_TRIED = {
    "event.create": "tried to create an event",
    "event.update": "tried to change an event",
    "event.delete": "tried to delete an event",
    "ticket_type.create": "tried to add a ticket type{at}",
    "ticket_type.update": "tried to change a ticket type{at}",
    "order.refund": "tried to refund {amount}{tickets}",
    "order.resend": "tried to resend the order confirmation",
    "attendee.check_in": "scanned a ticket{barcode}",
    "attendee.check_in_undo": "tried to take a check-in back",
    "attendee.check_in_offline": "scanned a ticket{barcode} while BrightStar was not answering",
}


def entry_sentence(entry: AuditEntry) -> str:
    who = entry.staff_username or "The system"
    amount = format_amount(entry.amount, entry.currency or "USD") if entry.amount is not None else "the rest"
    voided = len((entry.detail or {}).get("attendee_ids") or ())
    barcode = (entry.detail or {}).get("barcode") or ""
    data = {
        "amount": amount,
        "at": f" at {amount}" if entry.amount is not None else "",
        "tickets": f" and voided {voided} ticket{'s' if voided != 1 else ''}" if voided else "",
        "barcode": f" ({barcode})" if barcode else "",
    }
    if entry.outcome in (Outcome.SUCCEEDED, Outcome.REPLAYED):
        did = _DID.get(entry.action, entry.action).format_map(data)
        sentence = f"{who} {did}."
        if entry.outcome == Outcome.REPLAYED:
            sentence += " It was sent again and BrightStar answered from its record: nothing was done twice."
        return sentence
    did = _TRIED.get(entry.action, f"tried {entry.action}").format_map(data)
    if entry.outcome == Outcome.UNKNOWN:
        return f"{who} {did}, but BrightStar did not answer: it may or may not have happened."
    why = code_sentence(entry.error_code) or entry.message or "no reason given"
    if entry.action == "attendee.check_in_offline":  # the dashboard's replica said no, not BrightStar
        return f"{who} {did}, and the copy at the door refused it: {why.rstrip('.')}."
    return f"{who} {did}, and BrightStar refused: {why.rstrip('.')}."
