from django.http import HttpResponse
from ninja import Query, Router, Status

from sandbox import changes, selectors
from sandbox.api.common import CONFLICT, ERRORS, page_by_ids, page_headers, scope
from sandbox.api.schemas import AttendeeFilters, AttendeeOut, CheckInIn
from sandbox.errors import invalid
from sandbox.services import checkins as services

# A feed page is "everything after the cursor": narrowing it would hide changes
# from the replica for good, and an offset would skip rows as they move.
NOT_WITH_CHANGES = ("ticket_type", "checked_in", "q", "offset")


def _changes(request, response: HttpResponse, event_id: str, filters: AttendeeFilters) -> list:
    for name in NOT_WITH_CHANGES:
        if name in filters.model_fields_set:
            raise invalid(name, f"{name} cannot be combined with {changes.FIELD}")
    after = changes.cursor_parse(filters.changes_after)
    event = selectors.event_row(**scope(request), event_id=event_id)
    rows, total = changes.attendee_changes(event=event, after=after, limit=filters.limit)
    response["X-Next-Cursor"] = changes.cursor_of(rows[-1]) if rows else filters.changes_after
    # The seed promises these on every list. A feed request is the first page of what
    # follows its cursor: everything after it is "available", and this is page 1 of it.
    page_headers(response, total=total, limit=filters.limit, offset=0)
    return rows


def build_router() -> Router:
    router = Router(tags=["attendees"])

    @router.get(
        "/events/{event_id}/attendees",
        response={200: list[AttendeeOut], **ERRORS},
        summary="List sold tickets (attendees)",
    )
    def attendee_list(request, response: HttpResponse, event_id: str, filters: Query[AttendeeFilters]):
        if filters.changes_after is not None:
            return _changes(request, response, event_id, filters)
        event = selectors.event_row(**scope(request), event_id=event_id)  # the listing needs no figures
        checked_in = None if filters.checked_in is None else filters.checked_in == "true"
        qs = selectors.attendee_list(event=event, ticket_type=filters.ticket_type, checked_in=checked_in, q=filters.q)
        return page_by_ids(response, qs, limit=filters.limit, offset=filters.offset)

    @router.post(
        "/events/{event_id}/checkins",
        response={201: AttendeeOut, **ERRORS, **CONFLICT},
        summary="Check a ticket in (by barcode or attendee id)",
    )
    def check_in(request, event_id: str, payload: CheckInIn):
        return Status(201, services.attendee_check_in(**scope(request), event_id=event_id, **payload.dict()))

    @router.delete(
        "/events/{event_id}/checkins/{attendee_id}",
        response={200: AttendeeOut, **ERRORS, **CONFLICT},
        summary="Undo a check-in",
    )
    def check_in_undo(request, event_id: str, attendee_id: str):
        return services.attendee_check_in_undo(**scope(request), event_id=event_id, attendee_id=attendee_id)

    return router
