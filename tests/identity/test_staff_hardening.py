"""Staff hardening services: the TOTP second factor, its lock, and ending an account's sessions.

Part of the unified identity (ID-1: one login, staff side hardened) and of the
protection of personal data behind staff accounts (SEC-4).
"""

from __future__ import annotations

import datetime
from binascii import unhexlify
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import AgencyFactory, UserFactory, staff
from tests.staff_sessions import authenticator, current_code
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole, UserSession
from tongban.identity.services import second_factor
from tongban.identity.sessions import end_sessions

pytestmark = pytest.mark.django_db

WAIT_OUT_BACK_OFF = datetime.timedelta(seconds=40)  # longer than django-otp's back-off after 4 wrong codes (8 s)


def _code(key_hex: str) -> str:
    return f"{totp(unhexlify(key_hex)):06d}"


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.parametrize("role", list(StaffRole))
def test_every_staff_role_needs_the_second_factor_id_1(role):
    """ID-1: every workbench role needs TOTP, whatever the role."""
    # given a staff member holding only this role
    user = staff(role, AgencyFactory())

    # when asked, then the second factor is required
    assert second_factor.second_factor_required(user) is True


def test_superusers_and_admin_staff_need_it_applicants_do_not_id_1():
    """ID-1: Django admin accounts need TOTP too; applicants and anonymous visitors never do."""
    # given a superuser, an is_staff account, an applicant account and an anonymous visitor
    superuser = UserFactory(is_superuser=True)
    admin_staff = UserFactory(is_staff=True)
    applicant = UserFactory()

    # when asked, then only the first two need it
    assert [second_factor.second_factor_required(user)
            for user in (superuser, admin_staff, applicant, AnonymousUser(), None)] == [True, True, False, False, False]


def test_enrolment_binds_the_authenticator_that_shows_a_valid_code_id_1():
    """ID-1: enrolment stores a confirmed device only when the app shows a code from the offered secret."""
    # given a staff member and a fresh secret
    user = staff(StaffRole.COUNTER_STAFF, AgencyFactory())
    secret = second_factor.new_secret()

    # when the code the authenticator computes is entered
    device = second_factor.enrol(user, secret, _code(secret))

    # then the device is confirmed with that secret, the same code cannot be replayed, and it is audited
    assert (device.user, device.key, device.confirmed) == (user, secret, True)
    with pytest.raises(TongbanError) as replay:
        second_factor.verify(user, _code(secret))
    assert replay.value.error == IdentityError.SECOND_FACTOR_CODE_WRONG
    assert list(AuditEvent.objects.values_list("action", "actor_id")) == [("identity.second_factor.enrolled", user.pk)]


def test_enrolment_refuses_a_wrong_code_and_stores_nothing_id_1():
    """ID-1: a wrong or malformed code at enrolment leaves no device and no event behind."""
    # given a staff member and a fresh secret
    user = staff(StaffRole.COUNTER_STAFF, AgencyFactory())
    secret = second_factor.new_secret()

    # when a wrong code, then a malformed one is entered
    with pytest.raises(TongbanError) as wrong:
        second_factor.enrol(user, secret, _wrong(_code(secret)))
    with pytest.raises(TongbanError) as malformed:
        second_factor.enrol(user, secret, "12ab56")

    # then both are refused with their reasons and nothing is stored
    assert (wrong.value.error, malformed.value.error) == (
        IdentityError.SECOND_FACTOR_ENROLMENT_WRONG, IdentityError.SECOND_FACTOR_CODE_INVALID,
    )
    assert (TOTPDevice.objects.count(), AuditEvent.objects.count()) == (0, 0)


def test_enrolment_cannot_replace_a_bound_authenticator_id_1():
    """ID-1: someone holding only the password cannot swap the owner's authenticator for their own."""
    # given a staff member with an authenticator
    user = staff(StaffRole.COUNTER_STAFF, AgencyFactory())
    existing = authenticator(user)
    secret = second_factor.new_secret()

    # when a second enrolment is attempted with a valid code of a new secret
    with pytest.raises(TongbanError) as refused:
        second_factor.enrol(user, secret, _code(secret))

    # then it is refused and the original device is the only one
    assert refused.value.error == IdentityError.SECOND_FACTOR_ENROLLED
    assert list(TOTPDevice.objects.values_list("pk", flat=True)) == [existing.pk]


