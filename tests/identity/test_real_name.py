"""Real-name levels (ID-1, ID-3): L2 through the registries, L3 by bank card or face, L4 at the counter."""

from __future__ import annotations

import datetime

import pytest

from tests.factories import AgencyFactory, staff
from tests.identity.factories import PersonFactory
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.adapters.sandbox import sample_face_png
from tongban.identity.models import DocumentType, Person, RealNameCheck, RealNameMethod, StaffRole
from tongban.identity.services import real_name

pytestmark = pytest.mark.django_db

ZHANG_WEI = "310101199003071310"
ZHANG_WEI_CARD = "6222021000000010016"
JOHN_SMITH_PASSPORT = "567890123"


def _refusal(call, *arguments, **keywords) -> TongbanError:  # noqa: ANN001 - any service function
    with pytest.raises(TongbanError) as refused:
        call(*arguments, **keywords)
    return refused.value


def _state(person: Person) -> tuple:
    """Everything a refusal must leave as it was."""
    person = Person.objects.get(pk=person.pk)
    return (person.real_name_level, person.full_name, person.document_type, person.document_number_hash,
            person.birth_date, person.nationality, RealNameCheck.objects.count(), AuditEvent.objects.count())


def test_id_1_resident_reaches_level_2_through_the_population_registry():
    """ID-1: name + resident ID number, validated and matched; the document is stored encrypted with its hash."""
    # given a person at level 1
    person = PersonFactory(level=1)

    # when the population registry matches the name and number
    real_name.raise_to_resident_level(person.user, " 张伟 ", "310101 19900307 1310")

    # then the person is at level 2 with the verified name, document and birth date
    person.refresh_from_db()
    assert (person.real_name_level, person.full_name, person.document_type, person.document_number) == (
        2, "张伟", DocumentType.RESIDENT_ID, ZHANG_WEI)
    assert (person.birth_date, person.nationality) == (datetime.date(1990, 3, 7), "CHN")
    check = person.real_name_checks.get(level=2)
    assert (check.method, check.succeeded) == (RealNameMethod.POPULATION_REGISTRY, True)
    assert check.reference.startswith("POP-")
    # and the level change is audited
    event = AuditEvent.objects.filter(action="identity.person.level_raised").get()
    assert event.data == {"from": 1, "to": 2, "method": "population_registry", "reference": check.reference}
    assert (event.actor_id, event.object_id) == (person.user_id, str(person.pk))


@pytest.mark.parametrize(("number", "code"), [
    ("310101199003071311", "CORE_ID_NUMBER_CHECKSUM"),
    ("310101209901011234", "CORE_ID_NUMBER_BIRTH_DATE"),  # born 2099: in the future
    ("31010119900307131", "CORE_ID_NUMBER_FORMAT"),
])
def test_malformed_id_numbers_are_refused_before_any_registry_call(number, code):
    """ID-1 bad input: wrong checksum, future birth date, wrong length: refused, nothing written."""
    person = PersonFactory(level=1)
    before = _state(person)
    refusal = _refusal(real_name.raise_to_resident_level, person.user, "张伟", number)
    assert (refusal.code, refusal.field) == (code, "id_number")
    assert _state(person) == before


@pytest.mark.parametrize(("name", "number", "code"), [
    ("李娜", ZHANG_WEI, "IDENTITY_REGISTRY_NAME_MISMATCH"),
    ("张伟", "110101199001011237", "IDENTITY_REGISTRY_NOT_FOUND"),
    ("刘建国", "310106194002140117", "IDENTITY_REGISTRY_CANCELLED"),
])
def test_a_registry_no_is_refused_and_kept_as_evidence(name, number, code):
    """ID-1: the person stays at level 1; the failed check is recorded and audited, nothing else changes."""
    person = PersonFactory(level=1)
    level, full_name, document_type, document_hash, *_ = _state(person)
    refusal = _refusal(real_name.raise_to_resident_level, person.user, name, number)
    assert refusal.code == code
    assert _state(person)[:4] == (level, full_name, document_type, document_hash)
    failed = RealNameCheck.objects.get(person=person, succeeded=False)
    assert (failed.level, failed.method) == (2, RealNameMethod.POPULATION_REGISTRY)
    assert AuditEvent.objects.filter(action="identity.person.check_failed").count() == 1


def test_an_unavailable_registry_is_a_clear_error_and_changes_nothing(settings):
    """ID-1 bad input: no answer is not a "no": IDENTITY_REGISTRY_UNAVAILABLE, nothing written at all."""
    settings.TONGBAN_REGISTRY_SANDBOX_FAILURE = "unavailable"
    person = PersonFactory(level=1)
    before = _state(person)
    refusal = _refusal(real_name.raise_to_resident_level, person.user, "张伟", ZHANG_WEI)
    assert (refusal.code, refusal.message) == (
        "IDENTITY_REGISTRY_UNAVAILABLE", "人口库暂时无法访问，请稍后再试（您的信息未作任何更改）")
    assert _state(person) == before


