"""Door mode: scan, search, undo, live counters, and the attendee list.

One scan is one API call (POST /checkins): the panel's ticket type name
comes from a cache the page render fills, not from a second request.
"""

import dataclasses
from collections.abc import Iterable, Iterator
from itertools import batched
from typing import Any

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from boxoffice.brightstar import errors
from boxoffice.brightstar.client import new_idempotency_key
from boxoffice.brightstar.resources import Attendee
from boxoffice.door import outcomes, services
from boxoffice.door.device_views import device_page_context
from boxoffice.door.forms import AttendeeFilterForm, ScanForm, UndoForm
from boxoffice.events.services import event_get
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import CHECK_IN, VIEW_EMAILS, has
from boxoffice.venue import selectors as venue_selectors
from boxoffice.venue import services as venue
from boxoffice.venue.selectors import ReplicaMatch
from boxoffice.venue.services import OfflineVerdict
from boxoffice.web.feedback import DOOR_NAME_MAX, DOOR_SETTING_REFUSED, describe
from boxoffice.web.http import HtmxHttpRequest, render_page, search_text
from boxoffice.web.lists import render_list

UNDO_SECONDS = 30
SEARCH_LIMIT = 10
LIST_PAGE_SIZE = 50
PRINT_BATCH = 100  # rows rendered per chunk of the streamed print view (one API page)


def _for[A: Attendee | ReplicaMatch](request: HtmxHttpRequest, attendees: Iterable[A]) -> Iterator[A]:
    """The attendees as this user may see them: without their emails for the door.

    Dropped here, not only hidden by the template, so no page, fragment or
    print a door volunteer opens carries one.
    """
    if has(request.user, VIEW_EMAILS):
        yield from attendees
    else:
        for a in attendees:
            yield dataclasses.replace(a, email="")


def _page(request: HtmxHttpRequest, event_id: str, result=None, *, search: dict | None = None) -> HttpResponse:
    page = services.door_page(event_id=event_id)
    services.event_zone_remember(page.event)
    context = {
        "event": page.event,
        "event_id": event_id,
        "counters": page.counters,
        "result": result,
        "idempotency_key": new_idempotency_key(),
        "undo_seconds": UNDO_SECONDS,
        "mode": venue_selectors.door_mode(event_id=event_id),
        "door_name_max": DOOR_NAME_MAX,
        "device_answer_ms": settings.DOOR_DEVICE_ANSWER_MS,
        **device_page_context(request, event_id),
        **(search or {}),
    }
    return render(request, "door/scan.html", context)


def _door(request: HtmxHttpRequest) -> str:
    """Where a scan came from, for the organizer's conflicts list: the device's address."""
    return request.META.get("REMOTE_ADDR", "")


def _answer(request: HtmxHttpRequest, event_id: str, result, *, tapped: bool = False) -> HttpResponse:
    """The panel (and a line for the scan log) for htmx; the whole page otherwise."""
    if not request.htmx:
        return _page(request, event_id, result)
    # The log line's clock, as {% now "H:i:s" %} showed it, for a tenth of the price: every scan renders it.
    logged_at = timezone.localtime().strftime("%H:%M:%S")
    response = render_page(
        request,
        "door/scan.html",
        {"result": result, "event_id": event_id, "undo_seconds": UNDO_SECONDS, "logged_at": logged_at},
        fragment="scanned",
    )
    if tapped:  # the search list shows states: let it refresh itself
        trigger_client_event(response, "door:refresh")
    return response


