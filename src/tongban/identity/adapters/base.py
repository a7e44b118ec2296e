"""Interfaces of the outside services identity checks people and enterprises against (ID-1, ID-3, ID-4).

Each interface is a role in ``settings.TONGBAN_ADAPTERS``; services obtain the
configured implementation with ``core.adapters.adapter(role)``:

============================  =====================================  ==========================
role                          interface                              asks
============================  =====================================  ==========================
``population_registry``       :class:`PopulationRegistry`            name + resident ID number
``exit_entry_registry``       :class:`ExitEntryRegistry`             foreigner's document
``bank_card``                 :class:`BankCardVerifier`              bank-card four elements
``face``                      :class:`FaceVerifier`                  photo against the file photo
``legal_person_registry``     :class:`LegalPersonRegistry`           enterprise by USCC
============================  =====================================  ==========================

A check answers with a :class:`CheckAnswer` — matched or not, with a
:class:`CheckReason` — and raises :class:`RegistryUnavailable` when the service
cannot be reached, so callers can tell "no" from "no answer".
"""

from __future__ import annotations

import abc
import datetime
import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class RegistryUnavailable(Exception):  # noqa: N818 - reads as a state, like Django's ObjectDoesNotExist
    """The outside service did not answer (down, timed out, refused the connection)."""

    def __init__(self, service: str, detail: str = "") -> None:
        self.service = service
        self.detail = detail
        super().__init__(f"{service} unavailable{': ' + detail if detail else ''}")


class CheckReason(enum.StrEnum):
    """Why a check answered as it did; each has a Chinese label for people."""

    MATCHED = "matched"
    NOT_FOUND = "not_found"
    NAME_MISMATCH = "name_mismatch"
    CANCELLED = "cancelled"
    DETAILS_MISMATCH = "details_mismatch"
    CARD_NOT_FOUND = "card_not_found"
    PHONE_MISMATCH = "phone_mismatch"
    NO_FACE_ON_FILE = "no_face_on_file"
    FACE_MISMATCH = "face_mismatch"

    @property
    def label(self) -> str:
        return str(REASON_LABELS[self])


REASON_LABELS = {
    CheckReason.MATCHED: _("核验一致"),
    CheckReason.NOT_FOUND: _("无此证件记录"),
    CheckReason.NAME_MISMATCH: _("姓名与证件号码不一致"),
    CheckReason.CANCELLED: _("证件已注销"),
    CheckReason.DETAILS_MISMATCH: _("证件类型或国籍与登记信息不一致"),
    CheckReason.CARD_NOT_FOUND: _("银行卡号不存在或户名、证件号码不一致"),
    CheckReason.PHONE_MISMATCH: _("手机号与银行预留手机号不一致"),
    CheckReason.NO_FACE_ON_FILE: _("无可比对的留存照片"),
    CheckReason.FACE_MISMATCH: _("人脸比对不一致"),
}


@dataclass(frozen=True)
class CheckAnswer:
    """One answer of a checking service.

    ``reference`` is the service's transaction number, kept as evidence in
    ``RealNameCheck.reference``; ``birth_date`` is returned by registries that
    know it (the exit-entry registry does: a passport number does not encode it).
    """

    matched: bool
    reason: CheckReason
    reference: str = ""
    birth_date: datetime.date | None = None


# The name the issue uses for registry answers.
RegistryAnswer = CheckAnswer


class EnterpriseStatus(enum.StrEnum):
    """Registration status in the legal-person registry."""

    ACTIVE = "active"  # 存续
    REVOKED = "revoked"  # 吊销
    CANCELLED = "cancelled"  # 注销


@dataclass(frozen=True)
class EnterpriseRecord:
    """What the legal-person registry holds on one enterprise.

    The registry returns the legal representative's ID number in clear, as the
    real registry does; callers compare it by keyed hash and never store it here.
    """

    uscc: str
    name: str
    legal_representative_name: str
    legal_representative_id_number: str
    status: EnterpriseStatus
    reference: str


class PopulationRegistry(abc.ABC):
    """The population registry (人口库): does this resident ID number belong to a living person of this name?"""

    @abc.abstractmethod
    def verify(self, name: str, id_number: str) -> CheckAnswer:
        """Match ``name`` against the record of ``id_number`` (18 characters, already well formed)."""


class ExitEntryRegistry(abc.ABC):
    """The exit-entry administration's registry of foreigners' documents (ID-3)."""

    @abc.abstractmethod
    def verify(self, name: str, document_type: str, document_number: str, nationality: str) -> CheckAnswer:
        """Match a passport or permanent residence ID card (``DocumentType`` values) with name and nationality."""


class BankCardVerifier(abc.ABC):
    """The bank-card four-element check (银行卡四要素): name, ID number, card number and reserved phone."""

    @abc.abstractmethod
    def verify(self, name: str, id_number: str, card_number: str, phone: str) -> CheckAnswer:
        """Do all four elements belong together at the issuing bank?"""


class FaceVerifier(abc.ABC):
    """Face comparison against the photo on file for the document."""

    @abc.abstractmethod
    def verify(self, id_number: str, image_bytes: bytes) -> CheckAnswer:
        """Does the photo show the holder of ``id_number``?"""


class LegalPersonRegistry(abc.ABC):
    """The legal-person registry (法人库), for binding enterprises to their legal representatives (ID-4)."""

    @abc.abstractmethod
    def lookup(self, uscc: str) -> EnterpriseRecord | None:
        """The record of ``uscc`` (already validated), or None when the registry has none."""
