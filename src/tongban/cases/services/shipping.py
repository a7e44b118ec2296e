"""Courier delivery of a case (LOG-1, ITEM-3): the applicant's choice, materials sent in, the result sent out.

The cases layer owns the case; logistics (a lower layer) only knows case
numbers. So this file is where the two meet:

* the applicant chooses how the result reaches them — among the methods the
  item version offers (``delivery_methods``) — when applying or later, until
  the result is issued;
* the applicant may send paper materials in by courier while the case runs;
* :func:`ship_result_if_chosen` runs inside ``handling.issue_result``: a case
  whose applicant chose courier delivery gets its result shipment then;
* :func:`on_result_delivered` is registered with logistics when the app is
  ready (``CasesConfig.ready`` → :func:`register`) and moves the case from
  RESULT_ISSUED to DELIVERED through ``handling.deliver`` when the courier
  reports the result signed for, in the same transaction as the event.
"""

from __future__ import annotations

from django.db import transaction

from tongban.cases.models import Case, CaseState
from tongban.cases.services.applications import own_case
from tongban.core.errors import TongbanError
from tongban.identity.services import Actor
from tongban.logistics import hooks
from tongban.logistics.errors import LogisticsError
from tongban.logistics.models import DeliveryPreference, Direction, ResultDeliveryMethod, Shipment
from tongban.logistics.services import addresses, shipments
from tongban.logistics.services.addresses import AddressInput

# Until the result is issued the applicant may change how it is delivered.
CHOICE_CLOSED_STATES = {CaseState.RESULT_ISSUED, CaseState.DELIVERED, CaseState.CONCLUDED, CaseState.REFUSED,
                        CaseState.WITHDRAWN}
# Paper originals may be sent in while the agency still handles the case.
MATERIALS_OPEN_STATES = {CaseState.SUBMITTED, CaseState.PRE_REVIEWED, CaseState.CORRECTION_REQUESTED,
                         CaseState.ACCEPTED, CaseState.UNDER_REVIEW}


def offered_methods(case: Case) -> list[str]:
    """The result delivery methods the case's item version offers (ITEM-3), in our order."""
    offered = set(case.version.delivery_methods or [])
    return [method for method in ResultDeliveryMethod.values if method in offered]


def _offers(case: Case, method: str) -> None:
    if method not in offered_methods(case):
        label = ResultDeliveryMethod(method).label if method in ResultDeliveryMethod.values else method
        raise TongbanError(LogisticsError.METHOD_NOT_OFFERED, field="method", method=label)


@transaction.atomic
def choose_result_delivery(actor: Actor, case: Case, *, method: str,
                           address_id: int | str | None = None) -> DeliveryPreference:
    """The applicant's choice of result delivery (and address, for courier) for their own case."""
    case = own_case(actor, case)
    if case.state in CHOICE_CLOSED_STATES:
        raise TongbanError(LogisticsError.DELIVERY_CHOICE_CLOSED, state=CaseState(case.state).label)
    _offers(case, method)
    address = None
    if method == ResultDeliveryMethod.COURIER:
        if not address_id:
            raise TongbanError(LogisticsError.ADDRESS_REQUIRED, field="address")
        address = addresses.own_address(actor, address_id)
    return shipments.set_preference(actor, case.applicant, case.number, method, address)


@transaction.atomic
def send_materials(actor: Actor, case: Case, *, address_id: int | str) -> Shipment:
    """The applicant sends paper materials to the handling agency by courier, picked up at one of their addresses.

    The parcel is addressed to the agency's receiving desk (its business
    lead); the pickup address is printed on the order as the sender's.
    """
    case = own_case(actor, case)
    if case.state not in MATERIALS_OPEN_STATES:
        raise TongbanError(LogisticsError.MATERIALS_NOT_NOW, state=CaseState(case.state).label)
    _offers(case, ResultDeliveryMethod.COURIER)
    pickup = addresses.own_address(actor, address_id)
    agency = case.handling_agency
    desk = AddressInput(recipient=f"{agency.name}（{agency.business_lead_name}）", phone=agency.business_lead_phone,
                        province="", city="", district="", detail=f"{agency.name}收件窗口；寄件地址：{pickup.one_line}")
    return shipments.create_shipment(actor, case_number=case.number, direction=Direction.MATERIALS_IN,
                                     person=case.applicant, agency=agency, destination=desk, validate=False)


def ship_result_if_chosen(actor: Actor, case: Case) -> Shipment | None:
    """Called by ``handling.issue_result`` (same transaction): ship the result if the applicant chose courier."""
    preference = shipments.preference_for(case.number)
    if preference is None or preference.method != ResultDeliveryMethod.COURIER or preference.address is None:
        return None
    if ResultDeliveryMethod.COURIER not in offered_methods(case):
        return None
    address = preference.address
    destination = AddressInput(recipient=address.recipient, phone=address.phone, province=address.province,
                               city=address.city, district=address.district, detail=address.detail)
    return shipments.create_shipment(actor, case_number=case.number, direction=Direction.RESULT_OUT,
                                     person=case.applicant, agency=case.handling_agency, destination=destination)


def on_result_delivered(shipment: Shipment) -> None:
    """The courier reports the result signed for: the case's delivery step is done (RESULT_ISSUED → DELIVERED)."""
    from tongban.cases.services import handling

    case = Case.objects.filter(number=shipment.case_number).first()
    if case is None:
        return
    handling.deliver(None, case, method=f"快递送达（运单 {shipment.waybill_number}）")


def register() -> None:
    """Register the delivery handler with logistics (called once from ``CasesConfig.ready``)."""
    hooks.on_result_delivered(on_result_delivered)
