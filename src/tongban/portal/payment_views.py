"""My payments (PAY-1): the applicant's payment orders, paying through a channel's page, and e-receipts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.identity.models import Person
from tongban.payments.channels import channel, channel_codes
from tongban.payments.services import orders, receipts
from tongban.portal.case_views import with_person
from tongban.portal.enterprise_views import applicant_login_required


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


@require_safe
@applicant_login_required
@with_person
def my_payments(request: HttpRequest, person: Person) -> HttpResponse:
    """Every payment order of the signed-in person, newest first, with its state and receipt."""
    mine = orders.my_orders(request.user)
    for order in mine:
        order.yuan = _yuan(order.amount_fen)  # type: ignore[attr-defined]
    return render(request, "portal/payments/list.html", {"orders": mine})


@require_safe
@applicant_login_required
@with_person
def order_page(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """One order: its lines, its state and, while unpaid, the channels to pay through."""
    try:
        order = orders.visible_order(request.user, number)
    except TongbanError:
        raise Http404 from None
    lines = [{**line, "yuan": _yuan(line["amount_fen"])} for line in order.lines]
    choices = [(code, channel(code).label) for code in channel_codes()]
    return render(request, "portal/payments/detail.html", {
        "order": order, "lines": lines, "total": _yuan(order.amount_fen), "channels": choices,
    })


@require_POST
@applicant_login_required
@with_person
def pay(request: HttpRequest, person: Person, number: str) -> HttpResponseBase:
    """Open the chosen channel's pay page for the order (the channel brings the payer back to the order)."""
    try:
        order = orders.visible_order(request.user, number)
        url = orders.open_channel(request.user, order, request.POST.get("channel", ""),
                                  return_url=reverse("payments:detail", args=[order.number]))
    except TongbanError as refusal:
        messages.error(request, f"{refusal.message}（{refusal.code}）")
        return redirect("payments:detail", number=number)
    return redirect(url)


@require_safe
@applicant_login_required
@with_person
def receipt(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """The signed e-receipt PDF of a paid order."""
    try:
        name, pdf = receipts.receipt_pdf(request.user, number)
    except TongbanError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
