"""The scan log and the doors overview.

Both bodies are built as plain dicts and rendered by the API's renderer,
as ninja renders any body, but without validating them object by object on
the way out: for hours=72 that is ~1,000 nested objects, and ninja's
per-object validator cost 50 ms of a 100 ms answer. What they hold is what
their schemas say (tests/sandbox/test_tallies.py renders both ways and
compares; the contract tests read the schemas).
"""

import dataclasses

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.renderers import JSONRenderer

from sandbox import selectors, stats
from sandbox.api.common import ERRORS, page_found, scope
from sandbox.api.schemas import EventStatsOut, ScanFilters, ScanOut, ScanRefusalIn, StatsFilters
from sandbox.services import checkins

SCAN_FIELDS = tuple(ScanOut.model_fields)
RENDERER = JSONRenderer()  # the API's (factory.py sets no other)


def scans_body(rows: list) -> list[dict]:
    return [{name: getattr(row, name) for name in SCAN_FIELDS} for row in rows]


def stats_body(figures: stats.Stats) -> dict:
    # Shallow: asdict() would deep-copy a thousand dicts and their datetimes.
    return {field.name: getattr(figures, field.name) for field in dataclasses.fields(figures)}


def build_router() -> Router:
    router = Router(tags=["scans"])

    def rendered(request, response: HttpResponse, body) -> HttpResponse:
        # The temporal response keeps its status, content type and the paging headers; ninja returns it as is.
        response.content = RENDERER.render(request, body, response_status=response.status_code)
        return response

    @router.get(
        "/events/{event_id}/scans",
        response={200: list[ScanOut], **ERRORS},
        summary="List the event's check-in attempts, admitted and refused, newest first",
    )
    def scan_list(request, response: HttpResponse, event_id: str, filters: Query[ScanFilters]):
        event = selectors.event_row(**scope(request), event_id=event_id)
        total, rows = selectors.scan_page(
            event=event,
            result=filters.result,
            reason=filters.reason,
            gate=filters.gate,
            since=filters.since,
            limit=filters.limit,
            offset=filters.offset,
        )
        page = page_found(response, rows, total=total, limit=filters.limit, offset=filters.offset)
        return rendered(request, response, scans_body(page))

    @router.post(
        "/events/{event_id}/scans",
        response={201: ScanOut, **ERRORS},
        summary="Log a refusal decided elsewhere (a door offline): never admits, changes no ticket",
    )
    def scan_refusal_record(request, event_id: str, payload: ScanRefusalIn):
        scan = checkins.scan_refusal_record(**scope(request), event_id=event_id, **payload.dict())
        return Status(201, scans_body([scan])[0])

    @router.get(
        "/events/{event_id}/stats",
        response={200: EventStatsOut, **ERRORS},
        summary="The doors and sales overview: scans per 5 minutes and per gate, refusals, tickets, sales per day",
    )
    def event_stats(request, response: HttpResponse, event_id: str, filters: Query[StatsFilters]):
        event = selectors.event_row(**scope(request), event_id=event_id)
        return rendered(request, response, stats_body(stats.event_stats(event=event, hours=filters.hours)))

    return router