@require_http_methods(["GET", "POST"])
@requires(CHECK_IN)
def scan(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    if request.method == "GET":
        # The door opens: the replica that venue mode decides from starts (or keeps) syncing.
        venue.door_opened(event_id=event_id)
        return _page(request, event_id)
    form = ScanForm(request.POST)
    if not form.is_valid():
        if problem := form.setting_error():  # the door's name or id refused: say so, send nothing
            return _answer(
                request,
                event_id,
                outcomes.ScanResult("refused_setting", outcomes.NONE, gettext(DOOR_SETTING_REFUSED), problem),
            )
        # An Enter on an empty field: nothing to ask the API, nothing to show.
        return HttpResponse(status=204) if request.htmx else redirect("door:scan", event_id=event_id)
    barcode = form.cleaned_data["barcode"] or ""
    attendee_id = form.cleaned_data["attendee_id"] or None
    try:
        attendee = services.attendee_check_in(
            event_id=event_id,
            barcode=barcode or None,
            attendee_id=attendee_id,
            idempotency_key=form.cleaned_data["idempotency_key"],
            staff=request.user,
            door=_door(request),
            gate=form.cleaned_data["gate"],
            device=form.cleaned_data["device"],
        )
    except errors.BrightStarError as exc:
        result = outcomes.refused(event_id, exc, barcode)
    else:
        if isinstance(attendee, OfflineVerdict):
            result = outcomes.offline(attendee, barcode)
        else:
            result = outcomes.admitted(event_id, attendee, barcode)
    return _answer(request, event_id, result, tapped=attendee_id is not None)


@require_POST
@requires(CHECK_IN)
def undo(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    form = UndoForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=204) if request.htmx else redirect("door:scan", event_id=event_id)
    try:
        attendee = services.attendee_check_in_undo(
            event_id=event_id,
            attendee_id=form.cleaned_data["attendee_id"],
            staff=request.user,
            door=_door(request),
        )
    except errors.BrightStarError as exc:
        result = outcomes.undo_refused(exc)
    else:
        if isinstance(attendee, OfflineVerdict):
            result = (
                outcomes.offline(attendee)
                if attendee.undone
                else outcomes.undo_refused(errors.Conflict("not checked in", code=errors.NOT_CHECKED_IN))
            )
        else:
            result = outcomes.undone(event_id, attendee)
    return _answer(request, event_id, result, tapped=True)


@require_GET
@requires(CHECK_IN)
def counters_view(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    if not request.htmx:  # the fragment's URL opened directly: show the door page it belongs to
        return redirect("door:scan", event_id=event_id)
    # One call, fresh (never the cache): the door needs who is in *now*; the replica when BrightStar is silent.
    return render_page(
        request,
        "door/scan.html",
        {"counters": services.door_counters(event_id=event_id), "event_id": event_id},
        fragment="counters",
    )


@require_GET
@requires(CHECK_IN)
def mode_view(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    """The mode strip, polled: the dashboard's own database only, so it answers while BrightStar does not."""
    if not request.htmx:
        return redirect("door:scan", event_id=event_id)
    venue.door_seen(event_id=event_id)
    return render_page(
        request,
        "door/scan.html",
        {"mode": venue_selectors.door_mode(event_id=event_id), "event_id": event_id},
        fragment="mode",
    )


@require_GET
@requires(CHECK_IN)
def search(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    q = search_text(request.GET.get("q"))
    context: dict[str, Any] = {
        "q": q,
        "event_id": event_id,
        "found": None,
        "message": "",
        "zone": services.event_zone(event_id),
    }
    if len(q) >= 2:
        try:
            found = services.attendee_search(event_id=event_id, q=q, limit=SEARCH_LIMIT)
        except errors.BrightStarError as exc:
            context["message"] = describe(exc)
        else:
            context["found"] = [
                {
                    "attendee": a,
                    "ticket_type": found.ticket_types.get(a.ticket_type_id, ""),
                    "key": new_idempotency_key(),
                }
                for a in _for(request, found.items)
            ]
            context["total"] = found.total
            context["copy_as_of"] = found.copy_as_of
    if not request.htmx:  # the search form posted without JavaScript
        return _page(request, event_id, search=context)
    return render_page(request, "door/scan.html", context, fragment="search_results")


@require_GET
@requires(CHECK_IN)
def attendees(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    event = event_get(event_id=event_id)
    names = services.ticket_type_names(event_id)
    form = AttendeeFilterForm(request.GET, names=names)
    page = services.attendee_list(
        event_id=event_id, **form.values(), limit=LIST_PAGE_SIZE, offset=form.offset(LIST_PAGE_SIZE)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "event": event,
        "form": form,
        "rows": [{"attendee": a, "ticket_type": names.get(a.ticket_type_id, "")} for a in _for(request, page.items)],
        "query": query.urlencode(),
    }
    return render_list(request, "door/attendees.html", context, page=page)


def filter_words(values: dict, names: dict[str, str]) -> str:
    """The filter in words for a printed list's header: "Not checked in · VIP Balcony · matching “ada”"."""
    checked_in = values.get("checked_in")
    if checked_in is None:
        parts = [gettext("Everyone")]
    else:
        parts = [gettext("Checked in") if checked_in else gettext("Not checked in")]
    if values.get("ticket_type"):
        parts.append(names.get(values["ticket_type"], values["ticket_type"]))
    if values.get("q"):
        parts.append(gettext("matching “%(q)s”") % {"q": values["q"]})
    return " · ".join(parts)


@requires(CHECK_IN)
@require_GET
def attendees_print(request: HtmxHttpRequest, event_id: str) -> StreamingHttpResponse:
    """Every attendee of the list's filter on paper (the door's fallback when the Wi-Fi dies).

    Streamed like the CSV export: rows are written as each API page arrives,
    so a 20,000-name list neither waits for the last page nor sits in memory;
    the printer pages it (static/css/print.css repeats the header row).
    """
    event = event_get(event_id=event_id)
    names = services.ticket_type_names(event_id)
    form = AttendeeFilterForm(request.GET, names=names)
    values = form.values()
    attendees = services.attendee_iter(event_id=event_id, **values)
    # The first page now: if BrightStar is down, the error page, not half a list.
    first = next(attendees, None)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "event": event,
        "filter": filter_words(values, names),
        "printed_at": timezone.localtime(),
        "query": query.urlencode(),
        "empty": first is None,
        "emails": has(request.user, VIEW_EMAILS),
    }

    def chunks() -> Iterator[str]:
        yield render_to_string("door/print.html#head", context, request)
        count = 0
        if first is not None:
            rows = _for(request, _chain_one(first, attendees))
            try:
                for batch in batched(rows, PRINT_BATCH):
                    count += len(batch)
                    yield render_to_string(
                        "door/print.html#rows",
                        {
                            "rows": [{"attendee": a, "ticket_type": names.get(a.ticket_type_id, "")} for a in batch],
                            "emails": context["emails"],
                            "event": event,  # a checked-in row shows its time in the event's zone
                        },
                    )
            except errors.BrightStarError as exc:
                # The page has started: say on paper that it stops short, never end it silently.
                yield render_to_string(
                    "door/print.html#incomplete", {"message": describe(exc), "emails": context["emails"]}
                )
        yield render_to_string("door/print.html#foot", {**context, "count": count}, request)

    response = StreamingHttpResponse(chunks(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-store"  # names (and, for the desk, emails): not for a shared cache
    return response


def _chain_one(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest
