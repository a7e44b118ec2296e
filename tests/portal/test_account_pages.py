"""Applicant account pages (ID-1, ID-3, SEC-4): sign-up, login by code or password, logout, my account."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.identity.factories import PersonFactory
from tongban.core.models import SandboxSms
from tongban.identity.adapters.sandbox import sample_face_png
from tongban.identity.models import Person
from tongban.identity.services.one_time_codes import sandbox_code

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
ZHANG_WEI = "310101199003071310"
SIGNUP, SIGNUP_CODE = reverse("account:signup"), reverse("account:signup_code")
LOGIN, LOGIN_CODE = reverse("account:login"), reverse("account:login_code")
HOME = reverse("account:home")


def _messages(response) -> list[str]:  # noqa: ANN001 - Django test response
    return [str(message) for message in response.context["messages"]]


def test_id_1_sign_up_page_flow_logs_in_with_a_new_session(client):
    """ID-1: phone → code → account at level 1, logged in on a new session id, sent to "my account"."""
    # given a visitor with a session
    client.get(SIGNUP)
    anonymous_session = client.session.session_key

    # when the phone is entered, a code is sent and the code page opens
    response = client.post(SIGNUP, {"phone": PHONE})
    assert response.status_code == 302 and response["Location"] == SIGNUP_CODE
    page = client.get(SIGNUP_CODE)
    assert "验证码已发送至 139****5678" in page.content.decode()

    # when the code from the SMS is entered
    response = client.post(SIGNUP_CODE, {"action": "verify", "code": sandbox_code(PHONE)})

    # then the person exists at level 1 and is logged in on a new session id
    person = Person.objects.get()
    assert (person.phone, person.real_name_level) == (PHONE, 1)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.session[SESSION_KEY] == str(person.user_id)
    assert client.session.session_key != anonymous_session
    # and "my account" shows the holder his own number in full, and the ways up
    home = client.get(HOME)
    assert home.context["level"] == 1
    assert f'<dd data-phone>{PHONE}</dd>' in home.content.decode()
    assert [entry["reached"] for entry in home.context["levels"]] == [True, False, False, False]


def test_a_wrong_code_on_the_page_is_shown_on_the_form_and_creates_nothing(client):
    """ID-1 bad input: the refusal and its code are shown; no account is made."""
    client.post(SIGNUP, {"phone": PHONE})
    wrong = f"{(int(sandbox_code(PHONE)) + 1) % 1_000_000:06d}"
    response = client.post(SIGNUP_CODE, {"action": "verify", "code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["验证码不正确，还可以再试4次（IDENTITY_CODE_INVALID）"]
    assert Person.objects.count() == 0


def test_resending_too_soon_is_refused_and_sends_no_sms(client):
    """Throttling on the page: the resend button within 60 seconds says how long to wait."""
    client.post(SIGNUP, {"phone": PHONE})
    response = client.post(SIGNUP_CODE, {"action": "resend"})
    assert response.status_code == 200
    assert response.context["resend_errors"][0].startswith("获取验证码过于频繁，请")
    assert SandboxSms.objects.count() == 1


def test_the_sandbox_code_notice_is_absent_outside_debug(client):
    """Tests run with DEBUG off: the code page never shows the code."""
    client.post(SIGNUP, {"phone": PHONE})
    page = client.get(SIGNUP_CODE)
    assert page.context["sandbox_code"] is None
    assert "沙箱短信" not in page.content.decode()


def test_the_sandbox_code_notice_shows_the_code_in_debug(client, settings):
    """In development (DEBUG with the SMS sandbox) the code page shows the code the sandbox "sent"."""
    settings.DEBUG = True
    client.post(SIGNUP, {"phone": PHONE})
    page = client.get(SIGNUP_CODE)
    assert f"沙箱短信：验证码 {sandbox_code(PHONE)}" in page.content.decode()


def test_id_1_login_by_code_honours_a_safe_next_address_only(client):
    """ID-1: an existing person logs in by code and goes back where the login was asked (an OIDC request …)."""
    person = PersonFactory(phone=PHONE)
    client.post(LOGIN, {"method": "code", "phone": PHONE, "next": "/o/authorize/?client_id=abc"})
    response = client.post(LOGIN_CODE, {"action": "verify", "code": sandbox_code(PHONE)})
    assert response["Location"] == "/o/authorize/?client_id=abc"
    assert client.session[SESSION_KEY] == str(person.user_id)
    # and an address on another site is ignored
    client.post(reverse("account:logout"))
    PersonFactory(phone="13900000999")
    client.post(LOGIN, {"method": "code", "phone": "13900000999", "next": "https://evil.example/"})
    response = client.post(LOGIN_CODE, {"action": "verify", "code": sandbox_code("13900000999")})
    assert response["Location"] == HOME


def test_login_by_code_for_an_unknown_phone_is_refused_on_the_form(client):
    """No SMS goes to a phone without an account; the form says to sign up."""
    response = client.post(LOGIN, {"method": "code", "phone": PHONE})
    assert response.context["code_form"].errors["phone"] == [
        "该手机号码尚未注册，请先注册（IDENTITY_PHONE_NOT_REGISTERED）"]
    assert SandboxSms.objects.count() == 0


def test_id_1_login_by_password_and_lockout_after_repeated_failures(client):
    """ID-1: phone + password through django-axes; after 5 wrong passwords even the right one is refused."""
    person = PersonFactory(phone=PHONE, password="Ming-Yue-Guang-2026")
    # a wrong password is refused on the form
    response = client.post(LOGIN, {"method": "password", "phone": PHONE, "password": "wrong-password-0"})
    assert response.context["password_form"].non_field_errors() == []
    assert response.context["password_form"].errors["password"] == [
        "手机号码或密码不正确（IDENTITY_PASSWORD_LOGIN_FAILED）"]
    for attempt in range(1, 5):
        client.post(LOGIN, {"method": "password", "phone": PHONE, "password": f"wrong-password-{attempt}"})
    # then the right password is refused too, with the lockout message
    response = client.post(LOGIN, {"method": "password", "phone": PHONE, "password": "Ming-Yue-Guang-2026"},
                           follow=True)
    assert SESSION_KEY not in client.session
    assert any(message.startswith("登录失败次数过多，已临时锁定") for message in _messages(response))
    # while another person's phone from another address still logs in
    other = PersonFactory(phone="13900000888", password="Ming-Yue-Guang-2026")
    client.post(reverse("account:logout"))
    response = client.post(LOGIN, {"method": "password", "phone": "13900000888", "password": "Ming-Yue-Guang-2026"},
                           REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(other.user_id)
    assert person.user_id != other.user_id


def test_logout_is_post_only(client):
    """Logout by POST only (CSRF-protected), back to the portal home page."""
    person = PersonFactory(phone=PHONE)
    client.force_login(person.user)
    assert client.get(reverse("account:logout")).status_code == 405
    response = client.post(reverse("account:logout"))
    assert response["Location"] == reverse("portal:home")
    assert SESSION_KEY not in client.session


def test_my_account_needs_a_login_and_a_person(client, django_user_model):
    """Anonymous visitors are sent to the login page (coming back afterwards); staff-only accounts are told why."""
    response = client.get(HOME)
    assert response["Location"] == f"{LOGIN}?next=%2Faccount%2F"
    client.force_login(django_user_model.objects.create_user(username="no-person", password="x" * 12))
    response = client.get(HOME)
    assert (response.status_code, response.context["refusal"].code) == (403, "IDENTITY_NOT_A_PERSON")


def test_id_1_raising_levels_from_my_account(client):
    """ID-1: L2 by name and ID number, then L3 by face with the sandbox sample downloaded from the page."""
    person = PersonFactory(phone=PHONE)
    client.force_login(person.user)
    # a wrong checksum is shown on the form with its code, nothing changes
    response = client.post(reverse("account:level_resident"), {"full_name": "张伟", "id_number": "310101199003071311"})
    assert response.status_code == 400
    assert response.context["resident_form"].errors["id_number"] == [
        "身份证号码校验位不正确，请核对后重新输入（CORE_ID_NUMBER_CHECKSUM）"]
    # the right pair reaches level 2
    response = client.post(reverse("account:level_resident"), {"full_name": "张伟", "id_number": ZHANG_WEI})
    assert response["Location"] == HOME
    page = client.get(HOME)
    assert (page.context["level"], page.context["face_sample"]) == (2, True)
    assert f'<dd class="code" data-document-number>{ZHANG_WEI}</dd>' in page.content.decode()
    # the sandbox sample is the person's own; uploading it reaches level 3
    sample = client.get(reverse("account:face_sample"))
    assert (sample["Content-Type"], sample.content) == ("image/png", sample_face_png(ZHANG_WEI))
    upload = SimpleUploadedFile("face.png", sample.content, content_type="image/png")
    response = client.post(reverse("account:level_face"), {"image": upload})
    assert response["Location"] == HOME
    person.refresh_from_db()
    assert person.real_name_level == 3


def test_id_3_foreigner_raises_level_from_my_account(client):
    """ID-3: the foreigner's form with a passport."""
    person = PersonFactory(phone=PHONE)
    client.force_login(person.user)
    response = client.post(reverse("account:level_foreigner"), {
        "full_name": "JOHN SMITH", "document_type": "passport", "document_number": "567890123", "nationality": "USA"})
    assert response["Location"] == HOME
    person.refresh_from_db()
    assert (person.real_name_level, person.nationality) == (2, "USA")


