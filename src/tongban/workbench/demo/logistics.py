"""Demo logistics (LOG-1): 张伟's address book and a case whose result is on its way by the sandbox courier.

Made through the real services: the applicant chooses courier delivery, the
police officer accepts, the approver decides, the officer issues the result
(which creates the result shipment), the sandbox courier takes the order and
pushes 已揽收 and 运输中. The later tracks fall due while the demo runs, so a
running worker (``tongban worker``) carries the parcel to 已签收 and the case to
已送达 within a few minutes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from tongban.cases.models import Case
from tongban.cases.services import handling, shipping
from tongban.catalogue.models import ServiceItem
from tongban.identity.models import Person, User
from tongban.logistics.couriers import sandbox
from tongban.logistics.services import addresses, shipments
from tongban.logistics.services.addresses import AddressInput
from tongban.workbench.demo.cases import _apply, _open_to_persons_online

HOME = AddressInput(label="家", recipient="张伟", phone="13800138000", province="上海市", city="上海市",
                    district="黄浦区", detail="人民大道200号3号楼1202室", postal_code="200003")
OFFICE = AddressInput(label="单位", recipient="张伟", phone="13800138000", province="上海市", city="上海市",
                      district="浦东新区", detail="张江路88号上海通办示范科技有限公司", postal_code="201203")


def create_logistics_demo(applicants: dict[str, Person], officer: User, approver: User) -> Case | None:
    """张伟's two addresses, and a police case whose result shipment is in transit; returns that case."""
    zhang = applicants["13800138000"]
    home = addresses.add_address(zhang.user, HOME, make_default=True)
    addresses.add_address(zhang.user, OFFICE)
    agency_path = officer.role_assignments.get().agency.path
    item = next((item for item in ServiceItem.objects.filter(agency__path__startswith=agency_path,
                                                              status="in_service").order_by("pk")
                 if _open_to_persons_online(item) and item.published_version is not None
                 and "courier" in item.published_version.delivery_methods), None)
    if item is None:
        return None
    case = _apply(zhang, item)
    shipping.choose_result_delivery(zhang.user, case, method="courier", address_id=home.pk)
    handling.accept(officer, case)
    handling.decide(approver, case, approve=True, reasons="材料齐全，符合法定条件")
    handling.issue_result(officer, case)
    for shipment in shipments.shipments_of_case(case.number):
        shipments.place_order(shipment.pk)
    # Picked up (+1 step) and in transit (+2 steps) have happened; the rest comes while the worker runs.
    step = settings.TONGBAN_COURIER_SANDBOX_STEP_SECONDS
    sandbox.emit_due(timezone.now() + datetime.timedelta(seconds=2 * step + 1))
    return case
