"""The audit log page: every mutation staff made, newest first (organizers only)."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from boxoffice.audit.forms import AuditFiltersForm
from boxoffice.audit.models import AuditEntry
from boxoffice.audit.selectors import audit_filter_choices, audit_search
from boxoffice.staff.decorators import requires
from boxoffice.staff.roles import VIEW_AUDIT
from boxoffice.web.http import HtmxHttpRequest
from boxoffice.web.lists import render_list

PAGE_SIZE = 50


@require_GET
@requires(VIEW_AUDIT)
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    form = AuditFiltersForm(request.GET, **audit_filter_choices())
    entries = AuditEntry.objects.none()
    if form.is_valid():
        filters = form.values()
        entries = audit_search(
            action=filters["action"],
            staff_username=filters["staff"],
            outcome=filters["outcome"],
            object_id=filters["object_id"],
            date_from=filters["date_from"],
            date_to=filters["date_to"],
        )
    page = Paginator(entries, PAGE_SIZE).get_page(form.page_number)
    status = 200 if form.is_valid() else 422
    return render_list(request, "audit/list.html", {"form": form}, page=page, status=status)
