"""CSV of an event's attendees, streamed page by page from the API.

100,000 attendees are 1,000 API pages: rows are written as each page
arrives (services.attendee_iter), so memory holds one page, not the event.
"""

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from boxoffice.brightstar import errors
from boxoffice.door import services
from boxoffice.door.forms import AttendeeFilterForm
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_ORDERS
from boxoffice.web.feedback import describe
from boxoffice.web.http import HtmxHttpRequest

HEADER = ["name", "email", "ticket type", "barcode", "status", "checked_in", "checked_in_at"]


class _Line:
    """csv.writer wants a file; each write is one line to yield."""

    def write(self, value: str) -> str:
        return value


def _rows(attendees: Iterator, names: dict[str, str]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(HEADER)
    try:
        for a in attendees:
            at = timezone.localtime(a.checked_in_at).isoformat() if a.checked_in_at else ""
            yield writer.writerow(
                [
                    _cell(a.name),
                    _cell(a.email),
                    _cell(names.get(a.ticket_type_id, "")),
                    a.barcode,
                    a.status,
                    "yes" if a.checked_in else "no",
                    at,
                ]
            )
    except errors.BrightStarError as exc:
        # The headers are gone already: say so in the file rather than end it silently short.
        yield writer.writerow([f"EXPORT INCOMPLETE: {describe(exc)}"])


def _cell(text: str) -> str:
    # A name like "=HYPERLINK(...)" must stay text when the file opens in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# Emails of every attendee leave the building here: orders staff only, not the door.
@require_GET
@requires(VIEW_ORDERS)
def export(request: HtmxHttpRequest, event_id: str) -> StreamingHttpResponse:
    names = services.ticket_type_names(event_id)
    form = AttendeeFilterForm(request.GET, names=names)
    attendees = services.attendee_iter(event_id=event_id, **form.values())
    # Fetch the first page now: if BrightStar is down, the user gets the
    # error page instead of a download that is only a header line.
    first = next(attendees, None)
    stream = attendees if first is None else _chain(first, attendees)
    response = StreamingHttpResponse(_rows(stream, names), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="attendees-{event_id}-{stamp}.csv"'
    return response


def _chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest
