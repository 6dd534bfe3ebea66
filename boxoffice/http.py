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


def render_page(
    request: HtmxHttpRequest,
    template: str,
    context: dict,
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page on a normal load; only `fragment` for an htmx request that targets it."""
    # A history restore (Back after hx-push-url, with no cached snapshot) swaps the whole <body>: it needs the page.
    wants_fragment = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    name = f"{template}#{fragment}" if fragment and wants_fragment else template
    response = render(request, name, context, status=status)
    # One URL, two bodies (fragment or page): caches must keep them apart.
    patch_vary_headers(response, ("HX-Request",))
    return response


def page_numbers(page, *, around: int = 2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the page links worth showing, None for a gap."""
    last = max(1, -(-page.total // page.limit))
    current = page.page
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