def test_one_account_per_document():
    """ID-1 bad input: a second account with the same document is refused before the registry is asked."""
    PersonFactory(level=2, document=ZHANG_WEI)
    person = PersonFactory(level=1)
    before = _state(person)
    refusal = _refusal(real_name.raise_to_resident_level, person.user, "张伟", ZHANG_WEI)
    assert refusal.code == "IDENTITY_DOCUMENT_ALREADY_REGISTERED"
    assert _state(person) == before


def test_id_3_foreigner_reaches_level_2_with_a_passport():
    """ID-3: passport + nationality matched by the exit-entry registry, which also gives the birth date."""
    person = PersonFactory(level=1)
    real_name.raise_to_foreigner_level(person.user, "John Smith", DocumentType.PASSPORT, JOHN_SMITH_PASSPORT, "usa")
    person.refresh_from_db()
    assert (person.real_name_level, person.full_name, person.document_type, person.document_number) == (
        2, "JOHN SMITH", DocumentType.PASSPORT, JOHN_SMITH_PASSPORT)
    assert (person.nationality, person.birth_date) == ("USA", datetime.date(1980, 5, 20))
    assert person.real_name_checks.get(level=2).method == RealNameMethod.EXIT_ENTRY_REGISTRY


@pytest.mark.parametrize(("name", "number", "nationality", "birth_date"), [
    ("MARIA GARCIA", "931724198708110120", "ESP", datetime.date(1987, 8, 11)),  # 2023 edition, 18 characters
    ("TANAKA HANAKO", "JPN310880512001", "JPN", datetime.date(1988, 5, 12)),  # earlier edition, 15 characters
])
def test_id_3_foreigner_reaches_level_2_with_a_permanent_residence_card(name, number, nationality, birth_date):
    """ID-3: both editions of the foreigner's permanent residence ID card."""
    person = PersonFactory(level=1)
    real_name.raise_to_foreigner_level(person.user, name, DocumentType.FOREIGN_PERMANENT_RESIDENCE, number,
                                       nationality)
    person.refresh_from_db()
    assert (person.real_name_level, person.document_number, person.birth_date) == (2, number, birth_date)


@pytest.mark.parametrize(("document_type", "number", "nationality", "code"), [
    (DocumentType.PASSPORT, JOHN_SMITH_PASSPORT, "GBR", "IDENTITY_REGISTRY_DETAILS_MISMATCH"),
    (DocumentType.PASSPORT, "AB12", "USA", "IDENTITY_DOCUMENT_NUMBER_FORMAT"),
    (DocumentType.PASSPORT, JOHN_SMITH_PASSPORT, "US", "IDENTITY_NATIONALITY_INVALID"),
    (DocumentType.PASSPORT, JOHN_SMITH_PASSPORT, "CHN", "IDENTITY_NATIONALITY_INVALID"),
    (DocumentType.FOREIGN_PERMANENT_RESIDENCE, "931724198708110121", "ESP", "IDENTITY_DOCUMENT_NUMBER_FORMAT"),
    (DocumentType.FOREIGN_PERMANENT_RESIDENCE, "USA310880512001", "JPN", "IDENTITY_DOCUMENT_NUMBER_FORMAT"),
    (DocumentType.RESIDENT_ID, ZHANG_WEI, "USA", "IDENTITY_DOCUMENT_TYPE_INVALID"),
])
def test_id_3_bad_foreign_documents_are_refused(document_type, number, nationality, code):
    """ID-3 bad input: each refused with its own code; the person keeps level 1."""
    person = PersonFactory(level=1)
    refusal = _refusal(real_name.raise_to_foreigner_level, person.user, "JOHN SMITH", document_type, number,
                       nationality)
    assert refusal.code == code
    person.refresh_from_db()
    assert (person.real_name_level, person.document_number) == (1, "")


def test_level_3_by_bank_card_four_elements():
    """ID-1: the verified name and document, the card and the bank's reserved phone."""
    person = PersonFactory(level=2, document=ZHANG_WEI, full_name="张伟")
    # a wrong reserved phone is a clear "no", kept as evidence
    refusal = _refusal(real_name.raise_by_bank_card, person.user, ZHANG_WEI_CARD, "13800138009")
    assert (refusal.code, refusal.message) == (
        "IDENTITY_BANK_CARD_MISMATCH", "银行卡四要素核验未通过：手机号与银行预留手机号不一致")
    # a card number failing its Luhn check never reaches the bank
    assert _refusal(real_name.raise_by_bank_card, person.user, "6222021000000010017",
                    "13800138000").code == "IDENTITY_BANK_CARD_FORMAT"
    # the right four elements raise the level
    real_name.raise_by_bank_card(person.user, ZHANG_WEI_CARD, "13800138000")
    person.refresh_from_db()
    assert person.real_name_level == 3
    assert [(check.level, check.method, check.succeeded) for check in person.real_name_checks.filter(level=3)] == [
        (3, RealNameMethod.BANK_CARD, False), (3, RealNameMethod.BANK_CARD, True)]


