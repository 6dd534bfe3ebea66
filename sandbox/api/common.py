"""Small helpers every router uses: the caller's scope, paging, documented errors."""

from django.db.models import QuerySet
from django.http import HttpResponse

from sandbox.api.schemas import ErrorOut

# Every operation can answer these; listing them keeps the OpenAPI document honest.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}
CONFLICT = {409: ErrorOut}


def scope(request) -> dict:
    return {"account": request.auth.account, "livemode": request.auth.livemode}


def page(response: HttpResponse, qs: QuerySet, *, limit: int, offset: int) -> list:
    """One page of `qs`; the totals go in the seed's headers, the body stays an array."""
    total = qs.count()
    response["X-Total-Count"] = str(total)
    response["X-Page"] = str(offset // limit + 1)
    response["X-Per-Page"] = str(limit)
    return list(qs[offset : offset + limit])
