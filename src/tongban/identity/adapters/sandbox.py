"""Sandbox registries seeded with demo people and enterprises (``sandbox_people.json``).

They answer the way the real services do — an unknown document is "not found",
a wrong name is "name mismatch", a cancelled record is refused, a wrong bank
phone is "phone mismatch" — so the sign-up and real-name flows run exactly as in
production. ``settings.TONGBAN_REGISTRY_SANDBOX_FAILURE = "unavailable"`` makes
every sandbox registry raise :class:`RegistryUnavailable`, to rehearse outages.

The face check compares the SHA-256 of the uploaded image with the one on file:
:func:`sample_face_png` draws each demo person's deterministic "photo", so a
test or a demo user uploads that file and passes, and any other image fails.
Settings are never sandbox in production (settings.py refuses it).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import secrets
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from tongban.core import crypto
from tongban.identity.adapters.base import (
    BankCardVerifier,
    CheckAnswer,
    CheckReason,
    EnterpriseRecord,
    EnterpriseStatus,
    ExitEntryRegistry,
    FaceVerifier,
    LegalPersonRegistry,
    PopulationRegistry,
    RegistryUnavailable,
)

DATA_FILE = Path(__file__).with_name("sandbox_people.json")
FAILURE_SETTING = "TONGBAN_REGISTRY_SANDBOX_FAILURE"
FACE_SIZE = 24


@dataclass(frozen=True)
class DemoPerson:
    """One demo person of the sandbox registries."""

    name: str
    document_type: str
    document_number: str
    nationality: str
    birth_date: datetime.date
    status: str
    phone: str
    bank_cards: tuple[tuple[str, str], ...]  # (card number, reserved phone)
    face_sha256: str


@dataclass(frozen=True)
class SandboxData:
    """The demo people by normalised document number, and the demo enterprises by USCC."""

    people: dict[str, DemoPerson]
    enterprises: dict[str, dict[str, Any]]


@functools.cache
def sandbox_data() -> SandboxData:
    """The seeded demo data (read once per process)."""
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    people = {}
    for entry in raw["people"]:
        person = DemoPerson(
            name=entry["name"], document_type=entry["document_type"],
            document_number=crypto.normalise(entry["document_number"]), nationality=entry["nationality"],
            birth_date=datetime.date.fromisoformat(entry["birth_date"]), status=entry["status"],
            phone=entry["phone"], bank_cards=tuple((card["number"], card["phone"]) for card in entry["bank_cards"]),
            face_sha256=entry["face_sha256"],
        )
        people[person.document_number] = person
    enterprises = {entry["uscc"]: entry for entry in raw["enterprises"]}
    return SandboxData(people, enterprises)


def demo_people() -> list[DemoPerson]:
    """Every demo person, in file order (for the demo pages and tests)."""
    return list(sandbox_data().people.values())


def _same_name(given: str, on_file: str) -> bool:
    """Names compare ignoring case, spaces and the middle dot of transliterated names."""
    def simplify(name: str) -> str:
        return crypto.normalise(name).replace("·", "").replace("•", "").replace(".", "")

    return simplify(given) == simplify(on_file)


def _reference(prefix: str) -> str:
    return f"{prefix}-{timezone.now():%Y%m%d}-{secrets.token_hex(4).upper()}"


class _Sandbox:
    """Shared behaviour: the configured outage and the lookup of a demo person."""

    service = "sandbox"
    prefix = "SBX"

    def _answer_or_outage(self) -> None:
        if getattr(settings, FAILURE_SETTING, "") == "unavailable":
            raise RegistryUnavailable(self.service, "sandbox failure mode")

    def _person(self, document_number: str) -> DemoPerson | None:
        return sandbox_data().people.get(crypto.normalise(document_number))

    def _answer(self, reason: CheckReason, birth_date: datetime.date | None = None) -> CheckAnswer:
        return CheckAnswer(reason == CheckReason.MATCHED, reason, _reference(self.prefix), birth_date)


class SandboxPopulationRegistry(_Sandbox, PopulationRegistry):
    """The population registry over the demo residents."""

    service = "population_registry"
    prefix = "POP"

    def verify(self, name: str, id_number: str) -> CheckAnswer:
        self._answer_or_outage()
        person = self._person(id_number)
        if person is None or person.document_type != "resident_id":
            return self._answer(CheckReason.NOT_FOUND)
        if person.status != "active":
            return self._answer(CheckReason.CANCELLED)
        if not _same_name(name, person.name):
            return self._answer(CheckReason.NAME_MISMATCH)
        return self._answer(CheckReason.MATCHED, person.birth_date)


class SandboxExitEntryRegistry(_Sandbox, ExitEntryRegistry):
    """The exit-entry registry over the demo foreigners' passports and permanent residence ID cards."""

    service = "exit_entry_registry"
    prefix = "EXE"

    def verify(self, name: str, document_type: str, document_number: str, nationality: str) -> CheckAnswer:
        self._answer_or_outage()
        person = self._person(document_number)
        if person is None or person.document_type == "resident_id":
            return self._answer(CheckReason.NOT_FOUND)
        if person.status != "active":
            return self._answer(CheckReason.CANCELLED)
        if person.document_type != document_type or person.nationality != nationality.upper():
            return self._answer(CheckReason.DETAILS_MISMATCH)
        if not _same_name(name, person.name):
            return self._answer(CheckReason.NAME_MISMATCH)
        return self._answer(CheckReason.MATCHED, person.birth_date)


