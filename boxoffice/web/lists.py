"""One way to list: filters read leniently from the query string, one pager, one render.

    form = OrderFiltersForm(request.GET)
    page = services.order_list(**form.filters(), limit=PER_PAGE, offset=form.offset(PER_PAGE))
    return render_list(request, "orders/event_orders.html", {"form": form}, page=page)

The template includes components/filters.html (the form, its hx-* set once)
and components/pager.html (links that inherit hx-* from their <nav>).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.paginator import Page as DjangoPage
from django.http import HttpResponse, QueryDict

from boxoffice.web.http import MAX_PAGE, HtmxHttpRequest, render_page, search_text


def _calm(data: QueryDict) -> QueryDict:
    """The query string without what no filter can mean: control characters (NUL included)."""
    calm = QueryDict(mutable=True)
    for name, values in data.lists():
        # search_text also trims and bounds; each field's max_length then judges the rest.
        calm.setlist(name, [search_text(value, max_length=10_000) for value in values])
    return calm


class FilterForm(forms.Form):
    """A list's filters, from the query string.

    Filters are not input: a hand-edited or stale link shows a list, never a
    crash. With `lenient` (the default) a field that does not validate means
    "no filter"; a form that must explain itself (dates the wrong way round)
    sets it False, and the list shows its errors with a 422. `page` is never
    rendered (the pager's links carry it) and is bounded so the offset stays
    inside the API's limit; a bad one is page 1.
    """

    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)
    lenient = True

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any):
        super().__init__(_calm(data) if data is not None else None, *args, **kwargs)

    @property
    def filter_fields(self) -> list[forms.BoundField]:
        return [field for field in self if field.name != "page"]

    @property
    def shows_errors(self) -> bool:
        return not self.lenient and bool(self.errors)

    def values(self) -> dict[str, Any]:
        """Each filter's valid value, or None: what the service is called with."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or None for name in self.fields if name != "page"}

    @property
    def page_number(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("page") or 1

    def offset(self, per_page: int) -> int:
        return (self.page_number - 1) * per_page


@dataclass(frozen=True)
class Pager:
    """What components/pager.html and a list's "11 to 20 of 94" line need, from either kind of page."""

    numbers: list[int | None]  # the page links to show, None for a gap
    current: int
    first: int  # 1-based position of the first row shown, 0 if none
    last: int
    total: int

    @classmethod
    def of(cls, page: Any, *, around: int = 2) -> Pager:
        if isinstance(page, DjangoPage):  # a list of our own database's rows
            current, per_page, total, shown = page.number, page.paginator.per_page, page.paginator.count, len(page)
        else:  # a page of an API list (brightstar.resources.Page)
            current, per_page, total, shown = page.page, page.limit, page.total, len(page.items)
        last_page = max(1, -(-total // per_page)) if per_page else 1
        wanted = sorted({1, last_page, *range(max(1, current - around), min(last_page, current + around) + 1)})
        numbers: list[int | None] = []
        for number in wanted:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        first = (current - 1) * per_page + 1 if shown else 0
        return cls(numbers=numbers, current=current, first=first, last=first + shown - 1 if shown else 0, total=total)


def render_list(
    request: HtmxHttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    page: Any,
    fragment: str = "results",
    status: int = 200,
) -> HttpResponse:
    """The list's page, or (htmx) its results fragment, with the pager worked out once."""
    pager = Pager.of(page) if page is not None else None
    return render_page(request, template, {**context, "page": page, "pager": pager}, fragment=fragment, status=status)
