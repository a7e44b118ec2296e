"""The address book (LOG-1): validated addresses, the phone encrypted at rest, each person's own."""

from __future__ import annotations

import dataclasses

import pytest

from tests.identity.factories import PersonFactory
from tests.logistics.builders import HOME
from tongban.core.errors import TongbanError
from tongban.logistics.models import Address
from tongban.logistics.services import addresses

pytestmark = pytest.mark.django_db


def test_log_1_an_address_is_saved_with_the_phone_encrypted_and_masked_for_others():
    person = PersonFactory(level=2)
    address = addresses.add_address(person.user, HOME)
    stored = Address.objects.get(pk=address.pk)
    assert "13812345678" not in stored.phone_encrypted
    assert (stored.phone, stored.masked_phone, stored.is_default) == ("13812345678", "138****5678", True)
    assert stored.one_line == "上海市上海市浦东新区世纪大道100号1201室"


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"province": ""}, "LOGISTICS_ADDRESS_INCOMPLETE", "province"),
    ({"city": " "}, "LOGISTICS_ADDRESS_INCOMPLETE", "city"),
    ({"district": ""}, "LOGISTICS_ADDRESS_INCOMPLETE", "district"),
    ({"detail": ""}, "LOGISTICS_ADDRESS_INCOMPLETE", "detail"),
    ({"recipient": ""}, "LOGISTICS_ADDRESS_INCOMPLETE", "recipient"),
    ({"phone": ""}, "LOGISTICS_ADDRESS_INCOMPLETE", "phone"),
    ({"phone": "12345"}, "LOGISTICS_ADDRESS_PHONE_INVALID", "phone"),
    ({"phone": "0215551234"}, "LOGISTICS_ADDRESS_PHONE_INVALID", "phone"),
    ({"detail": "长" * 121}, "LOGISTICS_ADDRESS_TOO_LONG", "detail"),
    ({"postal_code": "2001"}, "LOGISTICS_ADDRESS_INCOMPLETE", "postal_code"),
])
def test_log_1_an_incomplete_or_wrong_address_is_refused_and_nothing_is_saved(change, code, field):
    person = PersonFactory(level=2)
    with pytest.raises(TongbanError) as refused:
        addresses.add_address(person.user, dataclasses.replace(HOME, **change))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert Address.objects.count() == 0


def test_log_1_every_missing_part_is_named_at_once():
    person = PersonFactory(level=2)
    with pytest.raises(TongbanError) as refused:
        addresses.add_address(person.user, dataclasses.replace(HOME, province="", district="", phone=""))
    assert refused.value.message == "收件地址不完整：请填写省、区县、手机号码"


def test_log_1_only_the_holder_reaches_an_address():
    holder, other = PersonFactory(level=2), PersonFactory(level=2)
    address = addresses.add_address(holder.user, HOME)
    assert list(addresses.addresses_of(other.user)) == []
    with pytest.raises(TongbanError) as refused:
        addresses.delete_address(other.user, address.pk)
    assert refused.value.code == "LOGISTICS_ADDRESS_NOT_FOUND"
    assert Address.objects.filter(pk=address.pk).exists()


def test_log_1_deleting_the_default_makes_the_next_one_default():
    person = PersonFactory(level=2)
    first = addresses.add_address(person.user, HOME)
    second = addresses.add_address(person.user, dataclasses.replace(HOME, label="单位", detail="张江路1号"))
    addresses.delete_address(person.user, first.pk)
    assert list(addresses.addresses_of(person.user).values_list("pk", "is_default")) == [(second.pk, True)]
