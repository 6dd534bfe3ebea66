from django.http import HttpResponse
from ninja import Query, Router, Status

from sandbox import selectors
from sandbox.api.common import ERRORS, page, scope
from sandbox.api.schemas import PageFilters, TicketTypeCreate, TicketTypeOut, TicketTypeUpdate
from sandbox.services import tickets as services


def build_router() -> Router:
    router = Router(tags=["ticket types"])

    @router.get(
        "/events/{event_id}/tickets", response={200: list[TicketTypeOut], **ERRORS}, summary="List ticket types"
    )
    def ticket_type_list(request, response: HttpResponse, event_id: str, filters: Query[PageFilters]):
        event = selectors.event_get(**scope(request), event_id=event_id)
        return page(response, selectors.ticket_type_list(event=event), limit=filters.limit, offset=filters.offset)

    @router.post("/events/{event_id}/tickets", response={201: TicketTypeOut, **ERRORS}, summary="Create a ticket type")
    def ticket_type_create(request, event_id: str, payload: TicketTypeCreate):
        event = selectors.event_get(**scope(request), event_id=event_id)
        return Status(201, services.ticket_type_create(event=event, **payload.dict()))

    @router.patch("/tickets/{ticket_type_id}", response={200: TicketTypeOut, **ERRORS}, summary="Update a ticket type")
    def ticket_type_update(request, ticket_type_id: str, payload: TicketTypeUpdate):
        ticket_type = selectors.ticket_type_get(**scope(request), ticket_type_id=ticket_type_id)
        return services.ticket_type_update(ticket_type=ticket_type, **payload.dict(exclude_unset=True))

    return router
