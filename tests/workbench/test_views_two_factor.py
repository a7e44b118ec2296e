"""Staff login hardening in the browser's view: TOTP second factor, lockout, session lifetime (ID-1, SEC-4).

These tests use a plain ``django.test.Client``: the shared ``client`` fixture
passes the second factor on ``force_login``, which is what is under test here.
"""

from __future__ import annotations

import datetime
import re
from base64 import b64decode
from binascii import unhexlify

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory, staff
from tests.staff_sessions import VerifiedStaffClient, authenticator, current_code
from tests.workbench.test_views_support import agencies
from tongban.identity.errors import IdentityError
from tongban.identity.models import StaffRole, UserSession
from tongban.identity.services import staff as staff_services
from tongban.identity.sessions import ABSOLUTE_MESSAGE, IDLE_MESSAGE
from tongban.workbench.views.two_factor import ENROLMENT_SECRET_KEY

pytestmark = pytest.mark.django_db

HOME = reverse("workbench:home")
LOGIN = reverse("workbench:login")
SECOND_FACTOR = reverse("workbench:two_factor")
ENROL = reverse("workbench:two_factor_enrol")
PASSWORD = "correct-horse-battery"


def _log_in(client: Client, user, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": user.username, "password": password}, **extra)


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_staff_login_without_the_code_opens_no_workbench_or_admin_page_id_1():
    """ID-1: after the password alone, every workbench page and the admin send staff to the second factor."""
    # given a staff member with an authenticator, logged in with the password only
    user = staff(StaffRole.CATALOGUE_AUTHORITY, agencies().city)
    authenticator(user)
    client = Client()
    login = _log_in(client, user)

    # when they open the dashboard, a queue and the admin
    pages = [client.get(url) for url in (HOME, reverse("workbench:queue", args=["authority"]), "/admin/")]

    # then the login leads to the second factor and so does every page, coming back afterwards
    assert (login.status_code, login.url) == (302, f"{SECOND_FACTOR}?next=%2Fworkbench%2F")
    assert [(page.status_code, page.url) for page in pages] == [
        (302, f"{SECOND_FACTOR}?next=/workbench/"),
        (302, f"{SECOND_FACTOR}?next=/workbench/queues/authority/"),
        (302, f"{SECOND_FACTOR}?next=/admin/"),
    ]


def test_staff_with_the_current_code_get_in_with_a_new_session_id_id_1():
    """ID-1: the right code opens the workbench; the session key changes at login and again at the code."""
    # given a staff member with an authenticator, and a browser that already has a session
    user = staff(StaffRole.AGENCY_ADMIN, agencies().home)
    device = authenticator(user)
    client = Client()
    anonymous_key = client.session.session_key

    # when they log in with password, then code
    _log_in(client, user)
    password_key = client.cookies["sessionid"].value
    code = client.post(SECOND_FACTOR, {"code": current_code(device), "next": HOME})
    verified_key = client.cookies["sessionid"].value
    dashboard = client.get(HOME)

    # then they are in, each step had a new session key, and the old sessions no longer exist
    assert (code.status_code, code.url, dashboard.status_code) == (302, HOME, 200)
    assert len({anonymous_key, password_key, verified_key}) == 3
    assert list(Session.objects.values_list("session_key", flat=True)) == [verified_key]
    assert list(UserSession.objects.values_list("session_key", "user_id")) == [(verified_key, user.pk)]


def test_a_wrong_code_keeps_staff_out_id_1():
    """ID-1: a wrong code is refused on the page, saying how many tries are left."""
    # given a staff member logged in with the password
    user = staff(StaffRole.AGENCY_ADMIN, agencies().home)
    device = authenticator(user)
    client = Client()
    _log_in(client, user)

    # when a wrong code is entered
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(SECOND_FACTOR, {"code": wrong, "next": HOME})

    # then the page says so and the dashboard still redirects
    assert response.status_code == 400
    assert IdentityError.SECOND_FACTOR_CODE_WRONG.format(remaining=4) in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_first_login_enrols_an_authenticator_from_the_qr_code_id_1():
    """ID-1: a staff member without an authenticator is shown a QR code and secret, and binds it with a code."""
    # given a new staff member without an authenticator, logged in with the password
    user = staff(StaffRole.COUNTER_STAFF, agencies().home)
    client = Client()
    _log_in(client, user)

    # when they follow the second-factor page to enrolment and enter the code their app computes
    redirected = client.get(f"{SECOND_FACTOR}?next=%2Fworkbench%2F")
    page = client.get(redirected.url)
    secret = client.session[ENROLMENT_SECRET_KEY]
    enrolled = client.post(ENROL, {"code": f"{totp(unhexlify(secret)):06d}", "next": HOME})

    # then the page showed an SVG QR code and the base32 secret, and they are in with a confirmed device
    assert redirected.url == f"{ENROL}?next=%2Fworkbench%2F"
    content = page.content.decode()
    svg = b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', content).group(1))
    assert svg.startswith(b"<svg")
    assert page.context["secret"].replace(" ", "") in content.replace(" ", "")
    assert (enrolled.status_code, enrolled.url) == (302, HOME)
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.get(user=user).key == secret
    assert ENROLMENT_SECRET_KEY not in client.session


def test_applicants_are_not_held_by_the_second_factor_id_1():
    """ID-1: an account without staff roles is never sent to the second factor."""
    # given an applicant account logged in
    client = Client()
    client.force_login(UserFactory())

    # when it opens the workbench home
    response = client.get(HOME)

    # then it sees the page (without worklists)
    assert response.status_code == 200


def test_five_wrong_passwords_lock_the_username_and_the_address_id_1(fixed_clock):
    """ID-1: five wrong passwords lock that username (from anywhere) and that address (for any username) for
    15 minutes, said in Chinese on the login page; afterwards the right password works."""
    # given a staff member, another staff member, and a browser
    user, colleague = UserFactory(), UserFactory()
    client = Client()

    # when five wrong passwords are posted, then the right one, then others try
    failures = [_log_in(client, user, password="wrong-password") for _attempt in range(5)]
    right_but_locked = _log_in(client, user)
    colleague_same_address = _log_in(Client(), colleague)
    user_other_address = _log_in(Client(), user, REMOTE_ADDR="10.1.2.3")
    colleague_other_address = _log_in(Client(), colleague, REMOTE_ADDR="10.1.2.4")
    fixed_clock.shift(datetime.timedelta(minutes=15, seconds=5))
    after_cool_off = _log_in(Client(), user)

    # then the fifth failure locks with the message, and only the unlocked pair gets in until the time is up
    locked_message = IdentityError.LOGIN_LOCKED.format(minutes=15)
    assert [response.status_code for response in failures] == [200, 200, 200, 200, 302]
    assert (failures[-1].url, _messages(failures[-1])) == (LOGIN, [locked_message])
    page = client.get(LOGIN)
    assert locked_message in page.content.decode()
    assert [response.status_code for response in (right_but_locked, colleague_same_address, user_other_address)] \
        == [302, 302, 302]
    assert {response.url for response in (right_but_locked, colleague_same_address, user_other_address)} == {LOGIN}
    assert "_auth_user_id" not in client.session
    assert (colleague_other_address.status_code, colleague_other_address.url) == (302, HOME)
    assert (after_cool_off.status_code, after_cool_off.url) == (302, HOME)


def test_the_second_factor_page_shows_a_code_lock_id_1(fixed_clock):
    """ID-1: after five wrong codes the page says the authenticator is locked and for how long."""
    # given a staff member logged in with the password
    user = staff(StaffRole.AGENCY_ADMIN, agencies().home)
    device = authenticator(user)
    client = Client()
    _log_in(client, user)

    # when five wrong codes are entered, waiting out the back-off, and the page is opened again
    for _attempt in range(5):
        fixed_clock.shift(datetime.timedelta(seconds=40))
        client.post(SECOND_FACTOR, {"code": f"{(int(current_code(device)) + 1) % 1_000_000:06d}", "next": HOME})
    page = client.get(SECOND_FACTOR)

    # then the lock and its minutes are shown
    assert IdentityError.SECOND_FACTOR_LOCKED.format(minutes=15) in page.content.decode()


def test_thirty_idle_minutes_end_the_session_sec_4(fixed_clock):
    """SEC-4: a session used every 29 minutes lives on; 31 idle minutes log it out with a message."""
    # given a logged-in staff member
    user = staff(StaffRole.AGENCY_ADMIN, agencies().home)
    client = VerifiedStaffClient()
    client.force_login(user)

    # when they come back after 29, 29 and then 31 minutes
    visits = []
    for minutes in (29, 29, 31):
        fixed_clock.shift(datetime.timedelta(minutes=minutes))
        visits.append(client.get(HOME))

    # then the first two visits open the page, the third goes to login saying why
    assert [visit.status_code for visit in visits] == [200, 200, 302]
    assert visits[-1].url == f"{LOGIN}?next=/workbench/"
    assert _messages(visits[-1]) == [str(IDLE_MESSAGE)]
    assert UserSession.objects.count() == 0


def test_twelve_hours_after_login_the_session_ends_however_busy_sec_4():
    """SEC-4: a session in constant use still ends 12 hours after its login."""
    # given a staff member who logged in and works every 20 minutes (on a clock that does not tick, so the time
    # the requests themselves take on a busy machine cannot push the last visit past the 12 hours)
    user = staff(StaffRole.AGENCY_ADMIN, agencies().home)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = VerifiedStaffClient()
        client.force_login(user)
        statuses = []
        for _visit in range(36):  # 36 × 20 minutes = 12 hours
            clock.shift(datetime.timedelta(minutes=20))
            statuses.append(client.get(HOME).status_code)

        # when they go on one minute past the 12 hours
        clock.shift(datetime.timedelta(minutes=1))
        last = client.get(HOME)

    # then every visit within 12 hours worked, and the last one is sent to login saying why
    assert set(statuses) == {200}
    assert (last.status_code, _messages(last)) == (302, [str(ABSOLUTE_MESSAGE)])


def test_disabling_an_account_ends_its_open_session_sec_4():
    """SEC-4: a staff member working in the workbench is logged out on the next request once disabled."""
    # given a staff member with an open workbench session, and the security administrator
    tree = agencies()
    user = staff(StaffRole.AGENCY_ADMIN, tree.home)
    client = VerifiedStaffClient()
    client.force_login(user)
    before = client.get(HOME)
    session_key = client.session.session_key
    security_admin = staff(StaffRole.SECURITY_ADMIN, tree.city)

    # when the security administrator disables the account
    staff_services.disable_account(security_admin, user, "离职")
    after = client.get(HOME)

    # then the next request is sent to login and the session no longer exists
    assert (before.status_code, after.status_code) == (200, 302)
    assert after.url == f"{LOGIN}?next=/workbench/"
    assert not Session.objects.filter(session_key=session_key).exists()