def test_level_3_by_face_check():
    """ID-1: the sandbox accepts the person's own sample image and nothing else."""
    person = PersonFactory(level=2, document=ZHANG_WEI, full_name="张伟")
    assert _refusal(real_name.raise_by_face, person.user, b"not an image").code == "IDENTITY_FACE_IMAGE_INVALID"
    mismatch = _refusal(real_name.raise_by_face, person.user, sample_face_png(JOHN_SMITH_PASSPORT))
    assert (mismatch.code, mismatch.message) == ("IDENTITY_FACE_MISMATCH", "人脸比对未通过：人脸比对不一致")
    assert real_name.sandbox_face_sample(person.user) == sample_face_png(ZHANG_WEI)
    real_name.raise_by_face(person.user, sample_face_png(ZHANG_WEI))
    person.refresh_from_db()
    assert person.real_name_level == 3


def test_levels_are_reached_in_order_and_never_twice():
    """L3 needs L2 first; a level already reached is not raised again."""
    beginner = PersonFactory(level=1)
    refusal = _refusal(real_name.raise_by_bank_card, beginner.user, ZHANG_WEI_CARD, "13800138000")
    assert (refusal.code, refusal.message) == ("IDENTITY_LEVEL_PREREQUISITE", "请先完成2级实名认证")
    verified = PersonFactory(level=3, document=ZHANG_WEI, full_name="张伟")
    assert _refusal(real_name.raise_by_face, verified.user,
                    sample_face_png(ZHANG_WEI)).code == "IDENTITY_LEVEL_ALREADY_REACHED"
    assert _refusal(real_name.raise_to_resident_level, verified.user, "张伟",
                    ZHANG_WEI).code == "IDENTITY_LEVEL_ALREADY_REACHED"


def test_level_4_is_set_by_counter_staff_after_checking_the_physical_document():
    """ID-1: the counter types the document's number; the check names the clerk and the agency."""
    # given a person at level 2 and a counter clerk
    agency = AgencyFactory(name="黄浦区行政服务中心")
    clerk = staff(StaffRole.COUNTER_STAFF, agency)
    person = PersonFactory(level=2, document=ZHANG_WEI, full_name="张伟")
    # when the clerk finds the person by the document number and confirms with the number typed from the card
    assert real_name.find_for_counter(clerk, "310101 1990 0307 1310") == [person]
    refusal = _refusal(real_name.verify_at_counter, clerk, person, "310101199003071311", confirmed=True)
    assert refusal.code == "IDENTITY_COUNTER_DOCUMENT_MISMATCH"
    real_name.verify_at_counter(clerk, person, ZHANG_WEI.lower(), confirmed=True)
    # then the person is at level 4, recorded as a counter check by the clerk at the agency
    person.refresh_from_db()
    assert person.real_name_level == 4
    check = person.real_name_checks.get(level=4)
    assert check.method == RealNameMethod.COUNTER
    assert check.checked_by_label == f"{clerk.display_name}（黄浦区行政服务中心）"
    event = AuditEvent.objects.filter(action="identity.person.level_raised").get()
    assert (event.actor_id, event.agency_id, event.data["from"], event.data["to"]) == (clerk.pk, agency.pk, 2, 4)


ACTORS = ["anonymous", "applicant", *[role.value for role in StaffRole if role != StaffRole.COUNTER_STAFF]]


@pytest.mark.parametrize("actor", ACTORS)
def test_only_counter_staff_set_level_4(actor):
    """Permissions: anonymous, the applicant himself and every other staff role are refused; nothing changes."""
    person = PersonFactory(level=2, document=ZHANG_WEI, full_name="张伟")
    if actor == "anonymous":
        user, expected = None, "IDENTITY_LOGIN_REQUIRED"
    elif actor == "applicant":
        user, expected = person.user, "IDENTITY_ROLE_REQUIRED"
    else:
        user, expected = staff(StaffRole(actor), AgencyFactory()), "IDENTITY_ROLE_REQUIRED"
    before = _state(person)
    assert _refusal(real_name.verify_at_counter, user, person, ZHANG_WEI, confirmed=True).code == expected
    assert _refusal(real_name.find_for_counter, user, ZHANG_WEI).code == expected
    assert _state(person) == before


def test_level_4_needs_level_2_and_the_clerks_confirmation():
    """A person without a verified document cannot be raised; the clerk must tick the confirmation."""
    clerk = staff(StaffRole.COUNTER_STAFF, AgencyFactory())
    beginner = PersonFactory(level=1)
    assert _refusal(real_name.verify_at_counter, clerk, beginner, ZHANG_WEI,
                    confirmed=True).code == "IDENTITY_LEVEL_PREREQUISITE"
    person = PersonFactory(level=2, document=ZHANG_WEI)
    assert _refusal(real_name.verify_at_counter, clerk, person, ZHANG_WEI,
                    confirmed=False).code == "IDENTITY_COUNTER_CONFIRMATION_REQUIRED"
    assert Person.objects.get(pk=person.pk).real_name_level == 2
