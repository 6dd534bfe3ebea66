from django.http import HttpResponse
from ninja import Query, Router

from sandbox import selectors, stats
from sandbox.api.common import ERRORS, page, scope
from sandbox.api.schemas import EventStatsOut, ScanFilters, ScanOut, StatsFilters


def build_router() -> Router:
    router = Router(tags=["scans"])

    @router.get(
        "/events/{event_id}/scans",
        response={200: list[ScanOut], **ERRORS},
        summary="List the event's check-in attempts, admitted and refused, newest first",
    )
    def scan_list(request, response: HttpResponse, event_id: str, filters: Query[ScanFilters]):
        event = selectors.event_row(**scope(request), event_id=event_id)
        qs = selectors.scan_list(
            event=event, result=filters.result, reason=filters.reason, gate=filters.gate, since=filters.since
        )
        return page(response, qs, limit=filters.limit, offset=filters.offset)

    @router.get(
        "/events/{event_id}/stats",
        response={200: EventStatsOut, **ERRORS},
        summary="The doors and sales overview: scans per 5 minutes and per gate, refusals, tickets, sales per day",
    )
    def event_stats(request, event_id: str, filters: Query[StatsFilters]):
        event = selectors.event_row(**scope(request), event_id=event_id)
        return stats.event_stats(event=event, hours=filters.hours)

    return router
