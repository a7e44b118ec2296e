"""Payments on the workbench (PAY-1): the operator's reconciliation discrepancies and staff receipt downloads.

The discrepancy page is for platform operators; the services check the role
again inside each use case, and a refusal re-renders the page with its code and
changes nothing. Receipts open for the staff who may see the order (its
agency's case officers, approvers and counter staff, or an operator).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.payments.channels import channel_codes
from tongban.payments.models import Discrepancy, Statement
from tongban.payments.services import receipts, reconciliation
from tongban.workbench.views.access import render_page

TEMPLATE = "workbench/payments/discrepancies.html"


def _page(request: HttpRequest, refusal: TongbanError | None = None, status: int = 200) -> HttpResponse:
    try:
        open_items = reconciliation.open_discrepancies(request.user)
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    return render_page(request, TEMPLATE, {
        "current": "payment_discrepancies", "discrepancies": open_items, "refusal": refusal,
        "statements": Statement.objects.order_by("-statement_date", "channel")[:20],
        "channels": channel_codes(), "yesterday": timezone.localdate() - datetime.timedelta(days=1),
    }, status=status)


@require_safe
@login_required
def discrepancies(request: HttpRequest) -> HttpResponse:
    """Open discrepancies of the daily reconciliation, oldest first, with their resolve actions."""
    return _page(request)


@require_POST
@login_required
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve one discrepancy: settle by querying the channel, or explain it."""
    discrepancy = get_object_or_404(Discrepancy, pk=pk)
    try:
        reconciliation.resolve(request.user, discrepancy, resolution=request.POST.get("resolution", ""),
                               note=request.POST.get("note", ""))
    except TongbanError as error:
        status = 403 if error.code.startswith("IDENTITY_") else 400
        return _page(request, error, status=status)
    messages.success(request, _("差错已处理"))
    return redirect("workbench:payment_discrepancies")


@require_POST
@login_required
def reconcile(request: HttpRequest) -> HttpResponse:
    """Reconcile a channel's statement of a day now (the worker does yesterday's every day)."""
    from tongban.identity.models import StaffRole
    from tongban.identity.services import require_role

    try:
        require_role(request.user, StaffRole.PLATFORM_OPERATOR)
        day = datetime.date.fromisoformat(request.POST.get("day", ""))
    except TongbanError as error:
        return render_page(request, "workbench/refused.html", {"refusal": error}, status=403)
    except ValueError:
        return redirect("workbench:payment_discrepancies")
    try:
        statement = reconciliation.reconcile(request.POST.get("channel", ""), day)
    except TongbanError as error:
        return _page(request, error, status=400)
    messages.success(request, _("对账完成：%(lines)s 笔，差错 %(found)s 笔") % {
        "lines": statement.line_count, "found": statement.discrepancy_count})
    return redirect("workbench:payment_discrepancies")


@require_safe
@login_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    """The signed e-receipt of an order, for staff who may see it (404 for anyone else)."""
    try:
        name, pdf = receipts.receipt_pdf(request.user, number)
    except TongbanError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
