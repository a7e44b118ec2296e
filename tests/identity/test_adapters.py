"""The sandbox registries (ID-1, ID-3, ID-4): seeded demo data that is valid, and answers like the real services."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest

from tongban.core.adapters import adapter
from tongban.core.identifiers import validate_resident_id, validate_uscc
from tongban.identity.adapters.base import (
    BankCardVerifier,
    CheckReason,
    EnterpriseStatus,
    ExitEntryRegistry,
    FaceVerifier,
    LegalPersonRegistry,
    PopulationRegistry,
    RegistryUnavailable,
)
from tongban.identity.adapters.sandbox import DATA_FILE, demo_people, sample_face_png
from tongban.identity.services.real_name import _luhn_valid

ZHANG_WEI = "310101199003071310"
DECEASED = "310106194002140117"
JOHN_SMITH_PASSPORT = "567890123"
MARIA_GARCIA_CARD = "931724198708110120"


def test_demo_data_is_valid_by_the_national_standards():
    """Every resident and residence-card number passes GB 11643, every USCC GB 32100, every card Luhn."""
    # given the seeded file
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    people = {person.document_number: person for person in demo_people()}
    # then 18-character numbers validate, and the encoded birth date is the one on file
    for person in people.values():
        if len(person.document_number) == 18:
            assert validate_resident_id(person.document_number).birth_date == person.birth_date
        for card, _phone in person.bank_cards:
            assert _luhn_valid(card), card
    # and every enterprise has a valid code and a legal representative among the demo people
    assert len(raw["enterprises"]) == 6
    for enterprise in raw["enterprises"]:
        assert validate_uscc(enterprise["uscc"]) == enterprise["uscc"]
        assert enterprise["legal_representative"] in people
    # and the face hashes on file are those of the generated sample images
    for person in people.values():
        if person.face_sha256:
            assert hashlib.sha256(sample_face_png(person.document_number)).hexdigest() == person.face_sha256
    # and the data holds residents, a cancelled record, passports and both residence-card editions
    kinds = {(person.document_type, len(person.document_number)) for person in people.values()}
    assert {("resident_id", 18), ("passport", 9), ("foreign_permanent_residence", 18),
            ("foreign_permanent_residence", 15)} <= kinds
    assert [person.name for person in people.values() if person.status == "cancelled"] == ["刘建国"]


def test_configured_adapters_implement_the_interfaces():
    """Services ask for roles; the configured sandboxes play them."""
    assert isinstance(adapter("population_registry"), PopulationRegistry)
    assert isinstance(adapter("exit_entry_registry"), ExitEntryRegistry)
    assert isinstance(adapter("bank_card"), BankCardVerifier)
    assert isinstance(adapter("face"), FaceVerifier)
    assert isinstance(adapter("legal_person_registry"), LegalPersonRegistry)


def test_population_registry_answers_like_the_real_one():
    """ID-1: a match returns the birth date and a reference; otherwise the reason is given."""
    registry = adapter("population_registry")
    matched = registry.verify("张伟", ZHANG_WEI)
    assert (matched.matched, matched.reason, matched.birth_date) == (True, CheckReason.MATCHED,
                                                                    datetime.date(1990, 3, 7))
    assert matched.reference.startswith("POP-20260601-")
    assert registry.verify("张 伟", ZHANG_WEI).matched is True  # spacing does not matter
    assert registry.verify("李娜", ZHANG_WEI).reason == CheckReason.NAME_MISMATCH
    assert registry.verify("刘建国", DECEASED).reason == CheckReason.CANCELLED
    assert registry.verify("张伟", "110101199001011237").reason == CheckReason.NOT_FOUND
    assert registry.verify("MARIA GARCIA", MARIA_GARCIA_CARD).reason == CheckReason.NOT_FOUND


def test_exit_entry_registry_checks_document_type_nationality_and_name():
    """ID-3: passports and permanent residence ID cards of the demo foreigners."""
    registry = adapter("exit_entry_registry")
    passport = registry.verify("john smith", "passport", JOHN_SMITH_PASSPORT, "usa")
    assert (passport.matched, passport.birth_date) == (True, datetime.date(1980, 5, 20))
    assert registry.verify("MARIA GARCIA", "foreign_permanent_residence", MARIA_GARCIA_CARD, "ESP").matched
    assert registry.verify("JOHN SMITH", "passport", JOHN_SMITH_PASSPORT, "GBR").reason == CheckReason.DETAILS_MISMATCH
    assert registry.verify("JANE SMITH", "passport", JOHN_SMITH_PASSPORT, "USA").reason == CheckReason.NAME_MISMATCH
    assert registry.verify("张伟", "passport", ZHANG_WEI, "CHN").reason == CheckReason.NOT_FOUND


def test_bank_card_verifier_needs_all_four_elements():
    """L3: name, ID number, card number and the phone the bank has on file."""
    verifier = adapter("bank_card")
    assert verifier.verify("张伟", ZHANG_WEI, "6222 0210 0000 0010 016", "13800138000").matched
    assert verifier.verify("张伟", ZHANG_WEI, "6222021000000010016", "13800138009").reason == CheckReason.PHONE_MISMATCH
    assert verifier.verify("张伟", ZHANG_WEI, "6222021000000010032", "13800138000").reason == CheckReason.CARD_NOT_FOUND
    assert verifier.verify("李娜", ZHANG_WEI, "6222021000000010016", "13800138000").reason == CheckReason.CARD_NOT_FOUND


def test_face_verifier_accepts_only_the_persons_sample_image():
    """L3: the sandbox compares the upload's SHA-256 with the one on file."""
    verifier = adapter("face")
    assert verifier.verify(ZHANG_WEI, sample_face_png(ZHANG_WEI)).matched
    assert verifier.verify(ZHANG_WEI, sample_face_png(JOHN_SMITH_PASSPORT)).reason == CheckReason.FACE_MISMATCH
    assert verifier.verify(DECEASED, sample_face_png(DECEASED)).reason == CheckReason.NO_FACE_ON_FILE
    # and the sample is a real PNG, the same bytes every time
    assert sample_face_png(ZHANG_WEI).startswith(b"\x89PNG\r\n\x1a\n")
    assert sample_face_png(ZHANG_WEI) == sample_face_png(ZHANG_WEI.lower())


