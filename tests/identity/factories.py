"""factory_boy factories for applicants (persons); other modules' tests import these.

``PersonFactory(level=2, phone="13800138000", document=make_resident_id())``
creates a ``User`` and its ``Person`` with the phone and document encrypted the
way the services store them. ``document`` is a resident ID number, or a pair
``(DocumentType, number)`` for foreigners' documents. A person at level 2 or
above gets a resident ID number by default; ``level=0`` gives a bare account.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import factory

from tongban.core.identifiers import resident_id_check_character
from tongban.identity.models import DocumentType, Person, RealNameCheck, RealNameMethod, User

_phone_serials = itertools.count(1)
_id_serials = itertools.count(1)

LEVEL_METHODS = {
    1: RealNameMethod.PHONE_CODE,
    2: RealNameMethod.POPULATION_REGISTRY,
    3: RealNameMethod.BANK_CARD,
    4: RealNameMethod.COUNTER,
}


def make_resident_id(serial: int | None = None, *, region: str = "310101",
                     birth_date: datetime.date | None = None) -> str:
    """A valid resident ID number (GB 11643) for sequence code ``serial % 1000``.

    With an explicit ``serial`` the birth date defaults to 1990-03-07. Without
    one, each call takes the next serial and a birth date from 1991-04-08 that
    moves on a day every thousand numbers: unique even for a benchmark's 100,000
    persons, and never one of the sandbox demo people's numbers.
    """
    if serial is None:
        serial = next(_id_serials)
        birth_date = birth_date or datetime.date(1991, 4, 8) + datetime.timedelta(days=serial // 1000)
    born = birth_date or datetime.date(1990, 3, 7)
    first_seventeen = f"{region}{born:%Y%m%d}{serial % 1000:03d}"
    return first_seventeen + resident_id_check_character(first_seventeen)


def make_phone() -> str:
    """A fresh mainland mobile number (139 prefix, never one of the sandbox demo people's)."""
    return f"139{next(_phone_serials):08d}"


class PersonUserFactory(factory.django.DjangoModelFactory):
    """The account behind a person: a ``p_`` username and no usable password."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"p_test{n:06d}")
    password = factory.PostGenerationMethodCall("set_unusable_password")

    @factory.post_generation
    def save_password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.save()


class PersonFactory(factory.django.DjangoModelFactory):
    """A person at real-name ``level`` (default 1) with ``phone`` and, from level 2, a ``document``.

    ``phone=""`` gives no phone; ``document=None`` (the default) gives a fresh
    resident ID number from level 2 and none below; ``document=""`` gives none at
    any level; ``password="..."`` gives the account a usable password. Each level
    the person holds has its ``RealNameCheck`` record, as the services leave it.
    """

    class Meta:
        model = Person
        skip_postgeneration_save = True

    class Params:
        level = 1

    user = factory.SubFactory(PersonUserFactory)
    full_name = factory.LazyAttribute(lambda obj: "测试人" if obj.level >= 2 else "")
    nationality = factory.LazyAttribute(lambda obj: "CHN" if obj.level >= 2 else "")
    real_name_level = factory.SelfAttribute("level")

    @factory.post_generation
    def phone(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        """Encrypt the phone through ``Person.set_phone`` (a fresh number unless given)."""
        phone = make_phone() if extracted is None else extracted
        if phone:
            self.set_phone(phone)

    @factory.post_generation
    def document(self, create: bool, extracted: str | tuple[str, str] | None, **kwargs: Any) -> None:
        """Encrypt the document through ``Person.set_document``; a resident ID also gives the birth date."""
        if extracted is None:
            extracted = make_resident_id() if self.real_name_level >= 2 else ""
        if not extracted:
            return
        document_type, number = (DocumentType.RESIDENT_ID, extracted) if isinstance(extracted, str) else extracted
        self.set_document(document_type, number)
        if document_type == DocumentType.RESIDENT_ID and self.birth_date is None:
            digits = self.document_number
            self.birth_date = datetime.date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        """Give the account a usable password when one is passed."""
        if extracted:
            self.user.set_password(extracted)
            if create:
                self.user.save()

    @factory.post_generation
    def checks(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Save, then record one successful check per level held."""
        if not create:
            return
        self.save()
        for level in range(1, self.real_name_level + 1):
            RealNameCheck.objects.create(
                person=self, level=level, method=LEVEL_METHODS[level], succeeded=True,
                reference=f"TEST-L{level}", checked_by_label="test",
            )