class SandboxBankCardVerifier(_Sandbox, BankCardVerifier):
    """The four-element check over the demo people's bank cards."""

    service = "bank_card"
    prefix = "BNK"

    def verify(self, name: str, id_number: str, card_number: str, phone: str) -> CheckAnswer:
        self._answer_or_outage()
        person = self._person(id_number)
        cards = dict(person.bank_cards) if person is not None else {}
        card = "".join(card_number.split())
        if person is None or card not in cards or not _same_name(name, person.name):
            return self._answer(CheckReason.CARD_NOT_FOUND)
        if cards[card] != "".join(phone.split()):
            return self._answer(CheckReason.PHONE_MISMATCH)
        return self._answer(CheckReason.MATCHED)


class SandboxFaceVerifier(_Sandbox, FaceVerifier):
    """Face comparison: the upload must be the demo person's sample image (same SHA-256)."""

    service = "face"
    prefix = "FACE"

    def verify(self, id_number: str, image_bytes: bytes) -> CheckAnswer:
        self._answer_or_outage()
        person = self._person(id_number)
        if person is None or not person.face_sha256:
            return self._answer(CheckReason.NO_FACE_ON_FILE)
        if hashlib.sha256(image_bytes).hexdigest() != person.face_sha256:
            return self._answer(CheckReason.FACE_MISMATCH)
        return self._answer(CheckReason.MATCHED)


class SandboxLegalPersonRegistry(_Sandbox, LegalPersonRegistry):
    """The legal-person registry over the demo enterprises."""

    service = "legal_person_registry"
    prefix = "LPR"

    def lookup(self, uscc: str) -> EnterpriseRecord | None:
        self._answer_or_outage()
        entry = sandbox_data().enterprises.get(crypto.normalise(uscc))
        if entry is None:
            return None
        representative = sandbox_data().people[crypto.normalise(entry["legal_representative"])]
        return EnterpriseRecord(
            uscc=entry["uscc"], name=entry["name"], legal_representative_name=representative.name,
            legal_representative_id_number=representative.document_number,
            status=EnterpriseStatus(entry["status"]), reference=_reference(self.prefix),
        )


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def sample_face_png(document_number: str) -> bytes:
    """The demo "photo" of the holder of ``document_number``: a small deterministic PNG.

    Pixels come from SHA-256 of the normalised number; the image data uses zlib's
    stored (level 0) blocks, so the bytes — and their hash in
    ``sandbox_people.json`` — are the same on every zlib version.
    """
    seed = hashlib.sha256(f"tongban-sandbox-face:{crypto.normalise(document_number)}".encode()).digest()
    rows = bytearray()
    for y in range(FACE_SIZE):
        rows.append(0)  # filter type "none"
        for x in range(FACE_SIZE):
            rows.extend((seed[(x + y) % 32], seed[(x * 3 + y) % 32], seed[(x + y * 5) % 32]))
    header = struct.pack(">IIBBBBB", FACE_SIZE, FACE_SIZE, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(rows), 0)) + _png_chunk(b"IEND", b"")
    )
