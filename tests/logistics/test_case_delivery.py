"""Courier delivery of a case (LOG-1, ITEM-3): the choice, the result shipment on issue, delivery concludes the step."""

from __future__ import annotations

import pytest

from tests.cases.builders import submitted
from tests.logistics.builders import approved_case, courier_scene, home_address, issued_with_shipment, run_courier
from tongban.cases.models import CaseEvent, CaseState
from tongban.cases.services import handling, shipping
from tongban.core.errors import TongbanError
from tongban.logistics.models import DeliveryPreference, Direction, Shipment, ShipmentState

pytestmark = pytest.mark.django_db


def test_item_3_log_1_the_applicant_chooses_courier_delivery_among_the_offered_methods():
    the = courier_scene()
    case = submitted(the)
    address = home_address(the)
    preference = shipping.choose_result_delivery(the.applicant.user, case, method="courier", address_id=address.pk)
    assert (preference.case_number, preference.method, preference.address_id) == (case.number, "courier", address.pk)
    shipping.choose_result_delivery(the.applicant.user, case, method="pickup")
    preference.refresh_from_db()
    assert (preference.method, preference.address_id) == ("pickup", None)


def test_item_3_courier_is_refused_when_the_item_does_not_offer_it():
    the = courier_scene(result={"name": "证明", "kind": "certificate", "licence_type": "",
                                "delivery_methods": ["electronic"]})
    case = submitted(the)
    address = home_address(the)
    with pytest.raises(TongbanError) as refused:
        shipping.choose_result_delivery(the.applicant.user, case, method="courier", address_id=address.pk)
    assert refused.value.code == "LOGISTICS_METHOD_NOT_OFFERED"
    assert DeliveryPreference.objects.count() == 0


def test_log_1_courier_without_an_address_or_with_someone_elses_is_refused():
    the = courier_scene()
    case = submitted(the)
    with pytest.raises(TongbanError) as refused:
        shipping.choose_result_delivery(the.applicant.user, case, method="courier")
    assert refused.value.code == "LOGISTICS_ADDRESS_REQUIRED"
    from tests.identity.factories import PersonFactory
    from tests.logistics.builders import HOME
    from tongban.logistics.services import addresses

    stranger_address = addresses.add_address(PersonFactory(level=2).user, HOME)
    with pytest.raises(TongbanError) as refused:
        shipping.choose_result_delivery(the.applicant.user, case, method="courier", address_id=stranger_address.pk)
    assert refused.value.code == "LOGISTICS_ADDRESS_NOT_FOUND"
    assert DeliveryPreference.objects.count() == 0


def test_log_1_only_the_applicant_chooses_for_their_case():
    the = courier_scene()
    case = submitted(the)
    with pytest.raises(TongbanError) as refused:
        shipping.choose_result_delivery(the.officer, case, method="pickup")
    assert refused.value.code == "CASE_NOT_YOUR_CASE"
    assert DeliveryPreference.objects.count() == 0


def test_log_1_the_choice_closes_once_the_result_is_issued():
    the = courier_scene()
    case = approved_case(the, courier=False)
    handling.issue_result(the.officer, case)
    with pytest.raises(TongbanError) as refused:
        shipping.choose_result_delivery(the.applicant.user, case, method="pickup")
    assert (refused.value.code, refused.value.message) == (
        "LOGISTICS_DELIVERY_CHOICE_CLOSED", "办件当前状态为“已出证”，不能再更改送达方式")


def test_log_1_no_shipment_when_the_applicant_did_not_choose_courier():
    the = courier_scene()
    case = approved_case(the, courier=False)
    handling.issue_result(the.officer, case)
    assert Shipment.objects.count() == 0


def test_log_1_issuing_the_result_creates_the_result_shipment_and_delivery_moves_the_case_to_delivered():
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    assert (shipment.direction, shipment.recipient, shipment.one_line, shipment.masked_phone) == (
        Direction.RESULT_OUT, "张三", "上海市上海市浦东新区世纪大道100号1201室", "138****5678")
    assert case.state == CaseState.RESULT_ISSUED
    assert run_courier() == {"sent": 4}
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert (shipment.state, case.state) == (ShipmentState.DELIVERED, CaseState.DELIVERED)
    assert shipment.case_notified_at is not None
    delivered = CaseEvent.objects.get(case=case, action="delivered")
    assert (delivered.actor_label, delivered.note) == ("平台", f"快递送达（运单 {shipment.waybill_number}）")
    handling.conclude(the.officer, case)


def test_log_1_a_case_delivered_by_hand_meanwhile_keeps_the_delivery_recorded_with_a_note():
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    handling.deliver(the.officer, case, method="窗口领取")
    run_courier()
    shipment.refresh_from_db()
    assert shipment.state == ShipmentState.DELIVERED
    assert shipment.case_notified_at is None
    delivered = shipment.events.get(status="delivered")
    assert delivered.detail.startswith("办件未自动登记送达：办件当前状态为“已送达”")


def test_log_1_the_applicant_sends_paper_materials_in_by_courier():
    the = courier_scene()
    case = submitted(the)
    address = home_address(the)
    shipment = shipping.send_materials(the.applicant.user, case, address_id=address.pk)
    assert (shipment.direction, shipment.agency_id, shipment.state) == (
        Direction.MATERIALS_IN, the.bureau.pk, ShipmentState.PENDING_ORDER)
    assert "世纪大道100号1201室" in shipment.detail
    from tongban.logistics.services import shipments

    assert shipments.place_order(shipment.pk).state == ShipmentState.ORDERED
    run_courier()
    shipment.refresh_from_db()
    case.refresh_from_db()
    assert (shipment.state, case.state) == (ShipmentState.DELIVERED, CaseState.SUBMITTED)


def test_log_1_materials_cannot_be_sent_for_someone_elses_case():
    the = courier_scene()
    case = submitted(the)
    from tests.identity.factories import PersonFactory
    from tests.logistics.builders import HOME
    from tongban.logistics.services import addresses

    stranger = PersonFactory(level=2)
    address = addresses.add_address(stranger.user, HOME)
    with pytest.raises(TongbanError) as refused:
        shipping.send_materials(stranger.user, case, address_id=address.pk)
    assert refused.value.code == "CASE_NOT_YOUR_CASE"
    assert Shipment.objects.count() == 0
