"""Registering and disabling single sign-on clients (ID-2): the service, its refusals and ``tongban oidc-client``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from oauth2_provider.models import AccessToken, Application, Grant, IDToken

from tests.factories import AgencyFactory, UserFactory, staff
from tests.identity.oidc_builders import LOGOUT_URI, REDIRECT_URI, authorize, exchange, person, registered_client
from tongban.core.errors import TongbanError
from tongban.core.models import AuditEvent
from tongban.identity.errors import IdentityError
from tongban.identity.models import OidcClient, StaffRole
from tongban.identity.oidc import clients

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Application.objects.count(), OidcClient.objects.count(), AuditEvent.objects.count()


def test_register_confidential_client_returns_the_secret_once_and_stores_its_hash():
    """ID-2: a confidential client gets a secret shown once; only its hash is kept; the registration is audited."""
    # given an agency
    agency = AgencyFactory(code="SHMZJ", name="上海市民政局")

    # when the platform registers the agency's system
    registered = clients.register_client(None, name="婚姻登记系统", redirect_uris=[REDIRECT_URI], agency=agency,
                                         post_logout_redirect_uris=[LOGOUT_URI])

    # then the client uses the code flow with RS256 ID tokens and the consent page
    application = registered.client.application
    assert (application.client_type, application.authorization_grant_type, application.algorithm) == (
        "confidential", "authorization-code", "RS256")
    assert (application.redirect_uris, application.post_logout_redirect_uris) == (REDIRECT_URI, LOGOUT_URI)
    assert application.skip_authorization is False
    # and the secret is long, returned in plain text, and stored only as a hash
    assert len(registered.client_secret) == 128
    assert application.client_secret != registered.client_secret
    assert check_password(registered.client_secret, application.client_secret)
    # and the registration is recorded for the agency
    assert (registered.client.agency, registered.client.registered_by_label, registered.client.is_enabled) == (
        agency, "平台", True)
    event = AuditEvent.objects.get(action="identity.oidc_client.registered")
    assert (event.agency_id, event.data["client_id"], event.data["agency"], event.data["public"]) == (
        agency.pk, application.client_id, "SHMZJ", False)


def test_register_public_client_has_no_secret():
    """ID-2: a public client (a mobile app) gets no secret and relies on PKCE."""
    # when a public client is registered
    registered = clients.register_client(None, name="随申办移动端", redirect_uris=[REDIRECT_URI], public=True)

    # then it has no secret
    assert (registered.client_secret, registered.client.application.client_type) == ("", "public")
    assert registered.client.application.client_secret == ""


def test_public_client_completes_the_flow_with_pkce_alone(client):
    """ID-2: a public client exchanges its code with the verifier and its client id, no secret."""
    # given a public client and a logged-in person
    registered = registered_client(public=True)
    client.force_login(person(level=2).user)

    # when the flow completes
    code, verifier = authorize(client, registered)
    response = exchange(client, registered, code, verifier)

    # then tokens are issued
    assert response.status_code == 200
    assert "id_token" in response.json()


@pytest.mark.parametrize(("arguments", "error", "field"), [
    ({"name": " "}, IdentityError.OIDC_CLIENT_NAME_REQUIRED, "name"),
    ({"name": "长" * 121}, IdentityError.OIDC_CLIENT_NAME_REQUIRED, "name"),
    ({"redirect_uris": []}, IdentityError.OIDC_REDIRECT_URI_REQUIRED, "redirect_uris"),
    ({"redirect_uris": ["ftp://rp.example.gov.cn/cb"]}, IdentityError.OIDC_REDIRECT_URI_INVALID, "redirect_uris"),
    ({"redirect_uris": ["/callback"]}, IdentityError.OIDC_REDIRECT_URI_INVALID, "redirect_uris"),
    ({"redirect_uris": ["https://rp.example.gov.cn/cb#x"]}, IdentityError.OIDC_REDIRECT_URI_INVALID, "redirect_uris"),
    ({"redirect_uris": ["https://user@rp.example.gov.cn/cb"]}, IdentityError.OIDC_REDIRECT_URI_INVALID,
     "redirect_uris"),
    ({"redirect_uris": ["https://*.example.gov.cn/cb"]}, IdentityError.OIDC_REDIRECT_URI_INVALID, "redirect_uris"),
    ({"redirect_uris": ["https://rp.example.gov.cn/a b"]}, IdentityError.OIDC_REDIRECT_URI_INVALID, "redirect_uris"),
    ({"post_logout_redirect_uris": ["javascript:alert(1)"]}, IdentityError.OIDC_REDIRECT_URI_INVALID,
     "post_logout_redirect_uris"),
])
def test_bad_registration_is_refused_and_creates_nothing(arguments, error, field):
    """ID-2: a missing name or a bad redirect URI is refused with its code and field; nothing is created."""
    # given the counts before
    before = _counts()
    values = {"name": "业务系统", "redirect_uris": [REDIRECT_URI], **arguments}

    # when the registration is attempted
    with pytest.raises(TongbanError) as refusal:
        clients.register_client(None, **values)

    # then it is refused with the reason, and nothing was created
    assert (refusal.value.error, refusal.value.field) == (error, field)
    assert _counts() == before


def test_redirect_uri_refusal_names_the_uri_and_the_reason():
    """ID-2: the message says which URI is wrong and why, in Chinese."""
    with pytest.raises(TongbanError) as refusal:
        clients.register_client(None, name="业务系统", redirect_uris=["ftp://rp.example.gov.cn/cb"])
    assert refusal.value.message == "回调地址“ftp://rp.example.gov.cn/cb”不正确：必须以 https:// 或 http:// 开头"


def test_plain_http_redirect_is_refused_in_production(settings):
    """ID-2: production allows only https redirect URIs (http only serves the local demo)."""
    # given the production redirect policy
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https"]}
    before = _counts()

    # when an http redirect URI is registered
    with pytest.raises(TongbanError) as refusal:
        clients.register_client(None, name="业务系统", redirect_uris=["http://rp.example.gov.cn/cb"])

    # then it is refused and nothing is created
    assert refusal.value.message == "回调地址“http://rp.example.gov.cn/cb”不正确：必须以 https:// 开头"
    assert _counts() == before


@pytest.mark.parametrize("role", [role for role in StaffRole if role != StaffRole.PLATFORM_OPERATOR])
def test_only_platform_operators_register_clients(role):
    """ID-2: every other staff role is refused and nothing is created."""
    # given a staff member holding another role
    actor = staff(role, AgencyFactory())
    before = _counts()

    # when they try to register a client
    with pytest.raises(TongbanError) as refusal:
        clients.register_client(actor, name="业务系统", redirect_uris=[REDIRECT_URI])

    # then they are refused and nothing changed
    assert refusal.value.error == IdentityError.ROLE_REQUIRED
    assert _counts() == before


def test_applicant_and_disabled_operator_are_refused():
    """ID-2: an applicant (no role) and a disabled operator account cannot register clients."""
    applicant = person(level=4).user
    operator = staff(StaffRole.PLATFORM_OPERATOR, AgencyFactory())
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    before = _counts()
    for actor, error in ((applicant, IdentityError.ROLE_REQUIRED), (operator, IdentityError.LOGIN_REQUIRED)):
        with pytest.raises(TongbanError) as refusal:
            clients.register_client(actor, name="业务系统", redirect_uris=[REDIRECT_URI])
        assert refusal.value.error == error
    assert _counts() == before


def test_operator_registers_and_is_named_as_registrar():
    """ID-2: a platform operator registers a client; the record and the audit event name them."""
    operator = staff(StaffRole.PLATFORM_OPERATOR, AgencyFactory())
    registered = clients.register_client(operator, name="业务系统", redirect_uris=[REDIRECT_URI])
    assert registered.client.registered_by_label == operator.display_name
    assert AuditEvent.objects.get(action="identity.oidc_client.registered").actor_id == operator.pk


def test_disable_deletes_codes_and_tokens_and_is_audited(client):
    """ID-2: disabling a client removes its outstanding code and tokens at once; the reason is audited."""
    # given a client holding one token and one unused code
    registered = registered_client()
    client.force_login(person(level=2).user)
    code, verifier = authorize(client, registered)
    exchange(client, registered, code, verifier)
    authorize(client, registered)
    assert (Grant.objects.count(), AccessToken.objects.count(), IDToken.objects.count()) == (1, 1, 1)

    # when the platform disables it
    disabled = clients.disable_client(None, registered.client, "系统下线")

    # then the client is disabled, its code and tokens are gone, and the event says what was deleted
    assert (disabled.is_enabled, disabled.disabled_reason, disabled.disabled_by_label) == (False, "系统下线", "平台")
    assert (Grant.objects.count(), AccessToken.objects.count(), IDToken.objects.count()) == (0, 0, 0)
    event = AuditEvent.objects.get(action="identity.oidc_client.disabled")
    assert event.data["deleted"] == {"refresh_tokens": 0, "access_tokens": 1, "id_tokens": 1, "codes": 1}
    assert event.data["reason"] == "系统下线"


def test_disable_refusals_change_nothing():
    """ID-2: no reason, a second disabling, another role: each refused, the client as it was."""
    registered = registered_client()
    other_role = staff(StaffRole.AGENCY_ADMIN, AgencyFactory())
    for actor, reason, error in ((None, " ", IdentityError.OIDC_DISABLE_REASON_REQUIRED),
                                 (other_role, "下线", IdentityError.ROLE_REQUIRED)):
        with pytest.raises(TongbanError) as refusal:
            clients.disable_client(actor, registered.client, reason)
        assert refusal.value.error == error
    registered.client.refresh_from_db()
    assert registered.client.disabled_at is None
    clients.disable_client(None, registered.client, "下线")
    before = AuditEvent.objects.count()
    with pytest.raises(TongbanError) as refusal:
        clients.disable_client(None, registered.client, "再次下线")
    assert refusal.value.error == IdentityError.OIDC_CLIENT_ALREADY_DISABLED
    assert AuditEvent.objects.count() == before


def test_unknown_client_id_is_refused():
    """ID-2: looking up a client id that does not exist is refused with its code."""
    with pytest.raises(TongbanError) as refusal:
        clients.client_by_id("no-such-client")
    assert refusal.value.error == IdentityError.OIDC_CLIENT_NOT_FOUND


def test_client_created_outside_the_service_is_unusable(client):
    """ID-2: an application added another way (e.g. the Django admin) is an unknown client to the endpoints."""
    # given an application without a Tongban registration
    application = Application.objects.create(
        name="未登记", client_type="confidential", authorization_grant_type="authorization-code",
        redirect_uris=REDIRECT_URI, algorithm="RS256", user=UserFactory(),
    )
    client.force_login(person(level=2).user)

    # when it starts a sign-in
    response = client.get("/o/authorize/", {
        "response_type": "code", "client_id": application.client_id, "redirect_uri": REDIRECT_URI,
        "scope": "openid", "code_challenge": "x" * 43, "code_challenge_method": "S256",
    })

    # then it is refused as an unknown client
    assert response.status_code == 400
    assert Grant.objects.count() == 0


def _command(*arguments: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("oidc-client", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_creates_lists_and_revokes_a_client():
    """ID-2: ``oidc-client create`` prints the id and the secret once; ``list`` shows it; ``revoke`` disables."""
    AgencyFactory(code="SHGAJ")

    # when an operator registers a client on the command line
    out, err = _command("create", "--name", "出入境业务系统", "--redirect-uri", REDIRECT_URI,
                        "--redirect-uri", "https://rp.example.gov.cn/cb2", "--agency", "SHGAJ")

    # then the client id and the secret are printed, with the warning on stderr
    lines = dict(line.split(": ", 1) for line in out.strip().splitlines())
    client_id, secret = lines["client_id"], lines["client_secret"]
    registered = OidcClient.objects.select_related("application", "agency").get()
    assert (registered.application.client_id, registered.agency.code) == (client_id, "SHGAJ")
    assert registered.application.redirect_uris == f"{REDIRECT_URI} https://rp.example.gov.cn/cb2"
    assert check_password(secret, registered.application.client_secret)
    assert "客户端密钥只显示这一次" in err

    # and list shows it enabled
    listed = _command("list")[0].strip().split("\t")
    assert listed[:5] == [client_id, "出入境业务系统", "confidential", "SHGAJ", "启用"]

    # and revoke disables it
    revoked = _command("revoke", client_id, "--reason", "系统迁移")[0].strip()
    assert revoked == f"接入系统 {client_id}（出入境业务系统）已停用"
    registered.refresh_from_db()
    assert registered.disabled_reason == "系统迁移"


def test_command_public_client_prints_no_secret():
    """ID-2: ``--public`` registers a client without a secret."""
    out, err = _command("create", "--name", "移动端", "--redirect-uri", REDIRECT_URI, "--public")
    assert out.startswith("client_id: ") and "client_secret" not in out
    assert "必须使用 PKCE" in err


def test_command_refusals_exit_with_the_code_and_create_nothing():
    """ID-2: an unknown agency or a bad redirect URI ends the command with the refusal's code; nothing is created."""
    before = _counts()
    with pytest.raises(CommandError, match="AGENCIES_AGENCY_NOT_FOUND"):
        _command("create", "--name", "系统", "--redirect-uri", REDIRECT_URI, "--agency", "NOPE")
    with pytest.raises(CommandError, match="IDENTITY_OIDC_REDIRECT_URI_INVALID"):
        _command("create", "--name", "系统", "--redirect-uri", "ftp://x/")
    with pytest.raises(CommandError, match="IDENTITY_OIDC_CLIENT_NOT_FOUND"):
        _command("revoke", "no-such-client")
    assert _counts() == before


def test_id_2_client_secrets_use_the_fast_hasher_for_random_secrets():
    """ID-2: a registered client's secret is stored hashed, with the hasher for machine-generated secrets."""
    registered = registered_client()
    stored = registered.client.application.client_secret
    assert stored.startswith("tongban_client_secret$1000$")
    assert registered.client_secret not in stored
    assert check_password(registered.client_secret, stored)
