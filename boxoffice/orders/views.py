"""Orders at the desk: find one, read it, refund it, resend its confirmation.

Door volunteers never reach these views (VIEW_ORDERS). Reads let API
failures through to the middleware (a banner or an error page); the two
writes explain their failures in place and keep what the user typed.
"""

import math

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from boxoffice.audit.models import AuditEntry
from boxoffice.audit.selectors import audit_attempts_by_key, audit_for_order
from boxoffice.brightstar import errors, services
from boxoffice.brightstar.orders import ORDER_ID_PREFIX
from boxoffice.feedback import describe
from boxoffice.http import HtmxHttpRequest, page_numbers, render_page, search_text
from boxoffice.money import format_amount
from boxoffice.orders.forms import REASONS, OrderFiltersForm, RefundForm
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import REFUND, RESEND, VIEW_ORDERS, has

DROPDOWN_SIZE = 8
RESULTS_SIZE = 25
PAGE_SIZE = 20
AUDIT_TRAIL_SIZE = 50
# BrightStar's documented limit on confirmation emails per order and hour.
RESEND_LIMIT_PER_HOUR = 5
KEY_REUSED_MESSAGE = ("This refund form was already used for a different refund. "
                      "The order has been refreshed: check it before trying again.")


def _order_or_404(order_id: str):
    try:
        return services.order_get(order_id=order_id)
    except errors.NotFound:
        raise Http404("No such order") from None


def _notice(kind: str, text: str) -> dict:
    return {"kind": kind, "text": text}


# --- finding orders --------------------------------------------------------


@require_GET
@requires(VIEW_ORDERS)
def lookup(request: HtmxHttpRequest) -> HttpResponse:
    """The top bar's search: a dropdown for htmx, a results page (or the order itself) on Enter."""
    query = search_text(request.GET.get("q"))
    if request.htmx and not request.htmx.boosted:
        if not query:
            return HttpResponse("")  # an emptied box closes the dropdown, without asking BrightStar
        found = services.order_lookup(query=query, limit=DROPDOWN_SIZE)
        return render(request, "orders/lookup.html#dropdown", {"query": query, "found": found})
    found = services.order_lookup(query=query, limit=RESULTS_SIZE) if query else None
    if found is not None and query.lower().startswith(ORDER_ID_PREFIX):
        exact = [order for order in found if order.id.lower() == query.lower()]
        if len(exact) == 1:
            return redirect("orders:detail", order_id=exact[0].id)
    return render(request, "orders/lookup.html", {"query": query, "lookup_query": query, "found": found})