def test_registry_unavailable_is_shown_and_changes_nothing(client, settings):
    """ID-1 bad input: the outage is stated on the form; the person keeps level 1 and no document."""
    settings.TONGBAN_REGISTRY_SANDBOX_FAILURE = "unavailable"
    person = PersonFactory(phone=PHONE)
    client.force_login(person.user)
    response = client.post(reverse("account:level_resident"), {"full_name": "张伟", "id_number": ZHANG_WEI})
    assert response.status_code == 400
    assert "人口库暂时无法访问" in response.context["resident_form"].non_field_errors()[0]
    person.refresh_from_db()
    assert (person.real_name_level, person.document_number) == (1, "")


def test_setting_a_password_keeps_the_session(client):
    """The holder sets a password; the current session stays logged in."""
    person = PersonFactory(phone=PHONE)
    client.force_login(person.user)
    response = client.post(reverse("account:password"),
                           {"password": "Ming-Yue-Guang-2026", "confirmation": "Ming-Yue-Guang-2026"})
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    person.user.refresh_from_db()
    assert person.user.check_password("Ming-Yue-Guang-2026")


def test_id_2_the_session_records_how_the_person_logged_in(client):
    """ID-2: ID tokens tell agency systems how the person proved who they are (RFC 8176 amr)."""
    PersonFactory(phone=PHONE, password="Ming-Yue-Guang-2026")
    client.post(LOGIN, {"method": "password", "phone": PHONE, "password": "Ming-Yue-Guang-2026"})
    assert client.session["authentication_methods"] == ["pwd"]
    client.post(reverse("account:logout"))
    client.post(LOGIN, {"method": "code", "phone": PHONE})
    client.post(LOGIN_CODE, {"action": "verify", "code": sandbox_code(PHONE)})
    assert client.session["authentication_methods"] == ["sms"]
