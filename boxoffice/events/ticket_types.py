"""Ticket types, edited in place on the event page.

A row turns into a form (Edit), saves back into a row (Save) or comes back
unchanged (Cancel). Without JavaScript the same URLs serve the whole event
page with that row open, and forms post as plain forms.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from boxoffice.brightstar import errors
from boxoffice.events import services
from boxoffice.events.forms import TicketTypeForm
from boxoffice.events.pages import changed, detail_context, event_or_404, new_ticket_type_form
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import MANAGE_EVENTS
from boxoffice.web.http import HtmxHttpRequest, is_fragment, render_page

TEMPLATE = "events/detail.html"


def _ticket_type_or_404(event_id: str, ticket_type_id: str):
    # No single-ticket-type read in the API: the event's (cached) list is one call at most.
    for ticket_type in services.ticket_type_list(event_id=event_id):
        if ticket_type.id == ticket_type_id:
            return ticket_type
    raise Http404("No such ticket type")


@require_GET
@requires(MANAGE_EVENTS)
def ticket_type_row(request: HtmxHttpRequest, event_id: str, ticket_type_id: str) -> HttpResponse:
    """Cancel: the row as it was."""
    if not is_fragment(request):
        return redirect("events:detail", event_id=event_id)
    event = event_or_404(event_id)
    context = {"event": event, "tt": _ticket_type_or_404(event_id, ticket_type_id), "focus_row": True}
    return render_page(request, TEMPLATE, context, fragment="ticket_row")


@require_http_methods(["GET", "POST"])
@requires(MANAGE_EVENTS)
def ticket_type_edit(request: HtmxHttpRequest, event_id: str, ticket_type_id: str) -> HttpResponse:
    event = event_or_404(event_id)
    ticket_type = _ticket_type_or_404(event_id, ticket_type_id)
    data = request.POST if request.method == "POST" else None
    form = TicketTypeForm.for_ticket_type(ticket_type, currency=event.currency, data=data)
    status = 200
    if data is not None:
        if form.is_valid():
            try:
                if changes := form.changes():
                    ticket_type = services.ticket_type_update(
                        ticket_type_id=ticket_type_id, **changes, staff=request.user
                    )
            except errors.BrightStarError as exc:
                form.api_error(exc)
            else:
                if not is_fragment(request):
                    messages.success(request, gettext("Saved “%(name)s”.") % {"name": ticket_type.name})
                    return redirect("events:detail", event_id=event_id)
                context = {"event": event, "tt": ticket_type, "saved": True, "focus_row": True}
                return changed(render_page(request, TEMPLATE, context, fragment="ticket_row"))
        status = 422
    if is_fragment(request):
        context = {"event": event, "tt": ticket_type, "row_form": form}
        return render_page(request, TEMPLATE, context, fragment="ticket_row_edit", status=status)
    context = detail_context(request, event, editing_id=ticket_type_id, row_form=form)
    return render_page(request, TEMPLATE, context, status=status)


@require_POST
@requires(MANAGE_EVENTS)
def ticket_type_create(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    event = event_or_404(event_id)
    form = new_ticket_type_form(event, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.ticket_type_create(
                event_id=event_id,
                name=data["name"],
                price=data["price"],
                quantity=data["quantity"],
                idempotency_key=data["idempotency_key"] or None,
                staff=request.user,
            )
        except errors.BrightStarError as exc:
            form.api_error(exc)
        else:
            if not is_fragment(request):
                messages.success(request, gettext("Added “%(name)s”.") % {"name": created.name})
                return redirect("events:detail", event_id=event_id)
            # The whole table, with the new row in place and an empty form for the next one.
            context = {
                "event": event,
                "ticket_types": services.ticket_type_list(event_id=event_id),
                "add_form": new_ticket_type_form(event),
                "added": created,
            }
            response = render_page(request, TEMPLATE, context, fragment="ticket_types")
            return changed(reswap(retarget(response, "#ticket-types"), "outerHTML"))
    if is_fragment(request):
        return render_page(request, TEMPLATE, {"event": event, "add_form": form}, fragment="ticket_add", status=422)
    return render_page(request, TEMPLATE, detail_context(request, event, add_form=form), status=422)
