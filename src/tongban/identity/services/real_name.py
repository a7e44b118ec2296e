"""Real-name levels (ID-1, ID-3): raising a person's level through the registries and at the counter.

* L1 phone verified (at sign-up, ``persons.sign_up``);
* L2 name and document matched: residents against the population registry,
  foreigners (passport or permanent residence ID card) against the exit-entry registry;
* L3 an extra factor on top of L2: bank-card four elements or a face check;
* L4 verified in person by counter staff holding the physical document.

Each raise is one transaction that locks the person, records a ``RealNameCheck``
and the audit event ``identity.person.level_raised``. A registry's "no" is kept
as a failed ``RealNameCheck`` (evidence, audited) and refused; a malformed
input, a duplicate document or a registry that does not answer is refused with
nothing written. Levels only go up here.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core import audit, crypto
from tongban.core.adapters import adapter
from tongban.core.errors import TongbanError
from tongban.core.identifiers import validate_resident_id
from tongban.identity.adapters.base import CheckAnswer, CheckReason, RegistryUnavailable
from tongban.identity.errors import IdentityError
from tongban.identity.models import DocumentType, Person, RealNameCheck, RealNameMethod, StaffRole, User
from tongban.identity.services.one_time_codes import normalise_phone
from tongban.identity.services.persons import person_of
from tongban.identity.services.roles import actor_label, agencies_where, require_role

MAX_FACE_BYTES = 512 * 1024
PASSPORT_PATTERN = re.compile(r"^[A-Z0-9]{5,17}$")
OLD_RESIDENCE_CARD_PATTERN = re.compile(r"^[A-Z]{3}\d{12}$")
NATIONALITY_PATTERN = re.compile(r"^[A-Z]{3}$")
BANK_CARD_PATTERN = re.compile(r"^\d{16,19}$")
REGISTRY_NAMES = {
    "population_registry": _("人口库"),
    "exit_entry_registry": _("出入境证件信息库"),
    "bank_card": _("银行卡核验服务"),
    "face": _("人脸比对服务"),
}
LEVEL_LABELS = {
    0: _("未实名"),
    1: _("一级：手机号码已验证"),
    2: _("二级：姓名与证件已核验"),
    3: _("三级：银行卡或人脸增强核验"),
    4: _("四级：窗口现场核验"),
}


def _ask(role: str, call: str, *arguments: Any) -> CheckAnswer:
    """Ask the adapter playing ``role``; an outage becomes ``IDENTITY_REGISTRY_UNAVAILABLE``."""
    try:
        return getattr(adapter(role), call)(*arguments)  # type: ignore[no-any-return]
    except RegistryUnavailable:
        raise TongbanError(IdentityError.REGISTRY_UNAVAILABLE, registry=REGISTRY_NAMES[role]) from None


def _refusal_for(answer: CheckAnswer, role: str) -> TongbanError:
    registry = REGISTRY_NAMES[role]
    if role == "bank_card":
        return TongbanError(IdentityError.BANK_CARD_MISMATCH, field="card_number", detail=answer.reason.label)
    if role == "face":
        return TongbanError(IdentityError.FACE_MISMATCH, field="image", detail=answer.reason.label)
    return {
        CheckReason.NOT_FOUND: TongbanError(IdentityError.REGISTRY_NOT_FOUND, field="document_number",
                                            registry=registry),
        CheckReason.NAME_MISMATCH: TongbanError(IdentityError.REGISTRY_NAME_MISMATCH, field="full_name"),
        CheckReason.CANCELLED: TongbanError(IdentityError.REGISTRY_CANCELLED, field="document_number"),
    }.get(answer.reason, TongbanError(IdentityError.REGISTRY_DETAILS_MISMATCH, field="document_number"))


def _require_level(person: Person, *, below: int, at_least: int) -> None:
    if person.real_name_level >= below:
        raise TongbanError(IdentityError.LEVEL_ALREADY_REACHED, level=person.real_name_level)
    if person.real_name_level < at_least:
        raise TongbanError(IdentityError.LEVEL_PREREQUISITE, level=at_least)


def _refuse_taken_document(person: Person, document_type: str, number: str) -> None:
    taken = Person.objects.filter(document_number_hash=crypto.lookup_hash(f"document:{document_type}", number))
    if taken.exclude(pk=person.pk).exists():
        raise TongbanError(IdentityError.DOCUMENT_ALREADY_REGISTERED, field="document_number")


def _record_failure(person: Person, level: int, method: str, answer: CheckAnswer, actor: Any) -> None:
    with transaction.atomic():
        RealNameCheck.objects.create(
            person=person, level=level, method=method, succeeded=False, reference=answer.reference,
            detail=answer.reason.label, checked_by_label=actor_label(actor),
        )
        audit.record("identity.person.check_failed", actor=actor, obj=person,
                     data={"level": level, "method": method, "reason": answer.reason.value})


def _raise(person: Person, level: int, method: str, reference: str, actor: Any, *,
           agency_id: int | None = None, checked_by: str | None = None, **changes: Any) -> Person:
    """Lock the person, apply ``changes`` (document, name …), set ``level``, record the check and audit."""
    document = changes.pop("document", None)
    try:
        with transaction.atomic():
            locked = Person.objects.select_for_update().get(pk=person.pk)
            if locked.real_name_level >= level:
                raise TongbanError(IdentityError.LEVEL_ALREADY_REACHED, level=locked.real_name_level)
            previous = locked.real_name_level
            for name, value in changes.items():
                setattr(locked, name, value)
            if document is not None:
                locked.set_document(*document)
            locked.real_name_level = level
            locked.save()
            RealNameCheck.objects.create(
                person=locked, level=level, method=method, succeeded=True, reference=reference,
                checked_by_label=checked_by or actor_label(actor),
            )
            audit.record("identity.person.level_raised", actor=actor, agency_id=agency_id, obj=locked,
                         data={"from": previous, "to": level, "method": method, "reference": reference})
    except IntegrityError:
        raise TongbanError(IdentityError.DOCUMENT_ALREADY_REGISTERED, field="document_number") from None
    return locked


def _full_name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name or len(name) > 120:
        raise TongbanError(IdentityError.FULL_NAME_REQUIRED, field="full_name")
    return name


def raise_to_resident_level(user: User | AnonymousUser | None, full_name: str, id_number: str) -> Person:
    """L2 for a resident: the ID number is validated (GB 11643) and matched with the name by the population registry."""
    person = person_of(user)
    _require_level(person, below=2, at_least=1)
    name = _full_name(full_name)
    resident_id = validate_resident_id(id_number)
    _refuse_taken_document(person, DocumentType.RESIDENT_ID, resident_id.number)
    answer = _ask("population_registry", "verify", name, resident_id.number)
    if not answer.matched:
        _record_failure(person, 2, RealNameMethod.POPULATION_REGISTRY, answer, person.user)
        raise _refusal_for(answer, "population_registry")
    return _raise(person, 2, RealNameMethod.POPULATION_REGISTRY, answer.reference, person.user,
                  full_name=name, nationality="CHN", birth_date=resident_id.birth_date,
                  document=(DocumentType.RESIDENT_ID, resident_id.number))


def _foreign_document(document_type: str, number: str, nationality: str) -> tuple[str, datetime.date | None]:
    """The normalised document number and, for the 18-character residence card, the birth date it encodes."""
    number = crypto.normalise(number or "")
    label = DocumentType(document_type).label
    if document_type == DocumentType.PASSPORT:
        if not PASSPORT_PATTERN.match(number):
            raise TongbanError(IdentityError.DOCUMENT_NUMBER_FORMAT, field="document_number", document=label)
        return number, None
    if len(number) == 18 and number.startswith("9"):
        try:
            return number, validate_resident_id(number).birth_date
        except TongbanError:
            raise TongbanError(IdentityError.DOCUMENT_NUMBER_FORMAT, field="document_number", document=label) from None
    if OLD_RESIDENCE_CARD_PATTERN.match(number) and number[:3] == nationality:
        return number, None
    raise TongbanError(IdentityError.DOCUMENT_NUMBER_FORMAT, field="document_number", document=label)


def raise_to_foreigner_level(user: User | AnonymousUser | None, full_name: str, document_type: str,
                             document_number: str, nationality: str) -> Person:
    """L2 for a foreigner (ID-3): passport or permanent residence ID card matched by the exit-entry registry."""
    person = person_of(user)
    _require_level(person, below=2, at_least=1)
    name = _full_name(full_name).upper()
    if document_type not in (DocumentType.PASSPORT, DocumentType.FOREIGN_PERMANENT_RESIDENCE):
        raise TongbanError(IdentityError.DOCUMENT_TYPE_INVALID, field="document_type")
    nationality = crypto.normalise(nationality or "")
    if not NATIONALITY_PATTERN.match(nationality) or nationality == "CHN":
        raise TongbanError(IdentityError.NATIONALITY_INVALID, field="nationality")
    number, encoded_birth_date = _foreign_document(document_type, document_number, nationality)
    _refuse_taken_document(person, document_type, number)
    answer = _ask("exit_entry_registry", "verify", name, document_type, number, nationality)
    if not answer.matched:
        _record_failure(person, 2, RealNameMethod.EXIT_ENTRY_REGISTRY, answer, person.user)
        raise _refusal_for(answer, "exit_entry_registry")
    return _raise(person, 2, RealNameMethod.EXIT_ENTRY_REGISTRY, answer.reference, person.user,
                  full_name=name, nationality=nationality, birth_date=answer.birth_date or encoded_birth_date,
                  document=(document_type, number))


def _luhn_valid(number: str) -> bool:
    total = 0
    for position, digit in enumerate(reversed(number)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def raise_by_bank_card(user: User | AnonymousUser | None, card_number: str, phone: str) -> Person:
    """L3 by the bank-card four elements: the verified name and document, the card and its reserved phone."""
    person = person_of(user)
    _require_level(person, below=3, at_least=2)
    card = "".join((card_number or "").split())
    if not BANK_CARD_PATTERN.match(card) or not _luhn_valid(card):
        raise TongbanError(IdentityError.BANK_CARD_FORMAT, field="card_number")
    reserved_phone = normalise_phone(phone)
    answer = _ask("bank_card", "verify", person.full_name, person.document_number, card, reserved_phone)
    if not answer.matched:
        _record_failure(person, 3, RealNameMethod.BANK_CARD, answer, person.user)
        raise _refusal_for(answer, "bank_card")
    return _raise(person, 3, RealNameMethod.BANK_CARD, answer.reference, person.user)


def raise_by_face(user: User | AnonymousUser | None, image_bytes: bytes) -> Person:
    """L3 by face comparison against the photo on file for the verified document (PNG or JPEG, ≤ 512 KB)."""
    person = person_of(user)
    _require_level(person, below=3, at_least=2)
    is_image = image_bytes.startswith(b"\x89PNG\r\n\x1a\n") or image_bytes.startswith(b"\xff\xd8\xff")
    if not image_bytes or len(image_bytes) > MAX_FACE_BYTES or not is_image:
        raise TongbanError(IdentityError.FACE_IMAGE_INVALID, field="image", max_kb=MAX_FACE_BYTES // 1024)
    answer = _ask("face", "verify", person.document_number, image_bytes)
    if not answer.matched:
        _record_failure(person, 3, RealNameMethod.FACE, answer, person.user)
        raise _refusal_for(answer, "face")
    return _raise(person, 3, RealNameMethod.FACE, answer.reference, person.user)


def sandbox_face_sample(user: User | AnonymousUser | None) -> bytes | None:
    """The sandbox's sample photo for the holder's own document, when the face check is the sandbox."""
    from tongban.identity.adapters.sandbox import SandboxFaceVerifier, sample_face_png

    person = person_of(user)
    if not isinstance(adapter("face"), SandboxFaceVerifier) or not person.document_number:
        return None
    return sample_face_png(person.document_number)


def find_for_counter(actor: User | AnonymousUser | None, query: str) -> list[Person]:
    """Counter staff look a person up by full document number or phone (keyed-hash equality only)."""
    require_role(actor, StaffRole.COUNTER_STAFF)
    text = crypto.normalise(query or "")
    if re.fullmatch(r"1[3-9]\d{9}", text):
        found = Person.objects.filter(phone_hash=crypto.lookup_hash("phone", text))
    elif re.fullmatch(r"[A-Z0-9]{5,18}", text):
        hashes = [crypto.lookup_hash(f"document:{kind}", text) for kind in DocumentType.values]
        found = Person.objects.filter(document_number_hash__in=hashes)
    else:
        raise TongbanError(IdentityError.SEARCH_QUERY_INVALID, field="query")
    people = list(found.select_related("user").order_by("pk"))
    audit.record("identity.person.counter_search", actor=actor, data={"found": [person.pk for person in people]})
    return people


def verify_at_counter(actor: User | AnonymousUser | None, person: Person, document_number: str,
                      *, confirmed: bool) -> Person:
    """L4: counter staff have the person and the physical document in front of them and confirm.

    The staff member types the number from the physical document; it must be
    the one the person verified at L2 (compared by keyed hash).
    """
    require_role(actor, StaffRole.COUNTER_STAFF)
    person = Person.objects.get(pk=person.pk)
    _require_level(person, below=4, at_least=2)
    if not confirmed:
        raise TongbanError(IdentityError.COUNTER_CONFIRMATION_REQUIRED, field="confirmed")
    typed = crypto.lookup_hash(f"document:{person.document_type}", document_number or "")
    if typed != person.document_number_hash:
        raise TongbanError(IdentityError.COUNTER_DOCUMENT_MISMATCH, field="document_number")
    agency = agencies_where(actor, StaffRole.COUNTER_STAFF)[0]
    checked_by = f"{actor_label(actor)}（{agency.name}）"[:120]
    reference = f"COUNTER-{agency.code}-{timezone.now():%Y%m%d%H%M%S}"
    return _raise(person, 4, RealNameMethod.COUNTER, reference, actor, agency_id=agency.pk, checked_by=checked_by)
