"""Events: the list, one event's page, and what organizers do to an event.

Reads let API failures through to the middleware (a banner, or an error
page); writes explain BrightStar's refusals in place, on the field or next to
the button, and keep what the user typed. Every read of a page is counted:
the list is one API call, the event page at most three, its charts one more
(fetched after the page, so the page never waits for them).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from boxoffice.brightstar import errors
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.events import services
from boxoffice.events.forms import PER_PAGE, SORTS, STATUSES, WHENS, EventFiltersForm, EventForm
from boxoffice.events.pages import changed, charts_context, detail_context, event_or_404
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import MANAGE_EVENTS, VIEW_EVENTS
from boxoffice.web.charts import meter
from boxoffice.web.feedback import describe
from boxoffice.web.http import HtmxHttpRequest, is_fragment, render_page
from boxoffice.web.lists import render_list

# --- the list --------------------------------------------------------------------


@require_GET
@requires(VIEW_EVENTS)
def event_list(request: HtmxHttpRequest) -> HttpResponse:
    """Tabs, sort and pages live in the URL, so a shared link or the back button shows the same list."""
    form = EventFiltersForm(request.GET)
    when, status, sort = form.when_value, form.status_value, form.sort_value
    # One call: the event rows carry their own capacity and sales figures.
    page = services.event_list(
        status=status or None, **form.api_filters(), limit=PER_PAGE, offset=form.offset(PER_PAGE)
    )
    context = {
        "status": status,
        "when": when,
        "whens": [
            {"label": label, "url": request.path + form.query(when=value), "current": value == when}
            for value, label in WHENS
        ],
        "tabs": [
            {"label": label, "url": request.path + form.query(status=value), "current": value == status}
            for value, label in STATUSES
        ],
        "sorts": [
            {"label": label, "url": request.path + form.query(sort=value), "current": value == sort}
            for value, (label, _) in SORTS.items()
        ],
        # Each row's sold/capacity bar, from the figures the row already carries: no extra call.
        "meters": {event.id: meter(event.tickets_sold, event.capacity) for event in page},
    }
    return render_list(request, "events/list.html", context, page=page)


# --- one event -------------------------------------------------------------------


@require_GET
@requires(VIEW_EVENTS)
def event_detail(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    event = event_or_404(event_id)
    return render_page(request, "events/detail.html", detail_context(request, event))


@require_GET
@requires(VIEW_EVENTS)
def event_charts(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    """The charts, fetched by the event page once it is shown (the stats are its slowest read: the page
    does not wait for them); without JavaScript, the whole page with the charts in place."""
    event = event_or_404(event_id)
    if is_fragment(request):
        return render_page(request, "events/detail.html", {"event": event, **charts_context(event)}, fragment="charts")
    return render_page(request, "events/detail.html", detail_context(request, event, **charts_context(event)))


@require_GET
@requires(VIEW_EVENTS)
def event_summary(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    """The event's heading and figures alone, reloaded after a change elsewhere on the page."""
    if not is_fragment(request):
        return redirect("events:detail", event_id=event_id)
    return render_page(request, "events/detail.html", {"event": event_or_404(event_id)}, fragment="summary")


# --- organizers' changes -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@requires(MANAGE_EVENTS)
def event_create(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = EventForm(initial={"idempotency_key": new_idempotency_key(), "currency": "USD"})
        return render_page(request, "events/create.html", {"form": form})
    form = EventForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_create(
                title=data["title"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                description=data["description"],
                venue=data["venue"],
                currency=data["currency"],
                timezone=data["timezone"],
                idempotency_key=data["idempotency_key"] or None,
                staff=request.user,
            )
        except errors.BrightStarError as exc:
            form.api_error(exc)
        else:
            messages.success(
                request,
                gettext("Created “%(title)s” as a draft. Add ticket types, then publish it.") % {"title": event.title},
            )
            url = reverse("events:detail", args=[event.id])
            return HttpResponseClientRedirect(url) if is_fragment(request) else redirect(url)
    return render_page(request, "events/create.html", {"form": form}, fragment="form", status=422)


@require_http_methods(["GET", "POST"])
@requires(MANAGE_EVENTS)
def event_edit(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    event = event_or_404(event_id)
    if request.method == "GET":
        # The form opened: the section alone for htmx, else the whole page with it open (no JavaScript).
        if is_fragment(request):
            context = {"event": event, "edit_form": EventForm.for_event(event), "edit_open": True}
            return render_page(request, "events/detail.html", context, fragment="edit")
        return render_page(
            request,
            "events/detail.html",
            detail_context(request, event, edit_form=EventForm.for_event(event), edit_open=True),
        )
    form = EventForm.for_event(event, data=request.POST)
    if form.is_valid():
        try:
            if changes := form.changes():
                event = services.event_update(event_id=event_id, **changes, staff=request.user)
        except errors.BrightStarError as exc:
            form.api_error(exc)
        else:
            if not is_fragment(request):
                messages.success(request, gettext("Event saved."))
                return redirect("events:detail", event_id=event_id)
            context = {"event": event, "edit_form": EventForm.for_event(event), "saved": True}
            return changed(render_page(request, "events/detail.html", context, fragment="edit"))
    if is_fragment(request):
        context = {"event": event, "edit_form": form, "edit_open": True}
        return render_page(request, "events/detail.html", context, fragment="edit", status=422)
    context = detail_context(request, event, edit_form=form, edit_open=True)
    return render_page(request, "events/detail.html", context, status=422)


def _status_change(request: HtmxHttpRequest, event_id: str, status: str, done: str) -> HttpResponse:
    try:
        event = services.event_update(event_id=event_id, status=status, staff=request.user)
    except errors.BrightStarError as exc:
        return _refused(request, event_id, exc)
    if not is_fragment(request):
        messages.success(request, done)
        return redirect("events:detail", event_id=event_id)
    return render_page(request, "events/detail.html", {"event": event, "action_done": done}, fragment="summary")


def _refused(request: HtmxHttpRequest, event_id: str, exc: errors.BrightStarError) -> HttpResponse:
    """BrightStar said no: say why next to the buttons, on the event as it is now."""
    event = event_or_404(event_id, use_cache=False)
    message = describe(exc, event_status=event.status)
    if is_fragment(request):
        context = {"event": event, "action_error": message}
        return render_page(request, "events/detail.html", context, fragment="summary", status=422)
    return render_page(request, "events/detail.html", detail_context(request, event, action_error=message), status=422)


@require_POST
@requires(MANAGE_EVENTS)
def event_publish(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    return _status_change(request, event_id, "published", gettext("Published: tickets are on sale."))


@require_POST
@requires(MANAGE_EVENTS)
def event_cancel(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    return _status_change(
        request, event_id, "cancelled", gettext("Event cancelled. Refund its orders from the order pages.")
    )


@require_POST
@requires(MANAGE_EVENTS)
def event_delete(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    try:
        services.event_delete(event_id=event_id, staff=request.user)
    except errors.BrightStarError as exc:
        return _refused(request, event_id, exc)
    messages.success(request, gettext("Draft event deleted."))
    url = reverse("events:list")
    return HttpResponseClientRedirect(url) if is_fragment(request) else redirect(url)
