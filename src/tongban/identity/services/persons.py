"""Applicants' accounts (ID-1): sign-up by phone and one-time code, login by code or password.

Signing up creates the account (``User``, username ``p_`` + random, no
password) and its ``Person`` at real-name level 1, the phone proven by the code.
A password is optional, set later from "my account"; it is hashed with argon2
by Django and checked through ``identity.backends.PhonePasswordBackend``, so
django-axes counts failures and locks out. Every login goes through
:func:`open_session`, which cycles the session key and starts the session
lifetime limits.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import authenticate, login
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from tongban.core import audit, crypto
from tongban.core.errors import TongbanError
from tongban.core.identifiers import mask_phone
from tongban.identity import sessions
from tongban.identity.backends import phone_credentials
from tongban.identity.errors import IdentityError
from tongban.identity.models import OneTimeCode, OneTimeCodePurpose, Person, RealNameCheck, RealNameMethod, User
from tongban.identity.oidc.claims import AUTHENTICATION_METHODS_SESSION_KEY
from tongban.identity.services.one_time_codes import check_code, normalise_phone, send_code

SESSION_BACKEND = "tongban.identity.backends.PhonePasswordBackend"


def person_of(user: User | AnonymousUser | None) -> Person:
    """The person behind a logged-in account; refuses anonymous visitors and accounts without one."""
    if user is None or not user.is_authenticated:
        raise TongbanError(IdentityError.LOGIN_REQUIRED)
    if not user.is_active:
        raise TongbanError(IdentityError.ACCOUNT_DISABLED)
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise TongbanError(IdentityError.NOT_A_PERSON)
    return person


def find_by_phone(phone: str) -> Person | None:
    """The person registered with ``phone`` (by its keyed hash), if any."""
    return Person.objects.select_related("user").filter(phone_hash=crypto.lookup_hash("phone", phone)).first()


def request_sign_up_code(phone: str, *, client_address: str | None = None) -> OneTimeCode:
    """Send a sign-up code to a phone that has no account yet."""
    phone = normalise_phone(phone)
    if find_by_phone(phone) is not None:
        raise TongbanError(IdentityError.PHONE_ALREADY_REGISTERED, field="phone")
    return send_code(phone, OneTimeCodePurpose.SIGN_UP, client_address=client_address)


def request_login_code(phone: str, *, client_address: str | None = None) -> OneTimeCode:
    """Send a login code to the phone of an active account."""
    phone = normalise_phone(phone)
    person = find_by_phone(phone)
    if person is None:
        raise TongbanError(IdentityError.PHONE_NOT_REGISTERED, field="phone")
    if not person.user.is_active:
        raise TongbanError(IdentityError.ACCOUNT_DISABLED, field="phone")
    return send_code(phone, OneTimeCodePurpose.LOGIN, client_address=client_address)


def _new_username() -> str:
    return f"p_{secrets.token_hex(8)}"


def sign_up(phone: str, code: str) -> Person:
    """Create the account and person for ``phone`` once ``code`` is right: real-name level 1.

    One transaction with the code's consumption: if the account cannot be made
    (someone signed up with this phone in the meantime) the code stays unused.
    A wrong code is counted and refused; nothing else is written.
    """
    phone = normalise_phone(phone)
    try:
        with transaction.atomic():
            outcome = check_code(phone, OneTimeCodePurpose.SIGN_UP, code)
            if outcome.accepted is not None:
                if find_by_phone(phone) is not None:
                    raise TongbanError(IdentityError.PHONE_ALREADY_REGISTERED, field="phone")
                user = User(username=_new_username())
                user.set_unusable_password()
                user.save()
                person = Person(user=user, real_name_level=1)
                person.set_phone(phone)
                person.save()
                RealNameCheck.objects.create(
                    person=person, level=1, method=RealNameMethod.PHONE_CODE, succeeded=True,
                    reference=f"OTP-{outcome.accepted.pk}", checked_by_label="平台",
                )
                audit.record("identity.person.signed_up", actor=user, obj=person, data={"phone": mask_phone(phone)})
                audit.record(
                    "identity.person.level_raised", actor=user, obj=person,
                    data={"from": 0, "to": 1, "method": RealNameMethod.PHONE_CODE},
                )
    except IntegrityError:
        raise TongbanError(IdentityError.PHONE_ALREADY_REGISTERED, field="phone") from None
    if outcome.refusal is not None:
        raise outcome.refusal
    return person


def log_in_with_code(phone: str, code: str) -> Person:
    """The person whose phone received ``code`` (consumed); refuses unknown phones and disabled accounts."""
    phone = normalise_phone(phone)
    person = find_by_phone(phone)
    if person is None:
        raise TongbanError(IdentityError.PHONE_NOT_REGISTERED, field="phone")
    if not person.user.is_active:
        raise TongbanError(IdentityError.ACCOUNT_DISABLED, field="phone")
    with transaction.atomic():
        outcome = check_code(phone, OneTimeCodePurpose.LOGIN, code)
    if outcome.refusal is not None:
        raise outcome.refusal
    return person


def log_in_with_password(request: HttpRequest, phone: str, password: str) -> Person:
    """Check phone and password through ``authenticate`` (django-axes counts failures) and open the session.

    A locked-out client gets the same refusal here; django-axes' middleware then
    answers with its lockout page instead.
    """
    phone = normalise_phone(phone)
    user = authenticate(request, **phone_credentials(phone, password))
    if user is None:
        raise TongbanError(IdentityError.PASSWORD_LOGIN_FAILED, field="password")
    person = person_of(user)
    open_session(request, person, method="password")
    return person


_AMR_BY_METHOD = {"password": ["pwd"], "sms_code": ["sms"]}


def open_session(request: HttpRequest, person: Person, *, method: str) -> None:
    """Log ``person`` in: a new session key, the lifetime limits started, and an audit event.

    The session also keeps how the person proved who they are (RFC 8176 ``amr``
    values) for the ID tokens issued to agency systems; another region's login has
    no standard value and is left out.
    """
    login(request, person.user, backend=SESSION_BACKEND)
    request.session[AUTHENTICATION_METHODS_SESSION_KEY] = _AMR_BY_METHOD.get(method, [])
    sessions.record_login(request)
    audit.record("identity.person.logged_in", actor=person.user, obj=person, data={"method": method})


def set_password(user: User | AnonymousUser | None, password: str, confirmation: str) -> Person:
    """Give the holder's own account a password (argon2), checked by the configured password validators."""
    person = person_of(user)
    if password != confirmation:
        raise TongbanError(IdentityError.PASSWORD_MISMATCH, field="confirmation")
    account = person.user
    try:
        validate_password(password, account)
    except ValidationError as error:
        raise TongbanError(IdentityError.PASSWORD_WEAK, field="password", detail="；".join(error.messages)) from None
    with transaction.atomic():
        had_password = account.has_usable_password()
        account.set_password(password)
        account.save(update_fields=["password"])
        audit.record("identity.person.password_set", actor=account, obj=person, data={"replaced": had_password})
    return person
