"""``complete_login`` (ID-5, YRD-1): every branch without HTTP, on claims as a verified ID token carries them.

A returning user is matched by the keyed hash of the verified ID number, never
by name; a first login creates the person at L2 at most and links the other
region's account; every refusal leaves users, persons, links, checks and the
audit log as they were.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.identity.factories import PersonFactory, make_resident_id
from tongban.core import crypto
from tongban.core.errors import TongbanError
from tongban.core.identifiers import resident_id_check_character
from tongban.core.models import AuditEvent
from tongban.identity.federation import services
from tongban.identity.federation.services import claimed_level, complete_login
from tongban.identity.models import (
    DocumentType,
    ExternalIdentity,
    ExternalProvider,
    Person,
    RealNameCheck,
    RealNameMethod,
    User,
)

pytestmark = pytest.mark.django_db

ISSUER = "https://id.zjzwfw.example.gov.cn"
CLIENT_ID = "tongban-shanghai"
NONCE = "nonce-0123456789abcdef"
NUMBER = make_resident_id(301, region="330106")


@pytest.fixture
def provider() -> ExternalProvider:
    """Zhejiang's provider as the operator configured it."""
    return services.create_provider(
        None, slug="zhejiang", name="浙江政务服务网", issuer=ISSUER, client_id=CLIENT_ID, client_secret="s3cret",
        scopes="openid profile", id_number_claim="id_number", name_claim="name", level_claim="acr",
    )


