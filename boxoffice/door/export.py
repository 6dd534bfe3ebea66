"""CSV of an event's attendees, streamed page by page from the API.

100,000 attendees are 1,000 API pages: rows are written as each page
arrives (services.attendee_iter), so memory holds one page, not the event.
The file opens right in Excel (see web.spreadsheets): BOM, times in the
event's zone, formulas defused.
"""

from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from boxoffice.brightstar.resources import Attendee
from boxoffice.door import services
from boxoffice.door.forms import AttendeeFilterForm
from boxoffice.events.services import event_get
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_ORDERS
from boxoffice.web.http import HtmxHttpRequest
from boxoffice.web.spreadsheets import cell, csv_stream, local_time, started


def header(zone: str) -> list[str]:
    return [
        "name",
        "email",
        "order id",
        "ticket type",
        "barcode",
        "status",
        "checked in",
        f"checked in at ({zone})",
    ]


def _rows(attendees: Iterator[Attendee], names: dict[str, str], zone: str) -> Iterator[list[str]]:
    for a in attendees:
        yield [
            cell(a.name),
            cell(a.email),
            a.order_id,
            cell(names.get(a.ticket_type_id, "")),
            a.barcode,
            a.status,
            "yes" if a.checked_in else "no",
            local_time(a.checked_in_at, zone),
        ]


# Emails of every attendee leave the building here: orders staff only, not the door.
@require_GET
@requires(VIEW_ORDERS)
def export(request: HtmxHttpRequest, event_id: str) -> StreamingHttpResponse:
    zone = event_get(event_id=event_id).timezone
    names = services.ticket_type_names(event_id)
    form = AttendeeFilterForm(request.GET, names=names)
    attendees = started(services.attendee_iter(event_id=event_id, **form.values()))
    response = StreamingHttpResponse(
        csv_stream(header(zone), _rows(attendees, names, zone)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="attendees-{event_id}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"  # names and emails: not for a shared cache
    return response
