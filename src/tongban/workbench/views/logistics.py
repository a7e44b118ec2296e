"""Shipment work items (LOG-1): failed and returned deliveries, and orders that keep failing, to resolve.

Officers and counter staff see their agencies' open items, the platform
operator all of them. Each item offers two resolutions: re-ship to a corrected
address (validated like any address; a refused one keeps the input and
changes nothing) or switch to pickup. The services check the role again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.logistics.services import work_items
from tongban.logistics.services.addresses import AddressInput
from tongban.workbench.forms.base import WorkbenchForm
from tongban.workbench.views.access import apply_refusal, render_page, show_error

TEMPLATE = "workbench/logistics/work_items.html"


class AddressForm(WorkbenchForm):
    """The corrected address; the address service validates it (complete, mobile number, lengths)."""

    recipient = forms.CharField(label=_("收件人"), required=False, max_length=120)
    phone = forms.CharField(label=_("收件人手机号码（须重新填写）"), required=False, max_length=40)
    province = forms.CharField(label=_("省"), required=False, max_length=40)
    city = forms.CharField(label=_("市"), required=False, max_length=40)
    district = forms.CharField(label=_("区县"), required=False, max_length=40)
    detail = forms.CharField(label=_("详细地址"), required=False, max_length=240)

    def address(self) -> AddressInput:
        """The typed address, for the service to validate."""
        return AddressInput(**{name: self.cleaned_data[name] for name in self.fields})


def _page(request: HttpRequest, *, bound: tuple[int, Any] | None = None, refusal: TongbanError | None = None,
          status: int = 200) -> HttpResponse:
    items = list(work_items.visible_work_items(request.user)[:200])
    for item in items:
        item.reship_form = bound[1] if bound and bound[0] == item.pk else AddressForm(  # type: ignore[attr-defined]
            auto_id=f"item-{item.pk}-%s", initial={"recipient": item.shipment.recipient,
                                                   "province": item.shipment.province, "city": item.shipment.city,
                                                   "district": item.shipment.district, "detail": item.shipment.detail})
    return render_page(request, TEMPLATE, {"items": items, "refusal": refusal}, status=status)


@require_safe
@login_required
def work_item_list(request: HttpRequest) -> HttpResponse:
    """Open shipment work items in the user's scope."""
    return _page(request)


@require_POST
@login_required
def reship(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the parcel again to the corrected address."""
    form = AddressForm(request.POST, auto_id=f"item-{pk}-%s")
    if not form.is_valid():
        return _page(request, bound=(pk, form), status=400)
    try:
        shipment = work_items.reship(request.user, pk, form.address())
    except TongbanError as error:
        apply_refusal(form, error)
        show_error(request, error)
        return _page(request, bound=(pk, form), refusal=error, status=400)
    messages.success(request, str(_("已更正地址并重新下单，办件 %(number)s")) % {"number": shipment.case_number})
    return redirect("workbench:shipment_work_items")


@require_POST
@login_required
def switch_to_pickup(request: HttpRequest, pk: int) -> HttpResponse:
    """Give up the courier; the applicant collects at the window."""
    try:
        item = work_items.switch_to_pickup(request.user, pk)
    except TongbanError as error:
        show_error(request, error)
        return _page(request, refusal=error, status=403 if error.code.startswith("IDENTITY_") else 400)
    messages.success(request, str(_("已改为窗口领取，办件 %(number)s")) % {"number": item.shipment.case_number})
    return redirect("workbench:shipment_work_items")
