from django.http import HttpResponse
from ninja import Query, Router, Status

from sandbox import selectors
from sandbox.api.common import CONFLICT, ERRORS, page, scope
from sandbox.api.schemas import EventCreate, EventFilters, EventOut, EventUpdate
from sandbox.services import events as services


def build_router() -> Router:
    router = Router(tags=["events"])

    @router.get("/events", response={200: list[EventOut], **ERRORS}, summary="List events")
    def event_list(request, response: HttpResponse, filters: Query[EventFilters]):
        qs = selectors.event_list(
            **scope(request),
            status=filters.status,
            sort=filters.sort,
            ends_after=filters.ends_after,
            ends_before=filters.ends_before,
        )
        return page(response, qs, limit=filters.limit, offset=filters.offset)

    @router.post("/events", response={201: EventOut, **ERRORS}, summary="Create an event")
    def event_create(request, payload: EventCreate):
        event = services.event_create(**scope(request), **payload.dict())
        return Status(201, selectors.event_get(**scope(request), event_id=event.pk))

    @router.get("/events/{event_id}", response={200: EventOut, **ERRORS}, summary="Get an event")
    def event_get(request, event_id: str):
        return selectors.event_get(**scope(request), event_id=event_id)

    @router.patch("/events/{event_id}", response={200: EventOut, **ERRORS, **CONFLICT}, summary="Update an event")
    def event_update(request, event_id: str, payload: EventUpdate):
        event = selectors.event_get(**scope(request), event_id=event_id)
        services.event_update(event=event, **payload.dict(exclude_unset=True))
        return selectors.event_get(**scope(request), event_id=event_id)

    @router.delete("/events/{event_id}", response={204: None, **ERRORS, **CONFLICT}, summary="Delete a draft event")
    def event_delete(request, event_id: str):
        services.event_delete(event=selectors.event_get(**scope(request), event_id=event_id))
        return Status(204, None)

    return router
