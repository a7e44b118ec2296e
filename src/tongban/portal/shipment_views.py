"""The applicant's address book and courier choices (LOG-1, ITEM-3), under ``/shipments/``.

The address book is the person's own: the services look every address up
within the logged-in person's book, so another person's address id is "not
found". Choices for a case go through :mod:`tongban.cases.services.shipping`,
which checks that the case is the person's and that the item offers courier.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.cases.services import shipping
from tongban.core.errors import TongbanError
from tongban.identity.models import Person
from tongban.logistics.services import addresses
from tongban.portal.case_views import case_not_found, own_case, with_person
from tongban.portal.enterprise_views import applicant_login_required
from tongban.portal.shipment_forms import AddressForm, DeliveryChoiceForm, MaterialsShipmentForm


def _refusal(request: HttpRequest, error: TongbanError) -> None:
    messages.error(request, f"{error.message}（{error.code}）")


@require_http_methods(["GET", "HEAD", "POST"])
@applicant_login_required
@with_person
def address_book(request: HttpRequest, person: Person) -> HttpResponse:
    """My addresses, and a form to add one; a refused address is shown with its reason and nothing is saved."""
    form = AddressForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            addresses.add_address(request.user, form.address(), make_default=form.cleaned_data["make_default"])
        except TongbanError as error:
            form.add_error(error.field if error.field in form.fields else None, f"{error.message}（{error.code}）")
            status = 400
        else:
            messages.success(request, _("地址已保存"))
            return redirect("shipments:addresses")
    elif request.method == "POST":
        status = 400
    return render(request, "portal/shipments/addresses.html",
                  {"addresses": addresses.addresses_of(request.user), "form": form}, status=status)


@require_POST
@applicant_login_required
@with_person
def delete_address(request: HttpRequest, person: Person, pk: int) -> HttpResponse:
    """Remove one of my addresses."""
    try:
        addresses.delete_address(request.user, pk)
    except TongbanError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("地址已删除"))
    return redirect("shipments:addresses")


@require_POST
@applicant_login_required
@with_person
def choose_delivery(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """Choose how the result of my case reaches me (until it is issued)."""
    case = own_case(person, number)
    if case is None:
        return case_not_found(request, number)
    form = DeliveryChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择送达方式"))
    else:
        try:
            shipping.choose_result_delivery(request.user, case, method=form.cleaned_data["method"],
                                            address_id=form.cleaned_data["address"])
        except TongbanError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("送达方式已保存"))
    return redirect("cases:detail", number=case.number)


@require_POST
@applicant_login_required
@with_person
def send_materials(request: HttpRequest, person: Person, number: str) -> HttpResponse:
    """Book a courier to carry my paper materials to the handling agency."""
    case = own_case(person, number)
    if case is None:
        return case_not_found(request, number)
    form = MaterialsShipmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择取件地址"))
    else:
        try:
            shipment = shipping.send_materials(request.user, case, address_id=form.cleaned_data["address"])
        except TongbanError as error:
            _refusal(request, error)
        else:
            messages.success(request, _("已预约快递上门取件（寄件编号 %(id)s）") % {"id": shipment.pk})
    return redirect("cases:detail", number=case.number)
