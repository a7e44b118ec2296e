"""Applicants' accounts (ID-1, SEC-4): sign-up by phone code, login by code or password, encryption at rest."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test import RequestFactory

from tests.identity.factories import PersonFactory
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent, SandboxSms
from tongban.identity.backends import phone_credentials
from tongban.identity.models import OneTimeCode, Person, RealNameCheck, RealNameMethod, User
from tongban.identity.services import persons
from tongban.identity.services.one_time_codes import sandbox_code

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def _refusal(call, *arguments, **keywords) -> TongbanError:  # noqa: ANN001 - any service function
    with pytest.raises(TongbanError) as refused:
        call(*arguments, **keywords)
    return refused.value


def _counts() -> tuple[int, int, int, int]:
    return User.objects.count(), Person.objects.count(), RealNameCheck.objects.count(), AuditEvent.objects.count()


def test_id_1_sign_up_by_phone_code_creates_a_level_1_person():
    """ID-1: the code proves the phone; the account (``p_`` + random, no password) and person are made at level 1."""
    # given a code sent to a new phone
    persons.request_sign_up_code(PHONE, client_address="203.0.113.7")

    # when the code is entered
    person = persons.sign_up(PHONE, sandbox_code(PHONE))

    # then the account and the person exist, phone verified at level 1
    person.refresh_from_db()
    assert person.user.username.startswith("p_") and len(person.user.username) == 18
    assert not person.user.has_usable_password()
    assert (person.phone, person.real_name_level, person.document_number) == (PHONE, 1, "")
    check = person.real_name_checks.get()
    assert (check.level, check.method, check.succeeded) == (1, RealNameMethod.PHONE_CODE, True)
    # and the sign-up and the level are audited, with the phone masked
    events = AuditEvent.objects.filter(object_type="identity.person").order_by("id")
    assert [(event.action, event.data) for event in events] == [
        ("identity.person.signed_up", {"phone": "139****5678"}),
        ("identity.person.level_raised", {"from": 0, "to": 1, "method": "phone_code"}),
    ]


def test_sign_up_with_a_wrong_code_creates_nothing_but_counts_the_try():
    """ID-1 bad input: a wrong code is refused, no account is made, the wrong try is kept."""
    persons.request_sign_up_code(PHONE)
    wrong = f"{(int(sandbox_code(PHONE)) + 1) % 1_000_000:06d}"
    before = _counts()
    assert _refusal(persons.sign_up, PHONE, wrong).code == "IDENTITY_CODE_INVALID"
    assert _counts() == before
    assert OneTimeCode.objects.get().failed_attempts == 1


def test_a_registered_phone_cannot_sign_up_again_and_no_sms_is_sent():
    """A phone has one account: the sign-up code is refused before any SMS costs money."""
    PersonFactory(phone=PHONE)
    refusal = _refusal(persons.request_sign_up_code, PHONE)
    assert (refusal.code, refusal.field) == ("IDENTITY_PHONE_ALREADY_REGISTERED", "phone")
    assert SandboxSms.objects.count() == 0


def test_id_1_login_by_code_for_an_existing_phone():
    """ID-1: an existing person logs in with a code sent to the registered phone."""
    person = PersonFactory(phone=PHONE)
    persons.request_login_code(PHONE)
    assert persons.log_in_with_code(PHONE, sandbox_code(PHONE)) == person
    # and a replay of that code is refused
    assert _refusal(persons.log_in_with_code, PHONE, sandbox_code(PHONE)).code == "IDENTITY_CODE_USED"


def test_login_codes_are_refused_for_unknown_phones_and_disabled_accounts():
    """No SMS goes to a phone without an account, nor to a disabled account."""
    assert _refusal(persons.request_login_code, PHONE).code == "IDENTITY_PHONE_NOT_REGISTERED"
    person = PersonFactory(phone="13900000999")
    person.user.is_active = False
    person.user.save()
    assert _refusal(persons.request_login_code, "13900000999").code == "IDENTITY_ACCOUNT_DISABLED"
    assert SandboxSms.objects.count() == 0


def test_id_1_password_is_set_by_the_holder_and_checked_by_phone():
    """ID-1: the password is a second way in, found by the phone's keyed hash through ``authenticate``."""
    # given a person without a password
    person = PersonFactory(phone=PHONE)
    request = RequestFactory().post("/account/login/", REMOTE_ADDR="203.0.113.7")

    # when the holder sets one
    persons.set_password(person.user, "Ming-Yue-Guang-2026", "Ming-Yue-Guang-2026")

    # then phone + password authenticate, a wrong password does not
    assert authenticate(request, **phone_credentials(PHONE, "Ming-Yue-Guang-2026")) == person.user
    assert authenticate(request, **phone_credentials(PHONE, "wrong-password-1")) is None
    assert authenticate(request, **phone_credentials("13900000000", "Ming-Yue-Guang-2026")) is None
    # and the change is audited
    assert AuditEvent.objects.filter(action="identity.person.password_set").count() == 1


@pytest.mark.parametrize(("password", "confirmation", "code"), [
    ("short", "short", "IDENTITY_PASSWORD_WEAK"),
    ("12345678901234", "12345678901234", "IDENTITY_PASSWORD_WEAK"),
    ("Ming-Yue-Guang-2026", "Ming-Yue-Guang-2027", "IDENTITY_PASSWORD_MISMATCH"),
])
def test_weak_or_mismatched_passwords_are_refused(password, confirmation, code):
    """The configured validators decide; a refusal leaves the account without a password."""
    person = PersonFactory(phone=PHONE)
    assert _refusal(persons.set_password, person.user, password, confirmation).code == code
    person.user.refresh_from_db()
    assert not person.user.has_usable_password()


def test_set_password_is_for_persons_only():
    """Anonymous visitors and accounts without a person are refused."""
    assert _refusal(persons.set_password, None, "x", "x").code == "IDENTITY_LOGIN_REQUIRED"
    staff_account = User.objects.create_user(username="staff-only", password="Staff-Password-2026")
    assert _refusal(persons.set_password, staff_account, "x", "x").code == "IDENTITY_NOT_A_PERSON"


def test_sec_4_phone_and_document_are_encrypted_at_rest():
    """SEC-4: the raw columns hold neither number; lookups use the keyed hashes."""
    # given a verified person
    person = PersonFactory(level=2, phone=PHONE, document="310101199003071310")

    # when the row is read without the ORM
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone_encrypted, phone_hash, document_number_encrypted, document_number_hash "
            "FROM identity_person WHERE id = %s", [person.pk])
        row = cursor.fetchone()

    # then no column contains the numbers, but the model decrypts them for the holder's pages
    assert all(PHONE not in column and "310101199003071310" not in column for column in row)
    assert row[0].startswith("v1.") and row[2].startswith("v1.")
    assert persons.find_by_phone(PHONE) == person
    assert (person.phone, person.document_number) == (PHONE, "310101199003071310")
