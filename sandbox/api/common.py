"""Small helpers every router uses: the caller's scope, paging, documented errors."""

from django.db.models import QuerySet
from django.http import HttpResponse

from sandbox.api.schemas import ErrorOut

# Every operation can answer these; listing them keeps the OpenAPI document honest.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}
CONFLICT = {409: ErrorOut}


def scope(request) -> dict:
    return {"account": request.auth.account, "livemode": request.auth.livemode}


def page_headers(response: HttpResponse, *, total: int, limit: int, offset: int) -> None:
    """The seed's paging headers, which every list carries (`X-Page` is offset ÷ limit + 1)."""
    response["X-Total-Count"] = str(total)
    response["X-Page"] = str(offset // limit + 1)
    response["X-Per-Page"] = str(limit)


def page(response: HttpResponse, qs: QuerySet, *, limit: int, offset: int) -> list:
    """One page of `qs`; the totals go in the seed's headers, the body stays an array."""
    page_headers(response, total=qs.count(), limit=limit, offset=offset)
    return list(qs[offset : offset + limit])


def page_by_ids(response: HttpResponse, qs: QuerySet, *, limit: int, offset: int) -> list:
    """Like `page`, but finds the page's ids first, then fetches just those rows.

    For big tables with a covering index (100,000 attendees): skipping to a
    deep offset, or filtering with LIKE, walks the index alone instead of
    loading every row it passes over.
    """
    page_headers(response, total=qs.count(), limit=limit, offset=offset)
    ids = list(qs.values_list("pk", flat=True)[offset : offset + limit])
    rows = qs.model.objects.in_bulk(ids)
    return [rows[pk] for pk in ids]


def page_found(response: HttpResponse, rows: list, *, total: int, limit: int, offset: int) -> list:
    """A page its selector found and counted itself (the scan log, from its tally), with the same headers."""
    page_headers(response, total=total, limit=limit, offset=offset)
    return rows