def test_verify_accepts_the_current_code_once_id_1():
    """ID-1: the current code passes once; the same code again is refused (no replay)."""
    # given a staff member with an authenticator
    user = staff(StaffRole.AGENCY_ADMIN, AgencyFactory())
    device = authenticator(user)
    code = current_code(device)

    # when the code is used twice
    verified = second_factor.verify(user, code)
    with pytest.raises(TongbanError) as replay:
        second_factor.verify(user, code)

    # then the first passes and the second is refused as wrong or used
    assert verified == device
    assert replay.value.error == IdentityError.SECOND_FACTOR_CODE_WRONG


def test_django_otp_throttling_holds_back_a_quick_retry_id_1():
    """ID-1: django-otp's own throttling is on: right after a wrong code even the right one must wait."""
    # given a staff member who has just entered a wrong code
    user = staff(StaffRole.AGENCY_ADMIN, AgencyFactory())
    device = authenticator(user)
    with time_machine.travel(timezone.now(), tick=False), pytest.raises(TongbanError):
        second_factor.verify(user, _wrong(current_code(device)))

    # when the right code follows at once (the clock stopped, so "at once" holds on a slow machine too)
    with time_machine.travel(timezone.now(), tick=False), pytest.raises(TongbanError) as throttled:
        second_factor.verify(user, current_code(device))

    # then it is held back with the seconds to wait, and the failure count did not grow
    assert (throttled.value.error, throttled.value.params) == (IdentityError.SECOND_FACTOR_THROTTLED, {"seconds": 1})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_five_wrong_codes_lock_the_authenticator_for_fifteen_minutes_id_1(fixed_clock):
    """ID-1: five wrong codes in a row lock the device for 15 minutes (audited); then the right code passes."""
    # given a staff member with an authenticator
    user = staff(StaffRole.AGENCY_ADMIN, AgencyFactory())
    device = authenticator(user)

    # when five wrong codes are entered, waiting out the back-off between them
    refusals = []
    for _attempt in range(5):
        fixed_clock.shift(WAIT_OUT_BACK_OFF)
        with pytest.raises(TongbanError) as refused:
            second_factor.verify(user, _wrong(current_code(device)))
        refusals.append((refused.value.error, refused.value.params))
    fixed_clock.shift(datetime.timedelta(minutes=14))
    with pytest.raises(TongbanError) as still_locked:
        second_factor.verify(user, current_code(device))
    fixed_clock.shift(datetime.timedelta(minutes=1, seconds=1))
    verified = second_factor.verify(user, current_code(device))

    # then the count runs down to the lock, the right code is refused while locked, and passes afterwards
    wrong = IdentityError.SECOND_FACTOR_CODE_WRONG
    assert refusals == [
        (wrong, {"remaining": 4}), (wrong, {"remaining": 3}), (wrong, {"remaining": 2}), (wrong, {"remaining": 1}),
        (IdentityError.SECOND_FACTOR_LOCKED, {"minutes": 15}),
    ]
    assert (still_locked.value.error, still_locked.value.params) == (IdentityError.SECOND_FACTOR_LOCKED, {"minutes": 1})
    assert verified == device
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["identity.second_factor.locked"]


def test_verify_without_an_authenticator_is_refused_id_1():
    """ID-1: a staff member who never enrolled cannot pass verification."""
    # given a staff member without an authenticator
    user = staff(StaffRole.AGENCY_ADMIN, AgencyFactory())

    # when a code is entered
    with pytest.raises(TongbanError) as refused:
        second_factor.verify(user, "123456")

    # then it is refused as not enrolled
    assert refused.value.error == IdentityError.SECOND_FACTOR_NOT_ENROLLED


def _session_of(user) -> str:
    """A stored session of ``user``, indexed as ``record_login`` indexes it."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    UserSession.objects.create(user=user, session_key=store.session_key, logged_in_at=timezone.now())
    return store.session_key


def test_end_sessions_deletes_every_session_of_the_account_only_sec_4():
    """SEC-4: ending an account's sessions removes each of its sessions and index rows, nobody else's."""
    # given two sessions of one account and one of another
    user, other = UserFactory(), UserFactory()
    _session_of(user), _session_of(user)
    kept = _session_of(other)

    # when the account's sessions are ended
    ended = end_sessions(user)

    # then exactly its two sessions are gone
    assert ended == 2
    assert list(Session.objects.values_list("session_key", flat=True)) == [kept]
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [kept]
