"""Builders for logistics tests: an item that offers courier delivery, an address, a case ready for its result."""

from __future__ import annotations

from typing import Any

from tests.cases.builders import Scene, scene, submitted
from tongban.cases.models import Case
from tongban.cases.services import handling, shipping
from tongban.logistics.couriers import sandbox
from tongban.logistics.models import Address, Shipment, ShipmentState
from tongban.logistics.services import addresses, shipments
from tongban.logistics.services.addresses import AddressInput

COURIER_RESULT = {"name": "居住证", "kind": "certificate", "licence_type": "",
                  "delivery_methods": ["pickup", "courier", "electronic"]}
HOME = AddressInput(recipient="张三", phone="13812345678", province="上海市", city="上海市", district="浦东新区",
                    detail="世纪大道100号1201室", label="家")


def courier_scene(**guide: Any) -> Scene:
    """A scene whose item offers pickup, courier and electronic delivery of its result (ITEM-3)."""
    guide.setdefault("result", COURIER_RESULT)
    return scene(**guide)


def home_address(the: Scene, value: AddressInput = HOME) -> Address:
    """An address in the applicant's book."""
    return addresses.add_address(the.applicant.user, value)


def approved_case(the: Scene, *, courier: bool = True, address: Address | None = None) -> Case:
    """A submitted, accepted and approved case; the applicant chose courier delivery to ``address`` when asked."""
    case = submitted(the)
    if courier:
        address = address or home_address(the)
        shipping.choose_result_delivery(the.applicant.user, case, method="courier", address_id=address.pk)
    handling.accept(the.officer, case)
    handling.decide(the.approver, case, approve=True, reasons="符合条件")
    case.refresh_from_db()
    return case


def issued_with_shipment(the: Scene, **kwargs: Any) -> tuple[Case, Shipment]:
    """The result issued and its shipment ordered from the sandbox courier."""
    case = approved_case(the, **kwargs)
    handling.issue_result(the.officer, case)
    shipment = Shipment.objects.get(case_number=case.number)
    shipment = shipments.place_order(shipment.pk)
    assert shipment.state == ShipmentState.ORDERED
    case.refresh_from_db()
    return case, shipment


def run_courier(hours: float = 2) -> dict[str, int]:
    """Let the sandbox push everything due within ``hours`` from now."""
    import datetime

    from django.utils import timezone

    return sandbox.emit_due(timezone.now() + datetime.timedelta(hours=hours))
