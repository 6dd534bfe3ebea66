"""The organizer's list of conflicts: offline decisions BrightStar refused when it heard of them."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from boxoffice.brightstar.errors import BrightStarError
from boxoffice.events.services import event_get
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_CONFLICTS
from boxoffice.venue.selectors import conflict_list
from boxoffice.web.feedback import code_sentence
from boxoffice.web.http import HtmxHttpRequest


@require_GET
@requires(VIEW_CONFLICTS)
def conflicts(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    try:
        title = event_get(event_id=event_id).title
    except BrightStarError:  # the list is ours: it must open while BrightStar is down
        title = event_id
    rows = [
        {"entry": e, "said": code_sentence(e.result_code) or e.result_message} for e in conflict_list(event_id=event_id)
    ]
    return render(request, "venue/conflicts.html", {"event_id": event_id, "title": title, "rows": rows})
