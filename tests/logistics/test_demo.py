"""The logistics demo (LOG-1): 张伟's address book and a result in transit that the worker carries to delivery."""

from __future__ import annotations

import datetime

import pytest

from tongban.cases.models import CaseState
from tongban.identity.models import Person
from tongban.logistics.couriers import sandbox
from tongban.logistics.models import Shipment, ShipmentState
from tongban.workbench.demo.loader import load_demo

pytestmark = pytest.mark.django_db


def test_log_1_the_demo_has_an_address_book_and_a_result_in_transit(fixed_clock):
    load_demo()
    zhang = Person.objects.get(full_name="张伟")
    assert list(zhang.addresses.values_list("label", "is_default")) == [("家", True), ("单位", False)]
    shipment = Shipment.objects.get()
    assert (shipment.person_id, shipment.state, shipment.recipient) == (zhang.pk, ShipmentState.IN_TRANSIT, "张伟")
    fixed_clock.shift(datetime.timedelta(minutes=10))
    sandbox.emit_due()
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DELIVERED
    from tongban.cases.models import Case

    assert Case.objects.get(number=shipment.case_number).state == CaseState.DELIVERED
