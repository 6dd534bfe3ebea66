"""Orders at the desk: find one, read it, refund it, resend its confirmation.

Door volunteers never reach these views (VIEW_ORDERS). Reads let API
failures through to the middleware (a banner or an error page); the two
writes explain their failures in place and keep what the user typed.
"""

from dataclasses import replace

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from boxoffice.audit.selectors import audit_for_order
from boxoffice.brightstar import errors
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.brightstar.orders import ORDER_ID_PREFIX
from boxoffice.brightstar.resources import Refund, Sent
from boxoffice.events.services import event_get
from boxoffice.money import format_amount, input_hints
from boxoffice.orders import services
from boxoffice.orders.forms import OrderFiltersForm, RefundForm
from boxoffice.orders.services import OrderPage
from boxoffice.prepared import Prepared
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import REFUND, RESEND, VIEW_ORDERS, has
from boxoffice.web.feedback import confirmation_sent, describe, refund_done, refund_replayed
from boxoffice.web.http import HtmxHttpRequest, render_page, search_text
from boxoffice.web.lists import render_list

DROPDOWN_SIZE = 8
RESULTS_SIZE = 25
PAGE_SIZE = 20
AUDIT_TRAIL_SIZE = 50
# On every order page and after every refund: the trail's query is compiled once (boxoffice/prepared.py).
_TRAIL = Prepared(lambda order_id: audit_for_order(order_id=order_id)[:AUDIT_TRAIL_SIZE], order_id="prepared:order")


def _order_or_404(order_id: str) -> OrderPage:
    try:
        return services.order_page_get(order_id=order_id)
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
        dropdown = services.order_lookup(query=query, limit=DROPDOWN_SIZE)
        return render(request, "orders/lookup.html#dropdown", {"query": query, "found": dropdown})
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
        event = event_get(event_id=event_id)
    except errors.NotFound:
        raise Http404("No such event") from None
    form = OrderFiltersForm(request.GET)
    page = None
    if form.is_valid():
        page = services.order_list(event_id=event.id, **form.values(), limit=PAGE_SIZE, offset=form.offset(PAGE_SIZE))
    context = {"event": event, "form": form}
    return render_list(request, "orders/event_orders.html", context, page=page, status=200 if form.is_valid() else 422)


# --- the order page --------------------------------------------------------


def _order_page(request, found: OrderPage, *, refund_form=None, confirm=None, notice=None, status=200) -> HttpResponse:
    """The order page, or (htmx) just its #order section, which every action refreshes."""
    order = found.order
    if refund_form is None and order.refundable > 0 and has(request.user, REFUND):
        refund_form = RefundForm.fresh(
            order, idempotency_key=new_idempotency_key(), ticket_type_names=found.ticket_type_names
        )
    context = {
        "order": order,
        "event": found.event,
        "names": found.ticket_type_names,
        "order_id": order.id,
        "refund_form": refund_form,
        "hints": input_hints(order.currency),
        "confirm": confirm,
        "notice": notice,
        "resend_key": new_idempotency_key(),
        "trail": _TRAIL.all(order_id=order.id),
    }
    return render_page(request, "orders/detail.html", context, fragment="order", status=status)


