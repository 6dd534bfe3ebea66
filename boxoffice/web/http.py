"""What every dashboard view shares: the request type and the two renderings.

One view serves the full page, or just one `{% partialdef %}` fragment of it
when htmx asks (Django 6 partials: "page.html#fragment").
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# The API refuses an offset past 10**9; no list here has a page anywhere near this
# one, so a larger number in a hand-edited link is bounded before it goes out.
MAX_PAGE = 100_000
SEARCH_MAX_LENGTH = 200
# C0 and C1 control characters: NUL is refused by the API (PostgreSQL text cannot
# hold it), and a scanner's stray tab or CR means nothing in a search.
_CONTROLS = dict.fromkeys([*range(0x20), *range(0x7F, 0xA0)])


def search_text(value: str | None, *, max_length: int = SEARCH_MAX_LENGTH) -> str:
    """What staff typed into a search box, without what no search can mean."""
    return (value or "").translate(_CONTROLS).strip()[:max_length]


def is_fragment(request: HtmxHttpRequest) -> bool:
    """An htmx swap of part of the page: not a boosted link, not a Back-button history restore.

    A history restore (Back after hx-push-url, with no cached snapshot) swaps the whole <body>: it needs the page.
    """
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def render_page(
    request: HtmxHttpRequest,
    template: str,
    context: dict,
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page on a normal load; only `fragment` for an htmx request that targets it."""
    name = f"{template}#{fragment}" if fragment and is_fragment(request) else template
    response = render(request, name, context, status=status)
    # One URL, two bodies (fragment or page): caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response
