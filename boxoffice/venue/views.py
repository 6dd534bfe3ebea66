"""The organizer's list of conflicts: offline decisions BrightStar refused when it heard of them."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from boxoffice.brightstar.errors import BrightStarError
from boxoffice.brightstar.resources import Event
from boxoffice.events.services import event_get
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_CONFLICTS
from boxoffice.venue.selectors import conflict_list, door_page_copy
from boxoffice.web.feedback import code_sentence
from boxoffice.web.http import HtmxHttpRequest


def _event(event_id: str) -> Event | None:
    """BrightStar's event, or the door page's last copy of it: the list is ours and must open while it is down."""
    try:
        return event_get(event_id=event_id)
    except BrightStarError:
        copy = door_page_copy(event_id=event_id)
        return copy.event if copy else None


@require_GET
@requires(VIEW_CONFLICTS)
def conflicts(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    event = _event(event_id)
    rows = [
        {"entry": e, "said": code_sentence(e.result_code) or gettext(e.result_message)}
        for e in conflict_list(event_id=event_id)
    ]
    context = {
        "event_id": event_id,
        "title": event.title if event else event_id,
        # A scan happened at the venue: its time reads as the venue's clock, whatever zone the dashboard runs in.
        "zone": event.timezone if event else settings.TIME_ZONE,
        "rows": rows,
    }
    return render(request, "venue/conflicts.html", context)
