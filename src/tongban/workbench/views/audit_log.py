"""The audit administrator's page (三员分立): the audit log with filters, and a check of its hash chain.

``identity.services.audit_log`` decides who may read which events (the audit
administrator alone) and records every chain check.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.identity.services import audit_log
from tongban.workbench.forms.staff_admin import AuditFilterForm
from tongban.workbench.views.access import render_page, show_error

PAGE_SIZE = 50


@require_safe
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The readable events, newest first, narrowed by the filter form."""
    filters = AuditFilterForm(request.GET or None)
    wanted = filters.event_filter() if filters.is_valid() else None
    try:
        events = audit_log.readable_events(request.user, wanted)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "workbench/audit/list.html", {"filters": filters, "page_obj": page})


@require_POST
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Recompute the hash chain and say whether the log is intact, and where it breaks if not."""
    try:
        result = audit_log.verify_audit_chain(request.user)
    except TongbanError as error:
        show_error(request, error)
        return redirect("workbench:audit")
    if result.ok:
        messages.success(request, _("审计日志完整：已核验%(count)s条记录，哈希链无断裂") % {"count": result.checked})
    else:
        messages.error(request, _("审计日志异常（%(problem)s）：已核验%(count)s条，首个异常记录 #%(first)s") % {
            "problem": result.problem, "count": result.checked, "first": result.first_broken_id or "-",
        })
    return redirect("workbench:audit")
