"""The address book (LOG-1): each person's own postal addresses, validated, the phone encrypted at rest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from tongban.core import audit, crypto
from tongban.core.errors import TongbanError
from tongban.identity.models import Person
from tongban.identity.services import Actor
from tongban.logistics.errors import LogisticsError
from tongban.logistics.models import Address
from tongban.logistics.models.addresses import PHONE_CONTEXT

# Mainland mobile numbers (工信部 number segments 13–19); couriers call or text the recipient.
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
POSTAL_CODE_PATTERN = re.compile(r"^\d{6}$")
REQUIRED_FIELDS = {"province": "省", "city": "市", "district": "区县", "detail": "详细地址", "recipient": "收件人",
                   "phone": "手机号码"}
FIELD_LABELS = {**REQUIRED_FIELDS, "label": "名称"}
MAX_LENGTHS = {"label": 20, "recipient": 60, "province": 20, "city": 20, "district": 20, "detail": 120}


@dataclass(frozen=True)
class AddressInput:
    """An address as typed, before validation."""

    recipient: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    label: str = ""
    postal_code: str = ""


def clean(value: AddressInput) -> AddressInput:
    """The address with spaces trimmed, or a refusal naming every missing part at once (nothing is saved)."""
    fields = {name: "".join(str(getattr(value, name)).split()) if name == "phone" else str(getattr(value, name)).strip()
              for name in ("recipient", "phone", "province", "city", "district", "detail", "label", "postal_code")}
    missing = [label for name, label in REQUIRED_FIELDS.items() if not fields[name]]
    if missing:
        raise TongbanError(LogisticsError.ADDRESS_INCOMPLETE, field=next(
            name for name, label in REQUIRED_FIELDS.items() if label == missing[0]), fields="、".join(missing))
    for name, max_length in MAX_LENGTHS.items():
        if len(fields[name]) > max_length:
            raise TongbanError(LogisticsError.ADDRESS_TOO_LONG, field=name, max_length=max_length,
                               field_label=FIELD_LABELS[name])
    if not MOBILE_PATTERN.match(fields["phone"]):
        raise TongbanError(LogisticsError.ADDRESS_PHONE_INVALID, field="phone")
    if fields["postal_code"] and not POSTAL_CODE_PATTERN.match(fields["postal_code"]):
        raise TongbanError(LogisticsError.ADDRESS_INCOMPLETE, field="postal_code", fields="6位邮政编码")
    return AddressInput(**fields)


def _person_of(actor: Actor) -> Person:
    person = getattr(actor, "person", None) if actor is not None and actor.is_authenticated else None
    if person is None:
        raise TongbanError(LogisticsError.NOT_ADDRESS_HOLDER)
    return person


def addresses_of(actor: Actor) -> QuerySet[Address]:
    """The actor's own address book (nobody else's)."""
    return Address.objects.filter(person=_person_of(actor))


def own_address(actor: Actor, address_id: int | str | None) -> Address:
    """One address of the actor's book, or a refusal that does not tell whether it exists for someone else."""
    person = _person_of(actor)
    try:
        address = Address.objects.filter(person=person, pk=int(address_id or 0)).first()
    except (TypeError, ValueError):
        address = None
    if address is None:
        raise TongbanError(LogisticsError.ADDRESS_NOT_FOUND, field="address")
    return address


@transaction.atomic
def add_address(actor: Actor, value: AddressInput, *, make_default: bool = False) -> Address:
    """Add an address to the actor's book; the first one becomes the default."""
    person = _person_of(actor)
    cleaned = clean(value)
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one default per book, even in parallel
    first = not Address.objects.filter(person=person).exists()
    if make_default or first:
        Address.objects.filter(person=person, is_default=True).update(is_default=False)
    address = Address.objects.create(
        person=person, label=cleaned.label, recipient=cleaned.recipient,
        phone_encrypted=crypto.encrypt(cleaned.phone, context=PHONE_CONTEXT), province=cleaned.province,
        city=cleaned.city, district=cleaned.district, detail=cleaned.detail, postal_code=cleaned.postal_code,
        is_default=make_default or first,
    )
    audit.record("logistics.address.added", actor=actor, obj=address, data={"person": person.pk})
    return address


@transaction.atomic
def delete_address(actor: Actor, address_id: int | str) -> None:
    """Remove an address from the actor's book (shipments keep their own copy)."""
    address = own_address(actor, address_id)
    was_default = address.is_default
    audit.record("logistics.address.deleted", actor=actor, obj=address, data={"person": address.person_id})
    address.delete()
    if was_default:
        successor = Address.objects.filter(person=address.person).first()
        if successor is not None:
            Address.objects.filter(pk=successor.pk).update(is_default=True)
