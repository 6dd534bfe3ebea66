"""The scan log as CSV: every check-in attempt under the chosen filters, streamed page by page from the API.

200,000 scans are 2,000 API pages: rows are written as each page arrives
(brightstar.scans.scan_iter), so memory holds one page, not the night.
The file opens right in Excel (web.spreadsheets): BOM, times in the event's
zone, text cells defused. A refusal reads in the door's own words
(feedback.DOOR), its machine code beside it for whoever filters on it.

For the desk (Box office, Organizer), not the door: it names the staff at
every door. It holds no emails, and no names: a scan carries its ticket's
id and barcode only, and looking each one up would cost a call per row.
"""

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from boxoffice.brightstar import errors
from boxoffice.brightstar.resources import Scan
from boxoffice.brightstar.scans import scan_iter
from boxoffice.events.services import event_get
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_ORDERS
from boxoffice.web.feedback import DOOR
from boxoffice.web.http import HtmxHttpRequest, render_page
from boxoffice.web.lists import FilterForm
from boxoffice.web.spreadsheets import cell, csv_stream, local_time, started

TEMPLATE = "door/scans_export.html"
# The refusals the API logs, as the door's panel words them.
REASONS = [
    (code, DOOR[code][0].plain)
    for code in (
        errors.ALREADY_CHECKED_IN,
        errors.TICKET_VOID,
        errors.NOT_FOUND,
        errors.WRONG_EVENT,
        errors.EVENT_NOT_ACTIVE,
    )
]
# The form speaks the reader's language; the file stays English, like the other exports (machine headers, words
# a script can match on whoever downloaded it).
RESULTS = [("admitted", _("Admitted")), ("refused", _("Refused"))]


class ScanFilterForm(FilterForm):
    # An export must say what is wrong with its filters: a file quietly unfiltered would be taken for the filtered one.
    lenient = False

    result = forms.ChoiceField(required=False, label=_("Result"), choices=[("", _("Admitted and refused")), *RESULTS])
    reason = forms.ChoiceField(
        required=False,
        label=_("Refused as"),
        choices=[("", _("Any reason")), *((code, _(words)) for code, words in REASONS)],
    )
    gate = forms.CharField(
        required=False,
        max_length=100,
        label=pgettext_lazy("entrance", "Door"),
        help_text=_("As the door phone named it."),
    )
    since = forms.DateTimeField(
        required=False,
        label=_("Scanned since"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, data=None, *, zone: str):
        super().__init__(data)
        self.zone = ZoneInfo(zone)

    def clean_since(self) -> datetime | None:
        # Typed as the event's wall-clock time; Django read it in this server's zone, so move it, same clock reading.
        since = self.cleaned_data.get("since")
        return timezone.make_naive(since).replace(tzinfo=self.zone) if since is not None else None

    def clean(self):
        super().clean()
        if self.cleaned_data.get("reason") and self.cleaned_data.get("result") == "admitted":
            self.add_error("reason", gettext("Only refused scans have a reason: choose “Refused” or “Any reason”."))
        return self.cleaned_data


def header(zone: str) -> list[str]:
    when = f"scanned at ({zone})"
    return [when, "door", "device", "staff", "result", "reason", "reason code", "barcode", "ticket id"]


def _rows(scans: Iterator[Scan], zone: str) -> Iterator[list[str]]:
    words = dict(REASONS)
    for scan in scans:
        yield [
            local_time(scan.scanned_at, zone),
            cell(scan.gate or ""),
            cell(scan.device or ""),
            cell(scan.staff or ""),
            scan.result,
            words.get(scan.reason or "", scan.reason or ""),
            scan.reason or "",
            cell(scan.barcode or ""),
            scan.attendee_id or "",
        ]


def _event(event_id: str):
    try:
        return event_get(event_id=event_id)
    except errors.NotFound:
        raise Http404("No such event") from None


@require_GET
@requires(VIEW_ORDERS)
def choose(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    """The filters to export the log under."""
    event = _event(event_id)
    return render_page(request, TEMPLATE, {"event": event, "form": ScanFilterForm(zone=event.timezone)})


@require_GET
@requires(VIEW_ORDERS)
def export(request: HtmxHttpRequest, event_id: str) -> HttpResponse | StreamingHttpResponse:
    event = _event(event_id)
    form = ScanFilterForm(request.GET, zone=event.timezone)
    if not form.is_valid():
        return render_page(request, TEMPLATE, {"event": event, "form": form}, status=422)
    scans = started(scan_iter(event_id=event_id, **form.values()))
    response = StreamingHttpResponse(
        csv_stream(header(event.timezone), _rows(scans, event.timezone)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="scans-{event_id}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"  # staff names at each door: not for a shared cache
    return response
