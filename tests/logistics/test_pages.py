"""Pages of LOG-1: the portal address book and courier panel, the workbench shipments panel and work items page."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.cases.builders import submitted
from tests.factories import AgencyFactory, staff
from tests.identity.factories import PersonFactory
from tests.logistics.builders import HOME, courier_scene, home_address, issued_with_shipment, run_courier
from tests.portal.case_pages import logged_in, text
from tongban.identity.models import StaffRole
from tongban.logistics.models import Address, DeliveryPreference, Shipment, ShipmentState, WorkItem
from tongban.logistics.services import addresses

pytestmark = pytest.mark.django_db
ADDRESS_FORM = {"label": "家", "recipient": "张三", "phone": "13812345678", "province": "上海市", "city": "上海市",
                "district": "浦东新区", "detail": "世纪大道100号1201室", "postal_code": ""}


def test_log_1_the_address_book_adds_and_lists_my_addresses_with_the_full_phone():
    person = PersonFactory(level=2)
    client = logged_in(person)
    response = client.post(reverse("shipments:addresses"), ADDRESS_FORM, follow=True)
    assert response.status_code == 200
    assert "地址已保存" in text(response) and "13812345678" in text(response)
    assert Address.objects.filter(person=person).count() == 1


def test_log_1_an_incomplete_address_is_refused_on_the_page_and_nothing_is_saved():
    person = PersonFactory(level=2)
    client = logged_in(person)
    response = client.post(reverse("shipments:addresses"), {**ADDRESS_FORM, "district": ""})
    assert response.status_code == 400
    assert "收件地址不完整：请填写区县（LOGISTICS_ADDRESS_INCOMPLETE）" in text(response)
    assert Address.objects.count() == 0


def test_log_1_nobody_else_sees_or_deletes_my_addresses():
    holder, other = PersonFactory(level=2), PersonFactory(level=2)
    address = addresses.add_address(holder.user, HOME)
    client = logged_in(other)
    assert "世纪大道" not in text(client.get(reverse("shipments:addresses")))
    response = client.post(reverse("shipments:delete_address", args=[address.pk]), follow=True)
    assert "LOGISTICS_ADDRESS_NOT_FOUND" in text(response)
    assert Address.objects.filter(pk=address.pk).exists()


def test_log_1_the_address_book_needs_a_login():
    response = logged_in(PersonFactory(level=2)).get(reverse("shipments:addresses"))
    assert response.status_code == 200
    from django.test import Client

    assert Client().get(reverse("shipments:addresses")).status_code == 302


def test_item_3_log_1_the_applicant_chooses_courier_on_the_case_page():
    the = courier_scene()
    case = submitted(the)
    address = home_address(the)
    client = logged_in(the.applicant)
    page = client.get(reverse("cases:detail", args=[case.number]))
    assert "结果送达与快递" in text(page) and "快递送达" in text(page)
    response = client.post(reverse("shipments:choose_delivery", args=[case.number]),
                           {"method": "courier", "address": address.pk}, follow=True)
    assert "送达方式已保存" in text(response)
    assert DeliveryPreference.objects.get(case_number=case.number).method == "courier"


def test_log_1_another_person_cannot_choose_for_my_case():
    the = courier_scene()
    case = submitted(the)
    other = PersonFactory(level=2)
    response = logged_in(other).post(reverse("shipments:choose_delivery", args=[case.number]), {"method": "pickup"})
    assert response.status_code == 404
    assert DeliveryPreference.objects.count() == 0


def test_log_1_the_applicant_and_the_handling_staff_see_the_tracking_others_do_not(client):
    the = courier_scene()
    case, shipment = issued_with_shipment(the)
    run_courier()
    portal = text(logged_in(the.applicant).get(reverse("cases:detail", args=[case.number])))
    assert shipment.waybill_number in portal and "已签收" in portal
    client.force_login(the.officer)
    workbench = client.get(reverse("workbench:case", args=[case.number]))
    assert shipment.waybill_number in text(workbench) and "138****5678" in text(workbench)
    assert "13812345678" not in workbench.content.decode()
    client.force_login(staff(StaffRole.CASE_OFFICER, AgencyFactory()))
    assert client.get(reverse("workbench:case", args=[case.number])).status_code == 404
    stranger = logged_in(PersonFactory(level=2))
    assert stranger.get(reverse("cases:detail", args=[case.number])).status_code == 404


def _returned(the):
    with override_settings(TONGBAN_COURIER_SANDBOX_FAULTS="returned"):
        case, shipment = issued_with_shipment(the)
        run_courier()
    return case, shipment


def test_log_1_the_work_items_page_re_ships_to_a_corrected_address(client):
    the = courier_scene()
    case, shipment = _returned(the)
    item = WorkItem.objects.get(is_open=True)
    client.force_login(the.officer)
    page = client.get(reverse("workbench:shipment_work_items"))
    assert case.number in text(page) and "快件退回" in text(page)
    refused = client.post(reverse("workbench:shipment_reship", args=[item.pk]),
                          {**ADDRESS_FORM, "phone": "123"})
    assert refused.status_code == 400 and "LOGISTICS_ADDRESS_PHONE_INVALID" in text(refused)
    assert Shipment.objects.count() == 1
    response = client.post(reverse("workbench:shipment_reship", args=[item.pk]), ADDRESS_FORM, follow=True)
    assert "已更正地址并重新下单" in text(response)
    new = Shipment.objects.exclude(pk=shipment.pk).get()
    assert (new.replaces_id, new.state) == (shipment.pk, ShipmentState.PENDING_ORDER)


def test_log_1_the_work_items_page_switches_to_pickup(client):
    the = courier_scene()
    case, _shipment = _returned(the)
    item = WorkItem.objects.get(is_open=True)
    client.force_login(the.officer)
    response = client.post(reverse("workbench:shipment_pickup", args=[item.pk]), follow=True)
    assert "已改为窗口领取" in text(response)
    assert DeliveryPreference.objects.get(case_number=case.number).method == "pickup"


def test_log_1_staff_of_another_agency_neither_see_nor_resolve_the_work_items(client):
    the = courier_scene()
    _returned(the)
    item = WorkItem.objects.get(is_open=True)
    client.force_login(staff(StaffRole.CASE_OFFICER, AgencyFactory()))
    page = client.get(reverse("workbench:shipment_work_items"))
    assert (page.context["items"], "没有待处理的寄递" in text(page)) == ([], True)
    response = client.post(reverse("workbench:shipment_pickup", args=[item.pk]))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.is_open is True
