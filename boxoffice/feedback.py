"""BrightStar errors in words a member of staff can act on.

The client raises exceptions that carry the API's machine `code`; this is
the one place that turns them into sentences, so every page says the same
thing about the same failure.
"""

from boxoffice.brightstar import errors

UNREACHABLE = "BrightStar is unreachable — retrying. Nothing was changed."
UNCONFIRMED = "Not confirmed: BrightStar did not answer. Check the order before trying again."

_BY_CODE = {
    errors.EVENT_NOT_DRAFT: "Only draft events can be deleted. Cancel it instead.",
    errors.EVENT_HAS_ORDERS: "This event already has orders, so that change is not allowed.",
    errors.ORDER_NOT_REFUNDABLE: "Nothing is left to refund on this order.",
    errors.REFUND_STALE: "Someone refunded this order meanwhile. The order has been refreshed; check it and try again.",
    errors.ALREADY_CHECKED_IN: "Already checked in.",
    errors.TICKET_VOID: "Void ticket (refunded or cancelled).",
    errors.EVENT_NOT_ACTIVE: "This event is not open for check-in.",
    errors.NOT_CHECKED_IN: "This ticket is not checked in.",
    errors.WRONG_EVENT: "This ticket is for another event.",
    errors.IDEMPOTENCY_IN_PROGRESS: "That request is still being processed. Give it a moment.",
}


def describe(error: errors.BrightStarError, *, write: bool = False) -> str:
    """One sentence for `error`; `write` means a change may or may not have happened."""
    if isinstance(error, errors.ConnectionFailed):
        if write and error.may_have_reached_server:
            return UNCONFIRMED
        return UNREACHABLE
    if isinstance(error, errors.ServerError):
        return UNCONFIRMED if write else "BrightStar had a problem answering. Try again in a moment."
    if isinstance(error, errors.RateLimited):
        seconds = max(1, round(error.retry_after or 0))
        wait = f" Try again in {seconds} second{'s' if seconds != 1 else ''}." if error.retry_after else ""
        return f"Too many requests for now.{wait}"
    if isinstance(error, errors.AuthenticationError):
        return "The dashboard's BrightStar API key was refused. Ask an administrator to check BRIGHTSTAR_API_KEY."
    if isinstance(error, errors.PermissionDenied):
        return "The dashboard's BrightStar API key may not do that (it is read-only)."
    if isinstance(error, errors.NotFound) and error.code != errors.WRONG_EVENT:
        return "Not found: it may have been deleted, or the link is wrong."
    return _BY_CODE.get(error.code) or error.message or "BrightStar refused the request."