@require_GET
@requires(VIEW_ORDERS)
def detail(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    return _order_page(request, _order_or_404(order_id))


def _refund_form(found: OrderPage, data) -> RefundForm:
    return RefundForm(data, order=found.order, ticket_type_names=found.ticket_type_names)


def _rebound(form: RefundForm, found: OrderPage, *, idempotency_key: str) -> RefundForm:
    """What the user typed and ticked, on a form for the order as it is now, unconfirmed."""
    data = form.data.copy() if isinstance(form.data, QueryDict) else QueryDict(mutable=True)
    data["idempotency_key"] = idempotency_key
    data["expected_amount_refunded"] = str(found.order.amount_refunded)
    data.pop("confirmed", None)
    return _refund_form(found, data)


@require_POST
@requires(REFUND)
def refund(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    """Two steps: the form, then a confirmation of what will happen; only the second sends the refund."""
    # Read first: the currency parses the amount, and every refusal re-renders the order.
    found = _order_or_404(order_id)
    form = _refund_form(found, request.POST)
    if not form.is_valid():
        return _order_page(request, found, refund_form=form, status=422)
    if not form.cleaned_data["confirmed"]:
        # Nothing goes out until staff have read the amount as parsed, the buyer and the tickets.
        return _order_page(request, found, refund_form=form, confirm=form.plan())
    try:
        sent = services.order_refund(
            order_id=found.order.id,
            amount=form.cleaned_data["amount"],
            reason=form.reason_text,
            idempotency_key=form.cleaned_data["idempotency_key"],
            expected_amount_refunded=form.cleaned_data["expected_amount_refunded"],
            attendee_ids=form.cleaned_data["tickets"],
            staff=request.user,
        )
    except errors.NotFound:
        raise Http404("No such order") from None
    except errors.BrightStarError as exc:
        return _refund_failed(request, form, found, exc)
    return _refunded(request, sent, found)


def _refund_failed(request, form: RefundForm, found: OrderPage, exc: errors.BrightStarError) -> HttpResponse:
    """What staff see when a refund did not go through, with what they typed kept."""
    if isinstance(exc, errors.ConnectionFailed | errors.ServerError | errors.RateLimited) or (
        exc.code == errors.IDEMPOTENCY_IN_PROGRESS
    ):
        # Maybe refunded, maybe not (or not yet): the same form, with the SAME key, so a
        # retry is answered from BrightStar's record instead of refunding twice.
        kind = "warning" if exc.code == errors.IDEMPOTENCY_IN_PROGRESS else "error"
        return _order_page(request, found, refund_form=form, notice=_notice(kind, describe(exc)))
    if isinstance(exc, errors.ValidationError) and exc.code != errors.IDEMPOTENCY_KEY_REUSED:
        # The answer is stored against this key: the corrected form needs a new one.
        form = _rebound(form, found, idempotency_key=new_idempotency_key())
        form.is_valid()
        form.api_error(exc)
        return _order_page(request, found, refund_form=form, status=422)
    return _refused(request, form, describe(exc))


def _refused(request, form: RefundForm, message: str) -> HttpResponse:
    """BrightStar said no: show the order as it is now, with the user's input and a new key."""
    found = _order_or_404(form.order.id)
    rebound = None
    if found.order.refundable > 0:
        rebound = _rebound(form, found, idempotency_key=new_idempotency_key())
    return _order_page(request, found, refund_form=rebound, notice=_notice("error", message))


def _refunded(request, sent: Sent[Refund], found: OrderPage) -> HttpResponse:
    result = sent.value
    order = result.order or found.order
    amount = format_amount(result.amount, order.currency)
    if sent.sent_twice_by_staff:
        text = refund_replayed(amount=amount)
    else:
        left = format_amount(order.refundable, order.currency)
        text = refund_done(amount=amount, voided=len(result.attendee_ids), left=left)
    if not request.htmx:
        messages.success(request, text)
        return redirect("orders:detail", order_id=order.id)
    # A new form, with a new key, for the next refund (if anything is left).
    return _order_page(request, replace(found, order=order), notice=_notice("success", text))


# --- resend ----------------------------------------------------------------


@require_POST
@requires(RESEND)
def resend(request: HtmxHttpRequest, order_id: str) -> HttpResponse:
    # The key comes with the button, so a double click sends one email.
    key = request.POST.get("idempotency_key") or new_idempotency_key()
    sent = notice = None
    try:
        sent = services.order_resend(order_id=order_id, idempotency_key=key, staff=request.user).value
    except errors.NotFound:
        raise Http404("No such order") from None
    except errors.BrightStarError as exc:
        notice = _notice("error", describe(exc))
        if not isinstance(exc, errors.ConnectionFailed | errors.ServerError | errors.RateLimited):
            key = new_idempotency_key()  # refused for good: the next click is a new request
    else:
        key = new_idempotency_key()
    if not request.htmx:
        if sent is not None:
            messages.success(request, confirmation_sent(email=sent.email))
        elif notice is not None:
            messages.error(request, notice["text"])
        return redirect("orders:detail", order_id=order_id)
    # One message, in the panel where the button was: no toast on top of it.
    context = {"order_id": order_id, "resend_key": key, "sent": sent, "resend_notice": notice}
    return render(request, "orders/detail.html#resend", context)
