"""The doors overview: every door of one event on one page, for whoever supervises them (Box office, Organizer).

The page polls its `#partial` every few seconds; each refresh is exactly one
API call (GET /events/{id}/stats) however many doors there are, so ten doors
cost BrightStar what one does. The event itself (its title, its time zone) is
read once, when the page loads; a refresh carries the zone in its URL.

When BrightStar does not answer a refresh, the figures already on screen
stay, and only the status line above them says so (htmx: swap nothing, the
status out of band); the next answer replaces both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from django_htmx.http import reswap

from boxoffice.brightstar import errors
from boxoffice.brightstar.scans import event_stats
from boxoffice.events.charts import Chart, arrivals_chart
from boxoffice.events.services import event_get
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_DOORS
from boxoffice.web import feedback
from boxoffice.web.feedback import describe
from boxoffice.web.http import HtmxHttpRequest, is_fragment, render_page

HOURS = 6  # how far back the arrivals table reaches (the API's buckets are 5 minutes)
REFRESH_SECONDS = 5
TEMPLATE = "door/overview.html"


@dataclass(frozen=True)
class Reason:
    words: str  # as the door's panel says it, never the API's code
    count: int


@dataclass(frozen=True)
class Door:
    name: str
    named: bool  # False: the scans sent without a door name, together
    admitted: int
    refused: int
    per_minute: float  # over the last 5 minutes
    last_scan_at: datetime
    refusals: tuple[Reason, ...]  # this door's, most frequent first


def reasons(refusals: Mapping[str, int]) -> tuple[Reason, ...]:
    """{code: count} in staff words, most frequent first (ties by words, so a refresh never reorders them).

    Two codes may read the same to staff (an unknown code, a malformed one): counted as one reason.
    """
    counts: Counter[str] = Counter()
    for code, count in refusals.items():
        counts[feedback.refusal_words(code)] += count
    return tuple(Reason(words, count) for words, count in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])))


@dataclass(frozen=True)
class DoorsOverview:
    doors: tuple[Door, ...]
    refusals: tuple[Reason, ...]  # most frequent first
    arrivals: Chart | None  # drawn as the event page draws it; None: no scan in the last HOURS
    checked_in: int
    sold: int
    as_of: datetime

    @property
    def refused(self) -> int:
        return sum(r.count for r in self.refusals)


def doors_overview(*, event_id: str, zone: str, hours: int = HOURS) -> DoorsOverview:
    """The overview's figures from one API call."""
    stats = event_stats(event_id=event_id, hours=hours)
    doors = tuple(
        Door(
            name=g.gate or gettext(feedback.DOORS_NO_NAME),
            named=g.gate is not None,
            admitted=g.admitted,
            refused=g.refused,
            per_minute=g.per_minute,
            last_scan_at=g.last_scan_at,
            refusals=reasons(g.refusals),
        )
        for g in stats.gates
    )
    return DoorsOverview(
        doors=doors,
        refusals=reasons(stats.refusals),
        arrivals=arrivals_chart(buckets=stats.buckets, zone=zone),
        checked_in=stats.checked_in,
        sold=stats.sold,
        as_of=timezone.now(),
    )


def _zone(name: str | None) -> str:
    """The zone a refresh's URL names; the dashboard's own for a name no zone has (a hand-edited link)."""
    try:
        ZoneInfo(name or "")
    except (ValueError, ZoneInfoNotFoundError):
        return settings.TIME_ZONE
    return name or settings.TIME_ZONE


@require_GET
@requires(VIEW_DOORS)
def overview(request: HtmxHttpRequest, event_id: str) -> HttpResponse:
    context: dict = {"event_id": event_id, "hours": HOURS, "refresh_seconds": REFRESH_SECONDS}
    if is_fragment(request):
        context["zone"] = _zone(request.GET.get("zone"))
        try:
            context["figures"] = doors_overview(event_id=event_id, zone=context["zone"])
        except errors.BrightStarError as exc:
            # Keep what is on screen; only the status line changes (out of band).
            response = render(
                request,
                f"{TEMPLATE}#status",
                {"message": describe(exc), "kept": gettext(feedback.DOORS_KEPT), "oob": True},
            )
            patch_vary_headers(response, ("HX-Request",))
            return reswap(response, "none")
        return render_page(request, TEMPLATE, context, fragment="partial")
    # The whole page: the event once (title, zone; the middleware answers if BrightStar is down), then the figures.
    event = event_get(event_id=event_id)
    context.update(event=event, zone=event.timezone)
    try:
        context["figures"] = doors_overview(event_id=event_id, zone=event.timezone)
    except errors.BrightStarError as exc:
        context["message"] = describe(exc)
    return render_page(request, TEMPLATE, context)