def test_legal_person_registry_returns_the_enterprise_and_its_representative():
    """ID-4: lookup by USCC; an unknown code is None."""
    registry = adapter("legal_person_registry")
    record = registry.lookup("91310000MA1FL0001R")
    assert (record.name, record.legal_representative_name, record.legal_representative_id_number, record.status) == (
        "上海通办示范科技有限公司", "张伟", ZHANG_WEI, EnterpriseStatus.ACTIVE)
    assert record.reference.startswith("LPR-")
    assert registry.lookup("91310101MA1GK0004H").status == EnterpriseStatus.CANCELLED
    assert registry.lookup("91310106MA1JP00051").status == EnterpriseStatus.REVOKED
    assert registry.lookup("91310000MA1FL00020") is None


@pytest.mark.parametrize(("role", "call", "arguments"), [
    ("population_registry", "verify", ("张伟", ZHANG_WEI)),
    ("exit_entry_registry", "verify", ("JOHN SMITH", "passport", JOHN_SMITH_PASSPORT, "USA")),
    ("bank_card", "verify", ("张伟", ZHANG_WEI, "6222021000000010016", "13800138000")),
    ("face", "verify", (ZHANG_WEI, b"")),
    ("legal_person_registry", "lookup", ("91310000MA1FL0001R",)),
])
def test_every_sandbox_can_be_unavailable(settings, role, call, arguments):
    """TONGBAN_REGISTRY_SANDBOX_FAILURE=unavailable: no answer at all, so callers can tell it from "no"."""
    settings.TONGBAN_REGISTRY_SANDBOX_FAILURE = "unavailable"
    with pytest.raises(RegistryUnavailable) as outage:
        getattr(adapter(role), call)(*arguments)
    assert outage.value.service == role
