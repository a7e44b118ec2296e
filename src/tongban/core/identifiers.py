"""National identifiers: the resident ID number (GB 11643-1999) and the USCC (GB 32100-2015).

Validation checks structure, embedded meaning and check character, and refuses
with a specific ``CORE_*`` code so forms can tell the applicant what is wrong.
Passing validation proves the number is well formed, not that it was issued:
that is the real-name service's job. Masking helpers give the only form in
which these numbers are shown to staff.
"""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import dataclass

from django.utils import timezone

from tongban.core.errors import CoreError, TongbanError

# ISO 7064 MOD 11-2: weight of position i (0-based, left to right) is 2^(17-i) mod 11.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum mod 11
RESIDENT_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
# GB/T 2260 province-level codes, plus 83 (Taiwan residents' residence permit).
PROVINCE_CODES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37"}
    | {"41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}
    | {"71", "81", "82", "83"}
)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# GB 32100-2015: 31 characters (no I, O, S, V, Z), weights 3^i mod 31.
USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


class Sex(enum.StrEnum):
    """Sex encoded by the parity of the sequence code (odd: male, even: female)."""

    MALE = "male"
    FEMALE = "female"


@dataclass(frozen=True)
class ResidentId:
    """A valid resident ID number and what it encodes."""

    number: str
    region_code: str
    birth_date: datetime.date
    sex: Sex


def _normalise(value: str) -> str:
    # Applicants type lower-case x and stray spaces; neither changes the number.
    return "".join(str(value).split()).upper()


def resident_id_check_character(first_seventeen: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    pairs = zip(first_seventeen, RESIDENT_ID_WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in pairs)
    return RESIDENT_ID_CHECK_CHARACTERS[total % 11]


def validate_resident_id(value: str, *, today: datetime.date | None = None) -> ResidentId:
    """Validate an 18-character resident ID number and decode it.

    Checks, in this order: format (``CORE_ID_NUMBER_FORMAT``), province part of
    the region code (``CORE_ID_NUMBER_REGION``), birth date between 1900-01-01
    and ``today`` (``CORE_ID_NUMBER_BIRTH_DATE``), check character
    (``CORE_ID_NUMBER_CHECKSUM``). Numbers starting with 9 are the foreigners'
    permanent residence ID cards (2023 edition) and skip the province check.
    Legacy 15-digit numbers are refused: they expired with the first-generation cards.
    """
    number = _normalise(value)
    if not RESIDENT_ID_PATTERN.match(number):
        raise TongbanError(CoreError.ID_NUMBER_FORMAT, field="id_number")
    region_code = number[:6]
    if number[0] != "9" and region_code[:2] not in PROVINCE_CODES:
        raise TongbanError(CoreError.ID_NUMBER_REGION, field="id_number", region=region_code)
    birth_text = number[6:14]
    try:
        # Explicit slicing: strptime accepts one-digit months and days, which would misread the field.
        birth_date = datetime.date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise TongbanError(CoreError.ID_NUMBER_BIRTH_DATE, field="id_number", birth_date=birth_text) from None
    latest = today or timezone.localdate()
    if not EARLIEST_BIRTH_DATE <= birth_date <= latest:
        raise TongbanError(CoreError.ID_NUMBER_BIRTH_DATE, field="id_number", birth_date=birth_text)
    if resident_id_check_character(number[:17]) != number[17]:
        raise TongbanError(CoreError.ID_NUMBER_CHECKSUM, field="id_number")
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return ResidentId(number=number, region_code=region_code, birth_date=birth_date, sex=sex)


def uscc_check_character(first_seventeen: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(
        USCC_CHARACTERS.index(character) * weight
        for character, weight in zip(first_seventeen, USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARACTERS[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Validate a unified social credit code and return it normalised (upper case, no spaces).

    Refuses with ``CORE_USCC_FORMAT`` (length, characters, 6-digit region code)
    or ``CORE_USCC_CHECKSUM``. The embedded GB 11714 organisation code is not
    checked separately: the code's own check character already covers it.
    """
    code = _normalise(value)
    if not USCC_PATTERN.match(code):
        raise TongbanError(CoreError.USCC_FORMAT, field="uscc")
    if uscc_check_character(code[:17]) != code[17]:
        raise TongbanError(CoreError.USCC_CHECKSUM, field="uscc")
    return code


def _mask(text: str, keep_start: int, keep_end: int) -> str:
    if len(text) <= keep_start + keep_end:
        # Too short to show both ends without revealing most of it: show only the end.
        keep_start, keep_end = 0, min(keep_end, len(text) // 2)
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + "*" * hidden + text[len(text) - keep_end :]


def mask_id_number(value: str) -> str:
    """The ID number with all but its first 4 and last 4 characters starred: ``3101**********1234``."""
    return _mask(_normalise(value), 4, 4)


def mask_phone(value: str) -> str:
    """The phone number with all but its first 3 and last 4 digits starred: ``138****5678``."""
    return _mask("".join(str(value).split()), 3, 4)