def claims(**changes: Any) -> dict[str, Any]:
    """What a good ID token from ``provider`` says; ``changes`` replace claims, ``None`` removes one."""
    now = int(timezone.now().timestamp())
    values: dict[str, Any] = {
        "iss": ISSUER, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": NONCE,
        "sub": "zj-0001", "name": "张三", "id_number": NUMBER, "acr": "2",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(), "persons": Person.objects.count(),
        "identities": ExternalIdentity.objects.count(), "checks": RealNameCheck.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def with_check_character(first_seventeen: str) -> str:
    return first_seventeen + resident_id_check_character(first_seventeen)


def test_first_login_creates_a_person_at_level_2_and_links_the_account_id_5(provider):
    """ID-5: an unknown resident gets a user, a person with the encrypted document, L2 and the link."""
    # given no local person with that ID number
    # when the first login completes
    person = complete_login(provider, claims(), expected_nonce=NONCE)

    # then the person carries the claim's name, the document, its birth date and level 2 from the other region
    assert (person.full_name, person.real_name_level, person.nationality) == ("张三", 2, "CHN")
    assert (person.document_type, person.document_number) == (DocumentType.RESIDENT_ID, NUMBER)
    assert person.birth_date.isoformat() == "1990-03-07"
    assert person.user.username.startswith("p_") and not person.user.has_usable_password()
    assert person.user.display_name == "张三"
    # and the hash is the one Person.set_document stores
    assert person.document_number_hash == crypto.lookup_hash("document:resident_id", NUMBER)
    identity = ExternalIdentity.objects.get()
    assert (identity.provider_id, identity.subject, identity.person_id) == (provider.pk, "zj-0001", person.pk)
    assert identity.last_login_at is not None
    check = RealNameCheck.objects.get()
    assert (check.level, check.method, check.succeeded, check.reference) == (
        2, RealNameMethod.OTHER_REGION, True, "zhejiang:zj-0001"
    )
    event = AuditEvent.objects.get(action="identity.federation.login")
    assert event.data == {
        "provider": "zhejiang", "identity": identity.pk, "person_created": True, "identity_linked": True,
        "claimed_level": 2, "level_raised_to": 2, "name_matches": True,
    }
    assert NUMBER not in str(event.data)


@pytest.mark.parametrize(("acr", "expected"), [("3", 2), (4, 2), ("urn:yrd:loa:3", 2), ("L2", 2)])
def test_claimed_levels_above_2_are_recorded_as_2_id_5(provider, acr, expected):
    """ID-5: L3 and L4 need a check made here; the other region's word counts for L2 at most."""
    # given no local person
    # when a resident at a higher level elsewhere logs in
    person = complete_login(provider, claims(acr=acr), expected_nonce=NONCE)

    # then the level is 2
    assert person.real_name_level == expected


def test_returning_account_logs_into_the_same_person_id_5(provider):
    """ID-5: the second login of the same account creates nothing and updates the last login."""
    # given a first login an hour ago
    first = complete_login(provider, claims(), expected_nonce=NONCE)
    ExternalIdentity.objects.update(last_login_at=timezone.now() - timezone.timedelta(hours=1))
    before = counts()

    # when the account logs in again
    again = complete_login(provider, claims(), expected_nonce=NONCE)

    # then it is the same person; only the audit log grew
    assert again.pk == first.pk
    assert counts() == {**before, "events": before["events"] + 1}
    assert ExternalIdentity.objects.get().last_login_at > timezone.now() - timezone.timedelta(minutes=1)


def test_same_number_under_another_subject_and_name_is_the_same_person_id_5(provider):
    """ID-5: matched by the ID number's hash (lower-case x and spaces included), never refused for the name."""
    # given a person created by a first login
    first = complete_login(provider, claims(), expected_nonce=NONCE)

    # when another account at the provider presents the same number, written differently, under another name
    written_differently = f"{NUMBER[:6]} {NUMBER[6:14]} {NUMBER[14:]}".lower()
    second = complete_login(provider, claims(sub="zj-0002", name="张叄", id_number=written_differently),
                            expected_nonce=NONCE)

    # then it is the same person, linked twice, with the local name kept and the mismatch noted
    assert second.pk == first.pk and Person.objects.count() == 1
    assert second.full_name == "张三"
    assert ExternalIdentity.objects.filter(person=first).count() == 2
    event = AuditEvent.objects.filter(action="identity.federation.login").order_by("-id").first()
    assert (event.data["name_matches"], event.data["person_created"], event.data["identity_linked"]) == (
        False, False, True
    )


def test_same_name_with_another_number_is_another_person_id_5(provider):
    """ID-5: two residents called 张三 are two persons: names never match anybody."""
    # given 张三 created from one number
    first = complete_login(provider, claims(), expected_nonce=NONCE)

    # when another 张三 with another number logs in
    other = complete_login(provider, claims(sub="zj-0009", id_number=make_resident_id(302, region="330106")),
                           expected_nonce=NONCE)

    # then a second person exists
    assert other.pk != first.pk and Person.objects.count() == 2


def test_local_person_registered_beforehand_is_matched_and_keeps_a_higher_level_id_5():
    """ID-5: a local L3 person with the number is logged in, not renamed, not lowered, no check recorded."""
    # given a local person (L3) with that number and another name, and a configured provider
    local = PersonFactory(level=3, document=NUMBER, full_name="张三丰")
    provider = services.create_provider(
        None, slug="zhejiang", name="浙江政务服务网", issuer=ISSUER, client_id=CLIENT_ID, client_secret="s3cret",
        scopes="openid", id_number_claim="id_number", name_claim="name", level_claim="acr",
    )
    before = counts()

    # when the Zhejiang account logs in
    person = complete_login(provider, claims(), expected_nonce=NONCE)

    # then it is the local person, now linked, and nothing else changed
    assert person.pk == local.pk
    assert (person.full_name, person.real_name_level) == ("张三丰", 3)
    assert counts() == {**before, "identities": before["identities"] + 1, "events": before["events"] + 1}


def test_local_person_below_level_2_is_raised_with_an_other_region_check_id_5(provider):
    """ID-5: a local L1 person holding the number reaches L2 on the other region's verification."""
    # given a phone-verified person whose document was recorded but not yet checked
    local = PersonFactory(level=1, document=NUMBER)

    # when the other region vouches for the number at L2
    person = complete_login(provider, claims(), expected_nonce=NONCE)

    # then the person is at L2 with the other region's check as evidence
    assert person.pk == local.pk and person.real_name_level == 2
    assert list(RealNameCheck.objects.filter(person=local).values_list("level", "method")) == [
        (1, RealNameMethod.PHONE_CODE), (2, RealNameMethod.OTHER_REGION)
    ]


def test_foreigners_permanent_residence_card_number_matches_that_document_type_id_5_id_3(provider):
    """ID-5, ID-3: a number starting with 9 is the foreigner's permanent residence ID card and is hashed as such."""
    # given a foreigner registered here with the 2023 permanent residence card
    number = with_check_character("93310119850412001")
    local = PersonFactory(level=2, document=(DocumentType.FOREIGN_PERMANENT_RESIDENCE, number))

    # when the other region presents that number
    person = complete_login(provider, claims(id_number=number), expected_nonce=NONCE)

    # then the foreigner is matched
    assert person.pk == local.pk and Person.objects.count() == 1


@pytest.mark.parametrize(("changes", "code"), [
    ({"iss": "https://id.zjzwfw.example.gov.cn/"}, "IDENTITY_FEDERATION_TOKEN_ISSUER_INVALID"),
    ({"iss": None}, "IDENTITY_FEDERATION_TOKEN_ISSUER_INVALID"),
    ({"aud": "someone-else"}, "IDENTITY_FEDERATION_TOKEN_AUDIENCE_INVALID"),
    ({"aud": ["someone-else", "another"]}, "IDENTITY_FEDERATION_TOKEN_AUDIENCE_INVALID"),
    ({"aud": [CLIENT_ID, "another"]}, "IDENTITY_FEDERATION_TOKEN_AUDIENCE_INVALID"),  # several audiences, no azp
    ({"aud": [CLIENT_ID, "another"], "azp": "another"}, "IDENTITY_FEDERATION_TOKEN_AUDIENCE_INVALID"),
    ({"aud": None}, "IDENTITY_FEDERATION_TOKEN_AUDIENCE_INVALID"),
    ({"exp": "tomorrow"}, "IDENTITY_FEDERATION_TOKEN_EXPIRED"),
    ({"exp": None}, "IDENTITY_FEDERATION_TOKEN_EXPIRED"),
    ({"nonce": "another-nonce"}, "IDENTITY_FEDERATION_NONCE_INVALID"),
    ({"nonce": None}, "IDENTITY_FEDERATION_NONCE_INVALID"),
    ({"sub": None}, "IDENTITY_FEDERATION_SUBJECT_MISSING"),
    ({"sub": ""}, "IDENTITY_FEDERATION_SUBJECT_MISSING"),
    ({"id_number": None}, "IDENTITY_FEDERATION_NO_ID_NUMBER"),
    ({"id_number": 330106199003073010}, "IDENTITY_FEDERATION_NO_ID_NUMBER"),
    ({"id_number": NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")}, "IDENTITY_FEDERATION_NO_ID_NUMBER"),
    ({"id_number": with_check_character("33010620990101001")}, "IDENTITY_FEDERATION_NO_ID_NUMBER"),  # born 2099
    ({"acr": "1"}, "IDENTITY_FEDERATION_LEVEL_TOO_LOW"),
    ({"acr": None}, "IDENTITY_FEDERATION_LEVEL_TOO_LOW"),
    ({"acr": True}, "IDENTITY_FEDERATION_LEVEL_TOO_LOW"),
])
def test_bad_claims_are_refused_and_change_nothing_id_5(provider, changes, code):
    """ID-5: wrong issuer, audience, expiry, nonce, subject, ID number or level: refused, nothing written."""
    # given the state before the login
    before = counts()

    # when the claims are judged
    with pytest.raises(TongbanError) as refusal:
        complete_login(provider, claims(**changes), expected_nonce=NONCE)

    # then the refusal names the problem and nothing changed
    assert refusal.value.code == code
    assert counts() == before


@pytest.mark.parametrize("offset", [-61, -3600])
def test_expired_token_is_refused_id_5(provider, offset):
    """ID-5: a token past its expiry (beyond 60 seconds of clock skew) is refused."""
    # given a token that expired ``offset`` seconds ago
    now = int(timezone.now().timestamp())

    # when it is judged
    with pytest.raises(TongbanError) as refusal:
        complete_login(provider, claims(exp=now + offset), expected_nonce=NONCE)

    # then it is refused as expired
    assert refusal.value.code == "IDENTITY_FEDERATION_TOKEN_EXPIRED"


def test_token_issued_in_the_future_is_refused_id_5(provider):
    """ID-5: an ``iat`` more than 60 seconds ahead means a wrong clock or a forged token."""
    # given a token issued ten minutes from now
    now = int(timezone.now().timestamp())

    # when it is judged
    with pytest.raises(TongbanError) as refusal:
        complete_login(provider, claims(iat=now + 600, exp=now + 900), expected_nonce=NONCE)

    # then it is refused
    assert refusal.value.code == "IDENTITY_FEDERATION_TOKEN_EXPIRED"


def test_empty_expected_nonce_never_matches_id_5(provider):
    """ID-5: a login whose nonce was lost cannot be completed by a token without one."""
    # when a token with an empty nonce meets a login with an empty nonce
    with pytest.raises(TongbanError) as refusal:
        complete_login(provider, claims(nonce=""), expected_nonce="")

    # then it is refused: empty never equals empty here
    assert refusal.value.code == "IDENTITY_FEDERATION_NONCE_INVALID"


def test_account_linked_to_another_person_is_refused_id_5(provider):
    """ID-5: a linked account that suddenly presents someone else's number is refused, not re-linked."""
    # given the account linked to the person with NUMBER, and another local person
    complete_login(provider, claims(), expected_nonce=NONCE)
    other_number = make_resident_id(303, region="330106")
    PersonFactory(level=2, document=other_number)
    before = counts()

    # when the same account presents the other person's number (or an unknown number)
    for number in (other_number, make_resident_id(304, region="330106")):
        with pytest.raises(TongbanError) as refusal:
            complete_login(provider, claims(id_number=number), expected_nonce=NONCE)

        # then it is refused and nothing changed
        assert refusal.value.code == "IDENTITY_FEDERATION_SUBJECT_CONFLICT"
    assert counts() == before


def test_disabled_provider_is_refused_id_5(provider):
    """ID-5: once the operator disables a provider, its tokens no longer log anybody in."""
    # given the provider disabled
    services.set_provider_enabled(None, provider, enabled=False)
    before = counts()

    # when one of its tokens arrives
    with pytest.raises(TongbanError) as refusal:
        complete_login(provider, claims(), expected_nonce=NONCE)

    # then it is refused and nothing changed
    assert refusal.value.code == "IDENTITY_FEDERATION_PROVIDER_DISABLED"
    assert counts() == before


def test_disabled_local_account_is_refused_id_5(provider):
    """ID-5: a deactivated local account is not reopened through another region's login."""
    # given the local person's account disabled
    local = PersonFactory(level=2, document=NUMBER)
    User.objects.filter(pk=local.user_id).update(is_active=False)
    before = counts()

    # when the other region presents that person's number
    with pytest.raises(TongbanError) as refusal:
        complete_login(provider, claims(), expected_nonce=NONCE)

    # then it is refused and nothing changed
    assert refusal.value.code == "IDENTITY_FEDERATION_ACCOUNT_DISABLED"
    assert counts() == before


@pytest.mark.parametrize(("value", "level"), [
    (2, 2), ("3", 3), ("L4", 4), ("urn:yrd:loa:2", 2), ("", 0), (None, 0), ("high", 0), (True, 0),
])
def test_claimed_level_reads_common_acr_forms(value, level):
    """ID-5: ``acr`` values as providers send them."""
    assert claimed_level(value) == level
