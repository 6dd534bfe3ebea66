"""What the event page's views share: the event or a 404, the page's context, the "changed" signal."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from django_htmx.http import trigger_client_event

from boxoffice.brightstar import errors
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.events import services
from boxoffice.events.charts import arrivals_hours, event_charts
from boxoffice.events.forms import TicketTypeForm
from boxoffice.orders.services import order_list
from boxoffice.staff.roles import MANAGE_EVENTS, VIEW_ORDERS, has
from boxoffice.web.feedback import charts_unavailable
from boxoffice.web.http import HtmxHttpRequest

RECENT_ORDERS = 5
# Sent after any change that moves the event's figures; the summary listens and reloads.
EVENT_CHANGED = "event-changed"


def event_or_404(event_id: str, *, use_cache: bool = True):
    try:
        return services.event_get(event_id=event_id, use_cache=use_cache)
    except errors.NotFound:
        raise Http404("No such event") from None


def changed(response: HttpResponse) -> HttpResponse:
    return trigger_client_event(response, EVENT_CHANGED)


def detail_context(request: HtmxHttpRequest, event, **extra) -> dict:
    """Everything the event page shows: at most two more calls after the event itself."""
    context = {
        "event": event,
        "ticket_types": services.ticket_type_list(event_id=event.id),
        "recent_orders": None,
        "editing_id": None,
    }
    if has(request.user, VIEW_ORDERS):
        context["recent_orders"] = order_list(event_id=event.id, limit=RECENT_ORDERS)
    if has(request.user, MANAGE_EVENTS):
        # The edit form waits in a closed <details> and is fetched when opened (events:edit, GET):
        # building and rendering it on every visit was a fifth of the page's own time.
        context["add_form"] = new_ticket_type_form(event)
    context.update(extra)
    return context


def new_ticket_type_form(event, data=None) -> TicketTypeForm:
    initial = {"idempotency_key": new_idempotency_key()}
    return TicketTypeForm(data, initial=initial, currency=event.currency, prefix="new")


def charts_context(event) -> dict:
    """The charts, from one stats call; if it fails, the page goes on without them and says why."""
    try:
        stats = services.event_stats(event_id=event.id, hours=arrivals_hours(event, timezone.now()))
    except errors.BrightStarError as exc:
        return {"charts": None, "charts_error": charts_unavailable(exc)}
    return {"charts": event_charts(event=event, stats=stats)}
