"""Resident ID numbers (GB 11643-1999), USCC (GB 32100-2015) and masking."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.core.errors import TongbanError
from tongban.core.identifiers import Sex, mask_id_number, mask_phone, validate_resident_id, validate_uscc

TODAY = datetime.date(2026, 11, 22)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def id_check(first_seventeen: str) -> str:
    """Independent ISO 7064 MOD 11-2: weights computed as powers of two, check value (12 - sum) mod 11."""
    total = sum(int(digit) * pow(2, 17 - position, 11) for position, digit in enumerate(first_seventeen))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first_seventeen: str) -> str:
    """The 18-character number with its correct check character."""
    return first_seventeen + id_check(first_seventeen)


def uscc_check(first_seventeen: str) -> str:
    """Independent GB 32100 check: weights computed as powers of three modulo 31."""
    total = sum(USCC_ALPHABET.index(char) * pow(3, position, 31) for position, char in enumerate(first_seventeen))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def refusal_code(call, value: str) -> str:
    """The error code ``call(value)`` refuses with."""
    with pytest.raises(TongbanError) as refusal:
        call(value)
    return refusal.value.code


def test_standard_sample_is_valid_and_decoded() -> None:
    # given the sample number printed in GB 11643-1999 / when validating it with a lower-case x
    result = validate_resident_id(" 11010519491231002x ", today=TODAY)
    # then it is normalised and decoded
    assert result.number == "11010519491231002X"
    assert (result.region_code, result.birth_date, result.sex) == ("110105", datetime.date(1949, 12, 31), Sex.FEMALE)
    assert id_check("11010519491231002") == "X"


def test_male_number_and_foreigner_card() -> None:
    # given numbers built with the independent check / then they decode as expected
    male = with_check("31010119900307123")
    assert validate_resident_id(male, today=TODAY).sex == Sex.MALE
    foreigner = with_check("93311019850101004")
    assert validate_resident_id(foreigner, today=TODAY).region_code == "933110"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "CORE_ID_NUMBER_FORMAT"),  # 17 characters
        ("1101051949123100X2", "CORE_ID_NUMBER_FORMAT"),  # X only as the check character
        ("11010519491231002Y", "CORE_ID_NUMBER_FORMAT"),
        (with_check("00010119900307123"), "CORE_ID_NUMBER_REGION"),
        (with_check("11010519900230123"), "CORE_ID_NUMBER_BIRTH_DATE"),  # 30 February
        (with_check("11010518991231123"), "CORE_ID_NUMBER_BIRTH_DATE"),  # before 1900
        (with_check("11010520261123123"), "CORE_ID_NUMBER_BIRTH_DATE"),  # the day after TODAY
    ],
)
def test_resident_id_refusals(number: str, code: str) -> None:
    # given an otherwise well-checked number with one defect / then the specific code comes back
    assert refusal_code(lambda value: validate_resident_id(value, today=TODAY), number) == code


def test_resident_id_wrong_check_character() -> None:
    # given the standard sample with its check character changed / then the checksum is refused
    assert refusal_code(validate_resident_id, "110105194912310021") == "CORE_ID_NUMBER_CHECKSUM"
    with pytest.raises(TongbanError) as refusal:
        validate_resident_id("110105194912310021")
    assert (refusal.value.field, refusal.value.message) == ("id_number", "身份证号码校验位不正确，请核对后重新输入")


resident_ids = st.builds(
    lambda province, rest, birth, sequence: f"{province}{rest:04d}{birth:%Y%m%d}{sequence:03d}",
    st.sampled_from(["11", "31", "44", "65", "81", "83"]),
    st.integers(min_value=0, max_value=9999),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
).map(lambda first: first + id_check(first))


@given(number=resident_ids, position=st.integers(min_value=0, max_value=17), data=st.data())
def test_any_valid_resident_id_passes_and_any_single_change_fails(number: str, position: int, data) -> None:
    # given a generated valid number / then it validates
    assert validate_resident_id(number, today=TODAY).number == number
    # when any one character is replaced by another digit or X / then it is refused
    replacement = data.draw(st.sampled_from([c for c in "0123456789X" if c != number[position]]))
    changed = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(TongbanError):
        validate_resident_id(changed, today=TODAY)


def test_known_uscc_is_valid() -> None:
    # given a real code / when validating it in lower case with spaces / then it is normalised
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"
    assert validate_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert uscc_check("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("91350100M000100Y44", "CORE_USCC_CHECKSUM"),
        ("91350100M000100Y4", "CORE_USCC_FORMAT"),  # 17 characters
        ("91350100M000100I43", "CORE_USCC_FORMAT"),  # I is not in the character set
        ("913501A0M000100Y43", "CORE_USCC_FORMAT"),  # the region code is digits
        ("", "CORE_USCC_FORMAT"),
    ],
)
def test_uscc_refusals(value: str, code: str) -> None:
    # given a defective code / then the specific code comes back
    assert refusal_code(validate_uscc, value) == code


usccs = st.builds(
    lambda head, region, tail: head + region + tail,
    st.text(USCC_ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
).map(lambda first: first + uscc_check(first))


@given(code=usccs, position=st.integers(min_value=0, max_value=17), data=st.data())
def test_any_valid_uscc_passes_and_any_single_change_fails(code: str, position: int, data) -> None:
    # given a generated valid code / then it validates
    assert validate_uscc(code) == code
    # when any one character is replaced by another of the character set / then it is refused
    replacement = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[position]]))
    with pytest.raises(TongbanError):
        validate_uscc(code[:position] + replacement + code[position + 1 :])


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("310101199003071234", "3101**********1234"),
        ("11010519491231002x", "1101**********002X"),
        ("1234567", "****567"),
        ("", ""),
    ],
)
def test_mask_id_number(value: str, masked: str) -> None:
    # given an ID number / then only its ends are shown
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("138 1234 5678", "138****5678"), ("1234", "**34"), ("", "")],
)
def test_mask_phone(value: str, masked: str) -> None:
    # given a phone number / then only its ends are shown
    assert mask_phone(value) == masked