@require_GET
@requires(VIEW_ORDERS)
def event_orders(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    """One event's orders, filtered by status, date and buyer; the URL carries the filters."""
    try:
        event = services.event_get(event_id=event_id)
    except errors.NotFound:
        raise Http404("No such event") from None
    form = OrderFiltersForm(request.GET)
    found = None
    if form.is_valid():
        filters = form.cleaned_data
        number = filters["page"] or 1
        found = services.order_list(
            event_id=event.id, status=filters["status"] or None, date_from=filters["date_from"],
            date_to=filters["date_to"], q=filters["q"] or None, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE,
        )
    context = {
        "event": event, "form": form, "found": found,
        "pages": page_numbers(found) if found is not None else [],
        "last_shown": found.offset + len(found) if found is not None else 0,
    }
    status = 200 if form.is_valid() else 422
    return render_page(request, "orders/event_orders.html", context, fragment="results", status=status)


# --- the order page --------------------------------------------------------


def _order_page(request, order, *, refund_form=None, notice=None, toast=None, status=200) -> HttpResponse:
    """The order page, or (htmx) just its #order section, which every action refreshes."""
    if refund_form is None and order.refundable > 0 and has(request.user, REFUND):
        refund_form = RefundForm.fresh(order, idempotency_key=services.new_idempotency_key())
    context = {
        "order": order,
        "order_id": order.id,
        "refund_form": refund_form,
        "reasons": REASONS,
        "notice": notice,
        "toast": toast,
        "resend_key": services.new_idempotency_key(),
        "trail": audit_for_order(order_id=order.id)[:AUDIT_TRAIL_SIZE],
    }
    return render_page(request, "orders/detail.html", context, fragment="order", status=status)


@require_GET
@requires(VIEW_ORDERS)
def detail(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    # One call: the order embeds its items, attendees and refunds.
    return _order_page(request, _order_or_404(order_id))


def _rebound(form: RefundForm, order, *, idempotency_key: str) -> RefundForm:
    """The user's amount and reason kept, on a form for the order as it is now."""
    data = form.data.copy()
    data["idempotency_key"] = idempotency_key
    data["expected_amount_refunded"] = str(order.amount_refunded)
    return RefundForm(data, order=order)


@require_POST
@requires(REFUND)
def refund(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    # Read first: the currency parses the amount, and every refusal re-renders the order.
    order = _order_or_404(order_id)
    form = RefundForm(request.POST, order=order)
    if not form.is_valid():
        return _order_page(request, order, refund_form=form, status=422)
    key = form.cleaned_data["idempotency_key"]
    try:
        result = services.order_refund(
            order_id=order.id, amount=form.cleaned_data["amount"], reason=form.reason_text,
            idempotency_key=key, expected_amount_refunded=form.cleaned_data["expected_amount_refunded"],
            staff=request.user,
        )
    except (errors.ConnectionFailed, errors.ServerError, errors.RateLimited) as exc:
        # Maybe refunded, maybe not: the same form, with the SAME key, so a
        # retry is answered from BrightStar's record instead of refunding twice.
        return _order_page(request, order, refund_form=form, notice=_notice("error", describe(exc, write=True)))
    except errors.Conflict as exc:
        if exc.code == errors.IDEMPOTENCY_IN_PROGRESS:
            return _order_page(request, order, refund_form=form, notice=_notice("warning", describe(exc)))
        return _refused(request, form, describe(exc))
    except errors.ValidationError as exc:
        if exc.code == errors.IDEMPOTENCY_KEY_REUSED:
            return _refused(request, form, KEY_REUSED_MESSAGE)
        # The answer is stored against this key: the corrected form needs a new one.
        form = _rebound(form, order, idempotency_key=services.new_idempotency_key())
        form.is_valid()
        form.api_field_error(exc.field, describe(exc))
        return _order_page(request, order, refund_form=form, status=422)
    except errors.NotFound:
        raise Http404("No such order") from None
    except errors.BrightStarError as exc:
        return _refused(request, form, describe(exc))
    return _refunded(request, result, fallback=order, key=key)


def _refused(request, form: RefundForm, message: str) -> HttpResponse:
    """BrightStar said no: show the order as it is now, with the user's input and a new key."""
    order = _order_or_404(form.order.id)
    rebound = _rebound(form, order, idempotency_key=services.new_idempotency_key()) if order.refundable > 0 else None
    return _order_page(request, order, refund_form=rebound, notice=_notice("error", message))


def _refunded(request, result, *, fallback, key: str) -> HttpResponse:
    order = result.order or fallback
    last_attempt = audit_attempts_by_key(idempotency_key=key).last()
    amount = format_amount(result.amount, order.currency)
    if last_attempt is not None and last_attempt.outcome == AuditEntry.Outcome.REPLAYED:
        text = f"That refund of {amount} was already made (the same form was sent twice). Nothing was refunded twice."
    else:
        left = format_amount(order.refundable, order.currency)
        text = f"Refunded {amount}. Still refundable: {left}."
    if not request.htmx:
        messages.success(request, text)
        return redirect("orders:detail", order_id=order.id)
    # A new form, with a new key, for the next refund (if anything is left).
    return _order_page(request, order, notice=_notice("success", text), toast=_notice("success", text))


# --- resend ----------------------------------------------------------------


def _rate_limited_text(exc: errors.RateLimited) -> str:
    seconds = float(exc.retry_after or exc.extra.get("retry_after") or 3600)
    if seconds <= 120:  # a short throttle of the whole API, not this order's hourly limit
        return describe(exc)
    minutes = max(1, math.ceil(seconds / 60))
    return (f"The confirmation was already sent {RESEND_LIMIT_PER_HOUR} times this hour. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.")


@require_POST
@requires(RESEND)
def resend(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    # The key comes with the button, so a double click sends one email.
    key = request.POST.get("idempotency_key") or services.new_idempotency_key()
    sent = notice = None
    try:
        sent = services.order_resend(order_id=order_id, idempotency_key=key, staff=request.user)
    except errors.RateLimited as exc:
        notice = _notice("error", _rate_limited_text(exc))
    except errors.NotFound:
        raise Http404("No such order") from None
    except (errors.ConnectionFailed, errors.ServerError) as exc:
        notice = _notice("error", describe(exc, write=True))
    except errors.BrightStarError as exc:
        notice = _notice("error", describe(exc))
        key = services.new_idempotency_key()
    else:
        key = services.new_idempotency_key()
    if not request.htmx:
        if sent is not None:
            messages.success(request, f"Confirmation sent to {sent.email}.")
        else:
            messages.error(request, notice["text"])
        return redirect("orders:detail", order_id=order_id)
    toast = _notice("success", f"Confirmation sent to {sent.email}.") if sent is not None else None
    context = {"order_id": order_id, "resend_key": key, "sent": sent, "resend_notice": notice, "resend_toast": toast}
    return render(request, "orders/detail.html#resend", context)
