"""The audit log page: every mutation staff made, newest first (organizers only)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from boxoffice.audit.forms import AuditFiltersForm
from boxoffice.audit.models import AuditEntry
from boxoffice.audit.selectors import audit_filter_choices, audit_search
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_AUDIT
from boxoffice.web.http import HtmxHttpRequest, render_page

PAGE_SIZE = 50


@require_GET
@requires(VIEW_AUDIT)
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFiltersForm(request.GET)
    entries = AuditEntry.objects.none()
    if form.is_valid():
        filters = form.cleaned_data
        entries = audit_search(
            action=filters["action"], staff_username=filters["staff"], outcome=filters["outcome"],
            object_id=filters["object_id"], date_from=filters["date_from"], date_to=filters["date_to"],
        )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        # The pager's gaps are None, not the paginator's "…".
        "pages": [None if number == Paginator.ELLIPSIS else number
                  for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)],
        "choices": audit_filter_choices(),
        "outcomes": AuditEntry.Outcome.choices,
    }
    return render_page(request, "audit/list.html", context, fragment="results", status=200 if form.is_valid() else 422)
