from django.http import HttpResponse
from ninja import Query, Router

from sandbox import selectors
from sandbox.api.common import ERRORS, page, scope
from sandbox.api.schemas import ScanFilters, ScanOut


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

    return router
